import { existsSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import type { RegisterCommand } from './registry.js';
import { dbOption } from '../options.js';

/** Undoes a run's writes; exit 0 when done, 2 when refused (unknown run, already rolled back, succeeded without --force). */
export async function runRollback(runId: string, opts: { db: string; force?: boolean; json?: boolean }): Promise<number> {
  if (!existsSync(opts.db)) throw new InputError('INPUT_NOT_FOUND', opts.db, 'no database here; pass --db');
  const { Database } = await import('../../sinks/duckdb/database.js');
  const { migrate } = await import('../../sinks/duckdb/schema.js');
  const { rollbackRun } = await import('../../runtime/rollback.js');
  const { validateDatabase } = await import('../../sinks/duckdb/validate.js');
  const db = await Database.open(opts.db);
  try {
    await migrate(db);
    const report = await rollbackRun(db, runId, { force: opts.force ?? false });
    const validation = await validateDatabase(db);
    if (opts.json) {
      process.stdout.write(JSON.stringify({ ...report, validation }, null, 2) + '\n');
    } else {
      const changed = Object.entries(report.tables).filter(([, t]) => t.restored + t.deleted > 0);
      for (const [table, t] of changed) process.stdout.write(`${table.padEnd(16)} ${t.deleted} rows deleted, ${t.restored} restored\n`);
      if (report.laterRuns.length > 0) process.stdout.write(`kept what ${report.laterRuns.length} later runs wrote since (${report.laterRuns.join(', ')})\n`);
      const checks = validation.problems.length === 0 ? 'validation passed' : `validation found ${validation.problems.length} problems (convene validate --db ${opts.db})`;
      process.stdout.write(`rolled back run ${runId} (was ${report.status}): ${report.checkpoints} checkpoints and ${report.problems} input problems removed; ${checks}\n`);
    }
    return validation.problems.length === 0 ? 0 : 1;
  } finally {
    db.close();
  }
}

export const rollbackCommand: RegisterCommand = (program, exit) => {
  program
    .command('rollback')
    .description('undo the writes of a failed, interrupted or partial run: restore the rows it replaced, delete those it wrote, drop its checkpoints')
    .argument('<run-id>', 'the run to undo (see: convene query "SELECT run_id, status FROM runs")')
    .addOption(dbOption())
    .option('--force', 'roll back a run that succeeded')
    .option('--json', 'print the report as JSON, with the validation after the rollback')
    .action(async (runId: string, opts: { db: string; force?: boolean; json?: boolean }) => {
      exit.code = await runRollback(runId, opts);
    });
};
