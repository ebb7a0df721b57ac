/** `convene messages [filters] [--format table|json|csv]`: messages with their signal and meeting. */
import { messageListQuery } from '../../sinks/search/filters.js';
import { dbOption, formatOption } from '../options.js';
import { addFilterOptions, runList, type FilterFlags } from './meetings.js';
import type { RegisterCommand } from './registry.js';

export function runMessages(flags: FilterFlags & { db: string; format: 'table' | 'json' | 'csv' }): Promise<number> {
  return runList(flags, messageListQuery);
}

export const messagesCommand: RegisterCommand = (program, exit) => {
  const cmd = program
    .command('messages')
    .description('list Slack messages with their meeting signal and linked meeting, filtered and searched')
    .addOption(dbOption())
    .addOption(formatOption());
  addFilterOptions(cmd, 'a signal kind: propose, confirm, decline, reschedule, cancel, link, huddle, agenda, reminder, followup').action(async (opts) => {
    exit.code = await runMessages(opts);
  });
};
