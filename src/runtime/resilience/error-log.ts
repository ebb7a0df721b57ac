/**
 * Error aggregation: what went wrong in a run, grouped by root cause (component and code), with
 * first and last seen, a count and one sample, written to the `errors` table when the run ends,
 * together with the run's error count and rate (`runs.error_count`, `runs.error_rate`).
 *
 * Three places feed it: the call gate (every failed API attempt, retried or not), the input
 * problems of the run (`input_problems`, grouped here in SQL), and the components that failed
 * (the orchestrator's results).
 */
import { toConveneError } from '../../core/errors.js';
import type { Database } from '../../sinks/duckdb/database.js';
import { errorsTotal } from '../telemetry/metrics.js';

export interface ErrorEntry {
  readonly component: string;
  readonly code: string;
  firstSeen: Date;
  lastSeen: Date;
  count: number;
  readonly sampleMessage: string | null;
  readonly sampleSubject: string | null;
}

export class ErrorLog {
  private readonly byCause = new Map<string, ErrorEntry>();

  constructor(private readonly clock: () => Date = () => new Date()) {}

  record(component: string, code: string, message: string | null, subject: string | null = null, at: Date = this.clock()): void {
    const id = `${component}\u0000${code}`;
    const e = this.byCause.get(id);
    errorsTotal.inc({ component, code });
    if (e === undefined) {
      this.byCause.set(id, { component, code, firstSeen: at, lastSeen: at, count: 1, sampleMessage: message, sampleSubject: subject });
      return;
    }
    e.count++;
    if (at < e.firstSeen) e.firstSeen = at;
    if (at > e.lastSeen) e.lastSeen = at;
  }

  recordError(component: string, err: unknown): void {
    const e = toConveneError(err);
    this.record(component, e.code, e.message, e.subject ?? null);
  }

  entries(): ErrorEntry[] {
    return [...this.byCause.values()];
  }

  get total(): number {
    let n = 0;
    for (const e of this.byCause.values()) n += e.count;
    return n;
  }
}

interface ComponentOutcome {
  readonly name: string;
  readonly status: string;
  readonly reason: string | null;
  readonly code: string | null;
}

function componentsOf(counts: Record<string, unknown> | undefined): ComponentOutcome[] {
  const c = counts?.['components'];
  return Array.isArray(c) ? (c as ComponentOutcome[]) : [];
}

/** API attempts of a run, from the call gate's stats in `runs.counts.calls`. */
function attemptsOf(counts: Record<string, unknown> | undefined): number {
  const calls = counts?.['calls'];
  if (typeof calls !== 'object' || calls === null) return 0;
  let n = 0;
  for (const s of Object.values(calls as Record<string, { attempts?: unknown }>)) n += Number(s?.attempts ?? 0);
  return n;
}

export interface RunErrorFigures {
  readonly errors: number;
  /** errors / (records read + API attempts); 0 for a run that did nothing. */
  readonly rate: number;
}

/**
 * Writes a run's errors (the log's, its input problems, its failed components) and its error
 * count and rate; returns the figures. Called once, when the run ends.
 */
export async function recordRunErrors(
  db: Database,
  runId: string,
  totals: { read: number; counts: Record<string, unknown> } | null,
  now: Date,
  log: ErrorLog | null = null,
): Promise<RunErrorFigures> {
  const entries = [...(log?.entries() ?? [])];
  for (const c of componentsOf(totals?.counts)) {
    if (c.status !== 'failed') continue;
    // Counted in convene_errors_total by the orchestrator when the component failed.
    entries.push({ component: c.name, code: c.code ?? 'INTERNAL', firstSeen: now, lastSeen: now, count: 1, sampleMessage: c.reason, sampleSubject: null });
  }
  await db.transaction(async () => {
    await db.run('DELETE FROM errors WHERE run_id = ?', [runId]);
    // Input problems: grouped by the source that reported them and their code.
    await db.run(
      `INSERT INTO errors (run_id, component, code, first_seen, last_seen, count, sample_message, sample_subject)
       SELECT run_id, source, code, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, count(*), arg_min(message, seq), arg_min(file || coalesce('#' || entry, ''), seq)
         FROM input_problems WHERE run_id = ? GROUP BY run_id, source, code`,
      [now.toISOString(), now.toISOString(), runId],
    );
    for (const e of entries) {
      await db.run(
        `INSERT INTO errors (run_id, component, code, first_seen, last_seen, count, sample_message, sample_subject)
         VALUES (?, ?, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?, ?)
         ON CONFLICT (run_id, component, code) DO UPDATE SET count = errors.count + excluded.count,
           first_seen = least(errors.first_seen, excluded.first_seen), last_seen = greatest(errors.last_seen, excluded.last_seen)`,
        [runId, e.component, e.code, e.firstSeen.toISOString(), e.lastSeen.toISOString(), e.count, e.sampleMessage, e.sampleSubject],
      );
    }
  });
  const errors = Number((await db.all('SELECT coalesce(sum(count), 0) AS n FROM errors WHERE run_id = ?', [runId]))[0]?.['n'] ?? 0);
  const operations = (totals?.read ?? 0) + attemptsOf(totals?.counts);
  const rate = operations === 0 ? (errors > 0 ? 1 : 0) : Math.min(1, errors / operations);
  await db.run('UPDATE runs SET error_count = ?, error_rate = ? WHERE run_id = ?', [errors, rate, runId]);
  return { errors, rate };
}
