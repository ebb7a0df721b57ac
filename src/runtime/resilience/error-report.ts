/**
 * Reading the `errors` table back: errors grouped by root cause (code and component) over a
 * period, each with the taxonomy's meaning and guidance, and the error rate per run for trends.
 * `convene errors` prints these; the monitoring API can serve them.
 */
import { ERROR_CODES, isErrorCode } from '../../core/errors.js';
import type { Database } from '../../sinks/duckdb/database.js';

export interface ErrorGroup {
  readonly code: string;
  readonly component: string;
  readonly count: number;
  readonly runs: number;
  readonly firstSeen: string;
  readonly lastSeen: string;
  readonly sample: string | null;
  readonly sampleSubject: string | null;
  /** What the code means, from the taxonomy. */
  readonly meaning: string;
  /** What to do about it, from the taxonomy. */
  readonly guidance: string;
}

export interface RunErrorRate {
  readonly runId: string;
  readonly command: string;
  readonly status: string;
  readonly startedAt: string;
  readonly errors: number;
  readonly errorRate: number | null;
}

const iso = (v: unknown): string => new Date(String(v)).toISOString();

/** Errors since `since`, grouped by code and component, the most frequent first. */
export async function errorGroups(db: Database, since: Date): Promise<ErrorGroup[]> {
  const rows = await db.all(
    `SELECT code, component, sum(count) AS n, count(DISTINCT run_id) AS runs, CAST(min(first_seen) AS VARCHAR) AS first_seen, CAST(max(last_seen) AS VARCHAR) AS last_seen,
            arg_max(sample_message, last_seen) AS sample, arg_max(sample_subject, last_seen) AS subject
       FROM errors WHERE last_seen >= ?::TIMESTAMPTZ GROUP BY code, component ORDER BY n DESC, code, component`,
    [since.toISOString()],
  );
  return rows.map((r) => {
    const code = String(r['code']);
    const info = isErrorCode(code) ? ERROR_CODES[code] : null;
    return {
      code,
      component: String(r['component']),
      count: Number(r['n']),
      runs: Number(r['runs']),
      firstSeen: iso(r['first_seen']),
      lastSeen: iso(r['last_seen']),
      sample: r['sample'] === null ? null : String(r['sample']),
      sampleSubject: r['subject'] === null ? null : String(r['subject']),
      meaning: info?.message ?? 'A code this convene does not know (written by another version).',
      guidance: info?.hint ?? 'See docs/troubleshooting.md of the convene that wrote it.',
    };
  });
}

/** The error count and rate of every run started since `since`, oldest first. */
export async function errorRates(db: Database, since: Date): Promise<RunErrorRate[]> {
  const rows = await db.all(
    `SELECT run_id, command, status, CAST(started_at AS VARCHAR) AS started_at, coalesce(error_count, 0) AS errors, error_rate
       FROM runs WHERE started_at >= ?::TIMESTAMPTZ ORDER BY started_at`,
    [since.toISOString()],
  );
  return rows.map((r) => ({
    runId: String(r['run_id']),
    command: String(r['command']),
    status: String(r['status']),
    startedAt: iso(r['started_at']),
    errors: Number(r['errors']),
    errorRate: r['error_rate'] === null ? null : Number(r['error_rate']),
  }));
}
