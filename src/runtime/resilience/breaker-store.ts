/**
 * Circuit breaker state between runs, in the `breakers` table: each breaker's state and
 * cockatiel's serialised counters (written on every state change and when a run ends), and a
 * forced state an operator set (`convene breaker open|close|reset NAME`, or the monitoring
 * API), which every later run honours until it is reset.
 *
 * A run only ever writes the state columns; `forced` is written by the override functions here,
 * so an override made while a run is in progress is not undone when that run ends.
 */
import { ConveneError } from '../../core/errors.js';
import type { Database } from '../../sinks/duckdb/database.js';
import type { BreakerStateName, BreakerView, ForcedState, StoredBreaker } from './breakers.js';
import { BREAKER_NAMES, breakerSettings, isBreakerName, type BreakerName, type BreakersConfig } from './config.js';

export interface BreakerRow extends StoredBreaker {
  readonly state: BreakerStateName;
  readonly openedAt: string | null;
  readonly probeAt: string | null;
  readonly lastFailure: string | null;
  readonly updatedAt: string | null;
  readonly runId: string | null;
}

function iso(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  const d = new Date(String(v));
  return Number.isNaN(d.getTime()) ? String(v) : d.toISOString();
}

/** Every stored breaker, by name (breakers never stored are absent). */
export async function loadBreakers(db: Database): Promise<Map<string, BreakerRow>> {
  const rows = await db.all(
    `SELECT name, state, forced, CAST(snapshot AS VARCHAR) AS snapshot, CAST(opened_at AS VARCHAR) AS opened_at, CAST(probe_at AS VARCHAR) AS probe_at,
            last_failure, CAST(updated_at AS VARCHAR) AS updated_at, run_id FROM breakers`,
  );
  const out = new Map<string, BreakerRow>();
  for (const r of rows) {
    const name = String(r['name']);
    if (!isBreakerName(name)) continue;
    let snapshot: unknown = null;
    try {
      snapshot = r['snapshot'] === null ? null : (JSON.parse(String(r['snapshot'])) as unknown);
    } catch {
      // A damaged snapshot starts the breaker closed, which is what a fresh database does.
      snapshot = null;
    }
    const forced = r['forced'] === 'open' || r['forced'] === 'closed' ? r['forced'] : null;
    out.set(name, {
      name,
      forced,
      snapshot,
      state: String(r['state']) as BreakerStateName,
      openedAt: iso(r['opened_at']),
      probeAt: iso(r['probe_at']),
      lastFailure: r['last_failure'] === null ? null : String(r['last_failure']),
      updatedAt: iso(r['updated_at']),
      runId: r['run_id'] === null ? null : String(r['run_id']),
    });
  }
  return out;
}

/** Writes a breaker's state as a run sees it (not its forced state). */
export async function saveBreaker(db: Database, view: BreakerView, runId: string | null, now: Date): Promise<void> {
  const forced = view.forced !== null;
  await db.run(
    `INSERT INTO breakers (name, state, forced, snapshot, opened_at, probe_at, last_failure, updated_at, run_id)
     VALUES (?, ?, NULL, ?, ?::TIMESTAMPTZ, ?::TIMESTAMPTZ, ?, ?::TIMESTAMPTZ, ?)
     ON CONFLICT (name) DO UPDATE SET state = excluded.state, snapshot = excluded.snapshot,
       opened_at = CASE WHEN breakers.forced IS NULL THEN excluded.opened_at ELSE breakers.opened_at END, probe_at = excluded.probe_at, last_failure = coalesce(excluded.last_failure, breakers.last_failure), updated_at = excluded.updated_at, run_id = excluded.run_id`,
    [
      view.name,
      view.state,
      // A forced breaker's counters mean nothing once the override is reset.
      forced || view.snapshot === null ? null : JSON.stringify(view.snapshot),
      view.openedAt === null ? null : new Date(view.openedAt).toISOString(),
      view.probeAt === null ? null : new Date(view.probeAt).toISOString(),
      view.lastFailure,
      now.toISOString(),
      runId,
    ],
  );
}

export type BreakerAction = 'open' | 'close' | 'reset';

function checkName(name: string): BreakerName {
  if (!isBreakerName(name)) throw new ConveneError('CONFIG_INVALID', `there is no breaker "${name}"; the breakers are ${BREAKER_NAMES.join(', ')}`, { subject: name });
  return name;
}

