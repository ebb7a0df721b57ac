/** `convene explain`: its flags; the implementation (./explain.js) is loaded only when it runs. */
import type { Command } from 'commander';
import { dbOption } from '../options.js';
import type { RegisterCommand } from './registry.js';

export const explainCommand: RegisterCommand = (program: Command, exit) => {
  program
    .command('explain')
    .description('why a message was or was not linked to a meeting: its detection, the candidates and their scores')
    .argument('<channel>', 'a channel id or name')
    .argument('<ts>', 'the message ts, as exported (e.g. 1772636400.000200)')
    .addOption(dbOption())
    .option('--json', 'print one JSON object')
    .action(async (channel: string, ts: string, opts: { db: string; json?: boolean }) => {
      exit.code = await (await import('./explain.js')).runExplain(channel, ts, opts);
    });
};
