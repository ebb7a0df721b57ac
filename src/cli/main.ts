/**
 * The convene command line. Each command's module is imported only when it runs, so
 * `convene --help` starts fast. Exit codes: 0 success, 1 failure, 2 usage error,
 * 3 a run that ended partial (see docs/cli.md).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ConveneError } from '../core/errors.js';

export const EXIT = { ok: 0, failure: 1, usage: 2, partial: 3 } as const;

const DEFAULT_DB = 'convene.duckdb';

function number(name: string, integer = false) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw new InvalidArgumentError(`${name} must be ${integer ? 'a whole number' : 'a number'}`);
    return n;
  };
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function dbOption(): Option {
  return new Option('--db <file>', 'the convene database file').default(DEFAULT_DB);
}

function formatOption(): Option {
  return new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table');
}

export function buildProgram(exit: { code: number }): Command {
  const program = new Command('convene')
    .description('Finds how an organization coordinates its meetings in Slack and Google Workspace')
    .version('0.1.0')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeErr: (s) => process.stderr.write(s), writeOut: (s) => process.stdout.write(s) })
    .exitOverride();

  program
    .command('generate')
    .description('write a synthetic organization as a replay bundle with its ground truth')
    .requiredOption('--out <dir>', 'the bundle folder to write')
    .option('--seed <n>', 'random seed; the same seed gives the same bundle', number('--seed', true), 1)
    .option('--scale <x>', 'size: 1 ≈ 326,000 records, 10 ≈ 3.3 million', number('--scale'), 1)
    .option('--people <n>', 'number of people (default from --scale)', number('--people', true))
    .option('--days <n>', 'number of days of history (default from --scale)', number('--days', true))
    .action(async (opts) => {
      const { runGenerate } = await import('./commands/generate.js');
      exit.code = await runGenerate(opts);
    });

  program
    .command('replay')
    .description('read a bundle of exports (or single parts) into the database')
    .argument('[bundle]', 'a bundle folder (shared layout: slack/ or slack.zip, google/, people.csv)')
    .option('--slack <path>', 'a Slack export folder or zip')
    .option('--calendar <path>', 'a Calendar API JSON or ICS file, or a folder of them (repeatable)', collect, [])
    .option('--drive <path>', 'a Drive files.list JSON file or folder (repeatable)', collect, [])
    .option('--directory <path>', 'a Directory users.list JSON file or folder (repeatable)', collect, [])
    .option('--people <file>', 'a people.csv directory')
    .addOption(dbOption())
    .option('--batch-size <n>', 'records per database transaction', number('--batch-size', true), 2048)
    .option('--quiet', 'print only the final summary line')
    .action(async (bundle, opts) => {
      const { runReplay } = await import('./commands/replay.js');
      exit.code = await runReplay(bundle, opts);
    });

  program
    .command('eval')
    .description('score the database against a ground-truth file (shared/spec/truth.md)')
    .requiredOption('--truth <file>', 'the truth.json of the replayed bundle')
    .addOption(dbOption())
    .option('--json', 'print one JSON object instead of a table')
    .action(async (opts) => {
      const { runEval } = await import('./commands/eval.js');
      exit.code = await runEval(opts);
    });

  program
    .command('query')
    .description('run SQL against the database (read-only)')
    .argument('<sql>', 'the SQL to run, e.g. "SELECT count(*) FROM meetings"')
    .addOption(dbOption())
    .addOption(formatOption())
    .action(async (sql, opts) => {
      const { runQuery } = await import('./commands/query.js');
      exit.code = await runQuery(sql, opts);
    });

  program
    .command('validate')
    .description('check the integrity of the database and print content checksums')
    .addOption(dbOption())
    .option('--json', 'print one JSON object instead of a table')
    .action(async (opts) => {
      const { runValidate } = await import('./commands/validate.js');
      exit.code = await runValidate(opts);
    });

  program
    .command('demo')
    .description('generate a small organization, replay it, print a summary and write demo/report.html')
    .option('--dir <dir>', 'where the demo writes its bundle, database and report', 'demo')
    .option('--seed <n>', 'random seed', number('--seed', true), 7)
    .option('--scale <x>', 'organization size', number('--scale'), 0.02)
    .action(async (opts) => {
      const { runDemo } = await import('./commands/demo.js');
      exit.code = await runDemo(opts);
    });

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
