/**
 * The convene command line. Each command's module is imported only when it runs, so
 * `convene --help` starts fast. Exit codes: 0 success, 1 failure, 2 usage error,
 * 3 a run that ended partial (see docs/cli.md).
 */
import { Command, CommanderError } from 'commander';
import { ConveneError } from '../core/errors.js';
import { COMMANDS } from './commands/registry.js';
import { globalFlags, logFormatOption } from './options.js';

export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;

export function buildProgram(exit: { code: number }): Command {
  const program = new Command('convene')
    .description('Finds how an organization coordinates its meetings in Slack and Google Workspace')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .exitOverride()
    .addOption(logFormatOption())
    .option('--quiet', 'no progress, only results and errors')
    .hook('preAction', () => {
      Object.assign(globalFlags, program.opts<{ logFormat?: 'text' | 'json'; quiet?: boolean }>());
    });

  for (const register of COMMANDS) register(program, exit);

  // Every subcommand rejects unknown flags and surplus arguments, and reports errors the same way.
  for (const cmd of program.commands) {
    cmd.exitOverride().showHelpAfterError('(run with --help for usage)').allowExcessArguments(false);
  }
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const exit = { code: EXIT.ok as number };
  const program = buildProgram(exit);
  if (argv.length === 0) {
    program.outputHelp();
    return EXIT.usage;
  }
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exit.code;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return EXIT.ok;
      return EXIT.usage;
    }
    if (err instanceof ConveneError) {
      process.stderr.write(`convene: ${err.describe()}\n`);
      return err.code === 'CLI_USAGE' ? EXIT.usage : EXIT.failure;
    }
    process.stderr.write(`convene: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return EXIT.failure;
  }
}
