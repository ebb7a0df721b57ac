/**
 * The `runs` bookkeeping table: one row per replay or run, from start to its final status.
 */
import type { Database } from '../sinks/duckdb/database.js';
import { recordRunErrors, type ErrorLog } from './resilience/error-log.js';

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed';

export interface RunTotals {
  read: number;
  stored: number;
  skipped: number;
  problems: number;
  counts: Record<string, unknown>;
}

export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\..+/, '');
  return `${stamp}-${process.pid}-${Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0')}`;
}

export async function startRun(db: Database, runId: string, command: string, mode: string, config: unknown, now: Date): Promise<void> {
  await db.run(
    `INSERT INTO runs (run_id, command, mode, status, started_at, config) VALUES (?, ?, ?, 'running', ?::TIMESTAMPTZ, ?)`,
    [runId, command, mode, now.toISOString(), JSON.stringify(config)],
  );
}

export async function finishRun(
  db: Database,
  runId: string,
  status: RunStatus,
  totals: RunTotals | null,
  validation: unknown,
  message: string | null,
  now: Date,
  errors: ErrorLog | null = null,
): Promise<void> {
  await db.run(
    `UPDATE runs SET status = ?, finished_at = ?::TIMESTAMPTZ, records_read = ?, records_stored = ?, records_skipped = ?,
       problems = ?, counts = ?, validation = ?, message = ? WHERE run_id = ?`,
    [
      status,
      now.toISOString(),
      totals?.read ?? null,
      totals?.stored ?? null,
      totals?.skipped ?? null,
      totals?.problems ?? null,
      totals ? JSON.stringify(totals.counts) : null,
      validation === null ? null : JSON.stringify(validation),
      message,
      runId,
    ],
  );
  // Errors of the run, grouped by cause, with its error count and rate (runs.error_count, error_rate).
  await recordRunErrors(db, runId, totals, now, errors);
}