/**
 * An operator's override: `open` holds the breaker open, `close` holds it closed, `reset`
 * drops any override and the counters, so the next run starts it closed and automatic.
 */
export async function overrideBreaker(db: Database, rawName: string, action: BreakerAction, now: Date): Promise<void> {
  const name = checkName(rawName);
  const forced: ForcedState | null = action === 'open' ? 'open' : action === 'close' ? 'closed' : null;
  const state: BreakerStateName = forced === 'open' ? 'forced-open' : forced === 'closed' ? 'forced-closed' : 'closed';
  await db.run(
    `INSERT INTO breakers (name, state, forced, snapshot, opened_at, probe_at, last_failure, updated_at, run_id)
     VALUES (?, ?, ?, NULL, ?::TIMESTAMPTZ, NULL, NULL, ?::TIMESTAMPTZ, NULL)
     ON CONFLICT (name) DO UPDATE SET state = excluded.state, forced = excluded.forced, snapshot = NULL,
       opened_at = excluded.opened_at, probe_at = NULL, updated_at = excluded.updated_at`,
    [name, state, forced, forced === 'open' ? now.toISOString() : null, now.toISOString()],
  );
}

export interface BreakerStatus {
  readonly name: BreakerName;
  readonly state: BreakerStateName;
  readonly forced: ForcedState | null;
  readonly openedAt: string | null;
  readonly probeAt: string | null;
  readonly lastFailure: string | null;
  readonly updatedAt: string | null;
  /** What the next run does with this breaker, in a sentence. */
  readonly nextRun: string;
}

const FALLBACK: Record<BreakerName, string> = {
  slack: 'Slack is not read: the meeting intelligence runs over the messages stored before, and the run ends partial, flagged',
  'google-calendar': 'calendars are not read: meetings are linked to the events stored before (Slack-only where there are none), and the run ends partial, flagged',
  'google-drive': 'Drive is not read: files stored before stay, and the run ends partial, flagged',
  'google-directory': 'the directory is not read: people stored before are used, and the run ends partial, flagged',
};

/** What the next run will do with a breaker, given its stored row and the config. */
export function nextRunOf(name: BreakerName, row: BreakerRow | undefined, config: BreakersConfig, now: Date): string {
  const s = breakerSettings(config, name);
  const opens = `it opens after ${s.consecutiveFailures} failed attempts in a row, or when ${Math.round(s.failureRate * 100)} % of at least ${s.minVolume} attempts in ${s.samplingMs / 1000} s fail`;
  if (row?.forced === 'open') return `forced open: every call fails at once with BREAKER_OPEN; ${FALLBACK[name]} (until \`convene breaker reset ${name}\`)`;
  if (row?.forced === 'closed') return `forced closed: every call goes through, retried by its policy; the breaker never opens (until \`convene breaker reset ${name}\`)`;
  if (row?.state === 'open' || row?.state === 'half-open') {
    const probe = row.probeAt === null ? null : new Date(row.probeAt);
    if (probe !== null && probe > now) return `open: calls fail at once until ${probe.toISOString()}, then one probe call decides; meanwhile ${FALLBACK[name]}`;
    return 'open, probe due: the first call is a probe; success closes the breaker, failure opens it again for twice as long';
  }
  return `closed: calls go through; ${opens}`;
}

export async function breakerStatuses(db: Database, config: BreakersConfig, now: Date): Promise<BreakerStatus[]> {
  return statusesOf(await loadBreakers(db), config, now);
}

/** Every breaker's status from its stored row (absent: never stored, so closed). */
export function statusesOf(rows: ReadonlyMap<string, BreakerRow>, config: BreakersConfig, now: Date): BreakerStatus[] {
  return BREAKER_NAMES.map((name) => {
    const row = rows.get(name);
    return {
      name,
      state: row?.state ?? 'closed',
      forced: row?.forced ?? null,
      openedAt: row?.openedAt ?? null,
      probeAt: row?.probeAt ?? null,
      lastFailure: row?.lastFailure ?? null,
      updatedAt: row?.updatedAt ?? null,
      nextRun: nextRunOf(name, row, config, now),
    };
  });
}
