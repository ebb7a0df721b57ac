/**
 * The `runs` bookkeeping table: one row per replay or run, from start to its final status.
 */
import type { Database } from '../sinks/duckdb/database.js';
import { recordRunErrors, type ErrorLog } from './resilience/error-log.js';
import { liveStatus } from './telemetry/live-status.js';

export type RunStatus = 'running' | 'succeeded' | 'partial' | 'failed' | 'rolled_back';

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
  // The last finished run of the same command tells the live status how much to expect (its ETA).
  const last = await db.all(`SELECT records_read FROM runs WHERE command = ? AND status IN ('succeeded', 'partial') AND records_read IS NOT NULL ORDER BY started_at DESC LIMIT 1`, [command]);
  const expected = last[0] ? Number(last[0]['records_read']) : null;
  liveStatus.begin({ runId, command, mode, dbPath: db.path, expectedRecords: expected }, db);
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
  await liveStatus.end(status);
}

/**
 * Source records each stage read in the newest finished run of this command (and scope, for
 * replays), so the next run's progress bars know each stage's size and can show an ETA.
 */
export async function earlierStageRecords(db: Database, command: string, scope: string | null): Promise<Record<string, number>> {
  const rows = await db.all(
    `SELECT json_extract(counts, '$.stageRecords') AS s FROM runs
      WHERE command = ? AND status IN ('succeeded', 'partial') AND (? IS NULL OR json_extract_string(config, '$.scope') = ?)
      ORDER BY started_at DESC LIMIT 1`,
    [command, scope, scope],
  );
  const raw = rows[0]?.['s'];
  if (raw === null || raw === undefined) return {};
  const parsed = JSON.parse(String(raw)) as Record<string, unknown>;
  return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, number] => typeof e[1] === 'number' && e[1] > 0));
}

/**
 * Records which components the run went without (failed, skipped, or ran degraded), so its
 * results can be told apart by SQL: `runs.degraded_components`, and the `degraded_meetings`
 * view of the meetings it derived. NULL when every component succeeded.
 */
export async function markDegraded(db: Database, runId: string, components: ReadonlyArray<{ name: string; status: string; reason: string | null }>): Promise<void> {
  const missing = components.filter((c) => c.status !== 'succeeded').map((c) => ({ name: c.name, status: c.status, reason: c.reason }));
  await db.run('UPDATE runs SET degraded_components = ? WHERE run_id = ?', [missing.length ? JSON.stringify(missing) : null, runId]);
}
