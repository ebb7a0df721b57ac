/**
 * Every command of the CLI, in the order `--help` lists them. Each entry adds one command to
 * the program and imports its implementation only when it runs, so start-up stays fast.
 */
import type { Command } from 'commander';
import { DEFAULTS } from '../../config/defaults.js';
import { collect, dbOption, formatOption, number } from '../options.js';
import { configCommand } from './config.js';
import { runCommand } from './run.js';
import { watchCommand } from './watch.js';
import { checkpointsCommand } from './checkpoints.js';
import { emulateCommand } from './emulate.js';
import { planCommand } from './plan.js';
import { meetingsCommand } from './meetings.js';
import { messagesCommand } from './messages.js';
import { exportCommand } from './export.js';
import { archiveCommand } from './archive.js';
import { detectCommand } from './detect.command.js';
import { explainCommand } from './explain.command.js';
import { peopleCommand } from './people.command.js';
import { rollbackCommand } from './rollback.js';
import { serveCommand } from './serve.js';
import { errorsCommand } from './errors.js';
import { breakerCommand } from './breaker.js';

export type RegisterCommand = (program: Command, exit: { code: number }) => void;

const generateCommand: RegisterCommand = (program, exit) => {
  program
    .command('generate')
    .description('write a synthetic organization as a replay bundle with its ground truth')
    .requiredOption('--out <dir>', 'the bundle folder to write')
    .option('--seed <n>', 'random seed; the same seed gives the same bundle', number('--seed', true), 1)
    .option('--scale <x>', 'size: 1 ≈ 326,000 records, 10 ≈ 3.3 million', number('--scale'), 1)
    .option('--people <n>', 'number of people (default from --scale)', number('--people', true))
    .option('--days <n>', 'number of days of history (default from --scale)', number('--days', true))
    .action(async (opts) => {
      const { runGenerate } = await import('./generate.js');
      exit.code = await runGenerate(opts);
    });
};

const replayCommand: RegisterCommand = (program, exit) => {
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
    .option('--config <file>', 'a config file for DuckDB limits, checkpoints, the memory ceiling and the log format (default: ./convene.config.json when it exists)')
    .option('--batch-size <n>', 'records per database transaction', number('--batch-size', true), DEFAULTS.batchSize)
    .option('--quiet', 'print only the final summary line')
    .option('--full-refresh', 'read everything again, even after an interrupted replay of the same inputs')
    .option('--parallel', 'read people, directory, calendars and Drive at the same time')
    .option('--archive <dir>', 'archive the run under <dir>/<run-id>/ (tables as Parquet, the report, a manifest with checksums)')
    .option('--keep-archives <n>', 'with --archive: keep at most this many archives', number('--keep-archives', true))
    .action(async (bundle, opts) => {
      const { runReplay } = await import('./replay.js');
      exit.code = await runReplay(bundle, opts);
    });
};

const evalCommand: RegisterCommand = (program, exit) => {
  program
    .command('eval')
    .description('score the database against a ground-truth file (shared/spec/truth.md)')
    .requiredOption('--truth <file>', 'the truth.json of the replayed bundle')
    .addOption(dbOption())
    .option('--json', 'print one JSON object instead of a table')
    .action(async (opts) => {
      const { runEval } = await import('./eval.js');
      exit.code = await runEval(opts);
    });
};

const queryCommand: RegisterCommand = (program, exit) => {
  program
    .command('query')
    .description('run SQL against the database (read-only)')
    .argument('<sql>', 'the SQL to run, e.g. "SELECT count(*) FROM meetings"')
    .addOption(dbOption())
    .addOption(formatOption())
    .action(async (sql, opts) => {
      const { runQuery } = await import('./query.js');
      exit.code = await runQuery(sql, opts);
    });
};

const validateCommand: RegisterCommand = (program, exit) => {
  program
    .command('validate')
    .description('check the integrity of the database and print content checksums')
    .addOption(dbOption())
    .option('--json', 'print one JSON object instead of a table')
    .action(async (opts) => {
      const { runValidate } = await import('./validate.js');
      exit.code = await runValidate(opts);
    });
};

const demoCommand: RegisterCommand = (program, exit) => {
  program
    .command('demo')
    .description('generate a small organization, replay it, print a summary and write demo/report.html')
    .option('--dir <dir>', 'where the demo writes its bundle, database and report', 'demo')
    .option('--seed <n>', 'random seed', number('--seed', true), 7)
    .option('--scale <x>', 'organization size', number('--scale'), 0.02)
    .action(async (opts) => {
      const { runDemo } = await import('./demo.js');
      exit.code = await runDemo(opts);
    });
};

export const COMMANDS: readonly RegisterCommand[] = [
  configCommand,
  generateCommand,
  replayCommand,
  runCommand,
  watchCommand,
  checkpointsCommand,
  rollbackCommand,
  evalCommand,
  queryCommand,
  validateCommand,
  meetingsCommand,
  messagesCommand,
  exportCommand,
  archiveCommand,
  detectCommand,
  explainCommand,
  peopleCommand,
  demoCommand,
  emulateCommand,
  planCommand,
  serveCommand,
  errorsCommand,
  breakerCommand,
];
