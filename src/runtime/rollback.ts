/**
 * `convene rollback RUN_ID`: undoes the writes of a failed, interrupted or partial run. The
 * rows it replaced or deleted come back from the history (history.ts), the rows it wrote are
 * deleted, its input problems and checkpoints go, and it is marked `rolled_back`: the next
 * run does its work again. A run that succeeded is rolled back only when forced.
 */
import { ConveneError } from '../core/errors.js';
import type { Database } from '../sinks/duckdb/database.js';
import { undoRun } from '../sinks/duckdb/history.js';

export interface RollbackReport {
  runId: string;
  /** The run's status before the rollback. */
  status: string;
  tables: Record<string, { restored: number; deleted: number }>;
  checkpoints: number;
  problems: number;
  /** Runs started after this one and not rolled back: rows they wrote since were kept. */
  laterRuns: string[];
}

export async function rollbackRun(db: Database, runId: string, options: { force?: boolean; now?: Date } = {}): Promise<RollbackReport> {
  const run = (await db.all('SELECT status, started_at FROM runs WHERE run_id = ?', [runId]))[0];
  if (!run) throw new ConveneError('CLI_USAGE', `no run ${runId} in this database (see: convene query "SELECT run_id, status FROM runs")`, { subject: runId });
  const status = String(run['status']);
  if (status === 'rolled_back') throw new ConveneError('CLI_USAGE', `run ${runId} was rolled back already`, { subject: runId });
  if (status === 'succeeded' && !options.force) {
    throw new ConveneError('CLI_USAGE', `run ${runId} succeeded; roll it back anyway with --force`, { subject: runId });
  }
  const later = await db.all(`SELECT run_id FROM runs WHERE started_at > (SELECT started_at FROM runs WHERE run_id = ?) AND status <> 'rolled_back' ORDER BY started_at`, [runId]);
  const count = async (sql: string): Promise<number> => Number((await db.all(sql, [runId]))[0]?.['n'] ?? 0);
  return db.transaction(async () => {
    const tables = await undoRun(db, runId);
    const checkpoints = await count('SELECT count(*) AS n FROM checkpoints WHERE run_id = ?');
    await db.run('DELETE FROM checkpoints WHERE run_id = ?', [runId]);
    const problems = await count('SELECT count(*) AS n FROM input_problems WHERE run_id = ?');
    await db.run('DELETE FROM input_problems WHERE run_id = ?', [runId]);
    const at = (options.now ?? new Date()).toISOString();
    await db.run(`UPDATE runs SET status = 'rolled_back', message = concat_ws('; ', message, ?) WHERE run_id = ?`, [`rolled back at ${at} (was ${status})`, runId]);
    return { runId, status, tables, checkpoints, problems, laterRuns: later.map((r) => String(r['run_id'])) };
  });
}
