/**
 * `convene errors [--since 7d]`: the errors of recent runs grouped by root cause (code and
 * component), with what each code means and what to do, and the error rate of each run.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import type { RegisterCommand } from './registry.js';
import { dbOption, formatOption } from '../options.js';

export interface ErrorsFlags {
  db: string;
  since: string;
  format: 'table' | 'json' | 'csv';
}

export async function runErrors(flags: ErrorsFlags): Promise<number> {
  const { parseDuration } = await import('../../sinks/archive/archive.js');
  const sinceMs = parseDuration(flags.since);
  if (!existsSync(flags.db)) throw new InputError('INPUT_NOT_FOUND', flags.db, 'no database here; run `convene replay` or `convene run` first, or pass --db');
  const { Database } = await import('../../sinks/duckdb/database.js');
  const { errorGroups, errorRates } = await import('../../runtime/resilience/error-report.js');
  const { formatRows } = await import('../output.js');
  const db = await Database.open(flags.db, { readOnly: true });
  try {
    const tables = await db.all("SELECT table_name FROM information_schema.tables WHERE table_name = 'errors'");
    const since = new Date(Date.now() - sinceMs);
    const groups = tables.length > 0 ? await errorGroups(db, since) : [];
    const runs = tables.length > 0 ? await errorRates(db, since) : [];
    if (flags.format === 'json') {
      process.stdout.write(JSON.stringify({ since: since.toISOString(), groups, runs }, null, 2) + '\n');
      return 0;
    }
    const rows = groups.map((g) => ({ code: g.code, component: g.component, count: g.count, runs: g.runs, first_seen: g.firstSeen, last_seen: g.lastSeen, sample: g.sampleSubject ? `${g.sampleSubject}: ${g.sample ?? ''}` : g.sample }));
    process.stdout.write(formatRows(['code', 'component', 'count', 'runs', 'first_seen', 'last_seen', 'sample'], rows, flags.format) + '\n');
    if (flags.format === 'csv') return 0;
    if (groups.length === 0) process.stdout.write(`no errors since ${since.toISOString()}\n`);
    const codes = [...new Set(groups.map((g) => g.code))];
    if (codes.length > 0) process.stdout.write('\nwhat to do:\n');
    for (const code of codes) {
      const g = groups.find((x) => x.code === code)!;
      process.stdout.write(`  ${code}: ${g.meaning}\n    ${g.guidance}\n`);
    }
    if (runs.length > 0) {
      process.stdout.write('\nerror rate per run (errors / (records read + API attempts)):\n');
      for (const r of runs) process.stdout.write(`  ${r.startedAt}  ${r.runId}  ${r.command.padEnd(6)} ${r.status.padEnd(9)} ${String(r.errors).padStart(6)} errors  ${r.errorRate === null ? 'n/a' : `${(r.errorRate * 100).toFixed(2)} %`}\n`);
    }
    return 0;
  } finally {
    db.close();
  }
}

export const errorsCommand: RegisterCommand = (program, exit) => {
  program
    .command('errors')
    .description('errors of recent runs grouped by root cause (code and component), with what to do, and the error rate per run')
    .option('--since <duration>', 'how far back, e.g. 7d, 12h, 90m', '7d')
    .addOption(dbOption())
    .addOption(formatOption())
    .allowExcessArguments(false)
    .action(async (opts: ErrorsFlags) => {
      exit.code = await runErrors(opts);
    });
};
