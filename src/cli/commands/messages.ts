/** `convene messages [filters] [--format table|json|csv]`: messages with their signal and meeting. */
import { messageListQuery } from '../../sinks/search/filters.js';
import { dbOption, formatOption } from '../options.js';
import { formatRows } from '../output.js';
import { addFilterOptions, asUsage, DEFAULT_LIST_LIMIT, filtersFromFlags, openForReading, type FilterFlags } from './meetings.js';
import type { RegisterCommand } from './registry.js';

export async function runMessages(flags: FilterFlags & { db: string; format: 'table' | 'json' | 'csv' }): Promise<number> {
  const filters = filtersFromFlags(flags, { limit: flags.format === 'table' ? DEFAULT_LIST_LIMIT : undefined });
  const q = asUsage(() => messageListQuery(filters));
  const db = await openForReading(flags.db);
  try {
    const { columns, rows } = await db.table(q.sql, q.params);
    process.stdout.write(formatRows(columns, rows, flags.format) + '\n');
    return 0;
  } finally {
    db.close();
  }
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
