/** `convene people`: its flags; the implementation (./people.js) is loaded only when it runs. */
import type { Command } from 'commander';
import { dbOption, formatOption } from '../options.js';
import type { RegisterCommand } from './registry.js';

export const peopleCommand: RegisterCommand = (program: Command, exit) => {
  program
    .command('people')
    .description('the identity mapping: Slack user ↔ directory person ↔ calendar email, with how each was matched')
    .option('--unmatched', 'only identities that matched no one else, or people missing from Slack or the directory')
    .addOption(dbOption())
    .addOption(formatOption())
    .action(async (opts: { db: string; unmatched?: boolean; format: 'table' | 'json' | 'csv' }) => {
      exit.code = await (await import('./people.js')).runPeople(opts);
    });
};
