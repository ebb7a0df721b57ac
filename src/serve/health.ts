/**
 * `/api/health` and `/api/runs`: each component red, yellow or green with the reason, from
 * the last runs, their input problems and errors, the circuit breakers' stored states and the
 * run in progress; and the history of runs with throughput, error rate, their trend and the
 * runs that lie far from it (trends.ts).
 */
import type { Database, Row } from '../sinks/duckdb/database.js';
import type { RunProgress } from '../runtime/telemetry/live-status.js';
import { componentHealth } from '../runtime/telemetry/metrics.js';
import { hasTable } from './data.js';
import { anomalies } from './trends.js';

export type Light = 'green' | 'yellow' | 'red';

export interface ComponentHealth {
  name: string;
  status: Light;
  why: string;
}

export interface Alert {
  severity: 'warning' | 'critical';
  subject: string;
  message: string;
}

export interface Health {
  overall: Light;
  components: ComponentHealth[];
  alerts: Alert[];
}

export interface RunHistoryEntry {
  runId: string;
  command: string;
  mode: string | null;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  seconds: number | null;
  read: number | null;
  stored: number | null;
  problems: number | null;
  errors: number | null;
  /** Records read per second. */
  throughput: number | null;
  /** (Input problems + errors) / records read. */
  errorRate: number | null;
  /** The median of the ten runs of the same command before it. */
  throughputNorm: number | null;
  errorRateNorm: number | null;
  /** Which figures lie more than 3 MAD from that norm. */
  anomalies: Array<'throughput' | 'errorRate'>;
  message: string | null;
}

const RANK: Record<Light, number> = { green: 0, yellow: 1, red: 2 };

function worst(lights: readonly Light[]): Light {
  return lights.reduce<Light>((w, l) => (RANK[l] > RANK[w] ? l : w), 'green');
}

function num(v: unknown): number | null {
  if (v === null || v === undefined) return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}

function iso(v: unknown): string | null {
  if (v instanceof Date) return v.toISOString();
  return v === null || v === undefined ? null : String(v);
}

function toEntry(r: Row): RunHistoryEntry {
  const started = r['started_at'] instanceof Date ? r['started_at'].getTime() : Date.parse(String(r['started_at']));
  const finished = r['finished_at'] instanceof Date ? r['finished_at'].getTime() : r['finished_at'] ? Date.parse(String(r['finished_at'])) : null;
  const seconds = finished !== null ? Math.max(0.001, (finished - started) / 1000) : null;
  const read = num(r['records_read']);
  const problems = num(r['problems']);
  const errors = num(r['error_count']);
  return {
    runId: String(r['run_id']),
    command: String(r['command']),
    mode: r['mode'] === null ? null : String(r['mode']),
    status: String(r['status']),
    startedAt: iso(r['started_at'])!,
    finishedAt: iso(r['finished_at']),
    seconds,
    read,
    stored: num(r['records_stored']),
    problems,
    errors,
    throughput: seconds !== null && read !== null ? Math.round((read / seconds) * 10) / 10 : null,
    errorRate: read ? ((problems ?? 0) + (errors ?? 0)) / read : null,
    throughputNorm: null,
    errorRateNorm: null,
    anomalies: [],
    message: r['message'] === null || r['message'] === undefined ? null : String(r['message']),
  };
}

/** The newest `limit` runs, newest first, each compared with the runs of its command before it. */
export async function runHistory(db: Database, limit: number): Promise<RunHistoryEntry[]> {
  // Ten more than shown, so the oldest shown runs have a norm too.
  const rows = await db.all(`SELECT * FROM runs ORDER BY started_at DESC LIMIT ?`, [limit + 10]);
  const entries = rows.map(toEntry).reverse();
  const byCommand = new Map<string, RunHistoryEntry[]>();
  for (const e of entries) {
    if (e.status === 'running') continue;
    const list = byCommand.get(e.command) ?? [];
    list.push(e);
    byCommand.set(e.command, list);
  }
  for (const list of byCommand.values()) {
    const t = anomalies(list.map((e) => e.throughput ?? NaN));
    const er = anomalies(list.map((e) => e.errorRate ?? NaN));
    list.forEach((e, i) => {
      e.throughputNorm = Number.isFinite(t[i]!.median) ? Math.round(t[i]!.median * 10) / 10 : null;
      e.errorRateNorm = Number.isFinite(er[i]!.median) ? er[i]!.median : null;
      if (t[i]!.anomaly) e.anomalies.push('throughput');
      if (er[i]!.anomaly) e.anomalies.push('errorRate');
    });
  }
  return entries.reverse().slice(0, limit);
}

interface TaskResultJson {
  name: string;
  status: string;
  reason: string | null;
}

function componentsOf(r: Row | undefined): TaskResultJson[] {
  if (!r || r['counts'] === null || r['counts'] === undefined) return [];
  try {
    const counts = JSON.parse(String(r['counts'])) as { components?: unknown };
    return Array.isArray(counts.components) ? (counts.components as TaskResultJson[]).filter((c) => typeof c?.name === 'string') : [];
  } catch {
    return [];
  }
}

const TASK_LIGHT: Record<string, Light> = { succeeded: 'green', degraded: 'yellow', failed: 'red', skipped: 'red' };

export async function computeHealth(db: Database, live: RunProgress | null): Promise<Health> {
  const components: ComponentHealth[] = [];
  const alerts: Alert[] = [];
  const runs = await db.all(`SELECT * FROM runs ORDER BY started_at DESC LIMIT 20`);
  const last = runs.find((r) => r['status'] !== 'running');
  const running = runs.find((r) => r['status'] === 'running');

  if (live) {
    const failed = live.stages.filter((s) => s.state === 'failed').map((s) => s.name);
    components.push({
      name: 'run',
      status: failed.length ? 'red' : 'green',
      why: `${live.command} ${live.runId} in progress: ${live.read} records read, ${live.ratePerSecond}/s${failed.length ? `; failed: ${failed.join(', ')}` : ''}`,
    });
  } else if (running && (!last || String(running['started_at']) > String(last['started_at']))) {
    components.push({ name: 'run', status: 'red', why: `${String(running['command'])} ${String(running['run_id'])} never finished: it was interrupted (its checkpoints let the same command resume)` });
    alerts.push({ severity: 'critical', subject: 'run', message: `run ${String(running['run_id'])} was interrupted` });
  } else if (last) {
    const status = String(last['status']);
    const light: Light = status === 'succeeded' ? 'green' : status === 'partial' ? 'yellow' : 'red';
    components.push({ name: 'run', status: light, why: `last ${String(last['command'])} ${status}${last['message'] ? `: ${String(last['message'])}` : ''}` });
    if (light !== 'green') alerts.push({ severity: light === 'red' ? 'critical' : 'warning', subject: 'run', message: `the last run ended ${status}` });
  } else {
    components.push({ name: 'run', status: 'yellow', why: 'no run yet: `convene replay` or `convene run` fills the database' });
  }

  for (const c of componentsOf(last)) {
    const light = TASK_LIGHT[c.status] ?? 'yellow';
    components.push({ name: c.name, status: light, why: c.status === 'succeeded' ? 'succeeded in the last run' : `${c.status} in the last run${c.reason ? `: ${c.reason}` : ''}` });
    if (light === 'red') alerts.push({ severity: 'critical', subject: c.name, message: `${c.status}${c.reason ? `: ${c.reason}` : ''}` });
  }

  if (last) {
    const problems = await db.all(`SELECT code, count(*) AS n FROM input_problems WHERE run_id = ? GROUP BY code ORDER BY n DESC, code`, [String(last['run_id'])]);
    const total = problems.reduce((n, p) => n + Number(p['n']), 0);
    const read = num(last['records_read']) ?? 0;
    const rate = read > 0 ? total / read : 0;
    const light: Light = total === 0 ? 'green' : rate > 0.05 ? 'red' : 'yellow';
    components.push({
      name: 'input',
      status: light,
      why: total === 0 ? 'no input problems in the last run' : `${total} input problems in the last run (${problems.map((p) => `${String(p['code'])} ×${Number(p['n'])}`).join(', ')}); \`convene query "SELECT * FROM input_problems"\` lists them`,
    });
    if (await hasTable(db, 'errors')) {
      const errs = await db.all(`SELECT component, code, sum(count) AS n FROM errors WHERE run_id = ? AND code NOT LIKE 'INPUT_%' GROUP BY component, code ORDER BY n DESC`, [String(last['run_id'])]);
      const n = errs.reduce((s, e) => s + Number(e['n']), 0);
      components.push({ name: 'errors', status: n === 0 ? 'green' : 'yellow', why: n === 0 ? 'no errors in the last run' : `${n} errors in the last run: ${errs.slice(0, 5).map((e) => `${String(e['component'])} ${String(e['code'])} ×${Number(e['n'])}`).join(', ')}` });
    }
  }

  if (await hasTable(db, 'breakers')) {
    for (const b of await db.all(`SELECT name, state, forced, last_failure FROM breakers ORDER BY name`)) {
      const state = String(b['state']);
      const forced = b['forced'] === null ? null : String(b['forced']);
      const light: Light = forced === 'open' || state === 'open' || state === 'forced-open' ? 'red' : state === 'half-open' || forced === 'closed' ? 'yellow' : 'green';
      const why = forced ? `forced ${forced} by hand (\`convene breaker reset ${String(b['name'])}\` clears it)` : `${state}${b['last_failure'] ? `; last failure: ${String(b['last_failure'])}` : ''}`;
      components.push({ name: `breaker:${String(b['name'])}`, status: light, why });
      if (light === 'red') alerts.push({ severity: 'critical', subject: `breaker:${String(b['name'])}`, message: `circuit breaker ${why}` });
    }
  }

  const history = await runHistory(db, 1);
  const latest = history[0];
  if (latest && latest.anomalies.length) {
    for (const a of latest.anomalies) {
      const figure = a === 'throughput' ? `throughput ${latest.throughput}/s against a norm of ${latest.throughputNorm}/s` : `error rate ${(100 * (latest.errorRate ?? 0)).toFixed(2)} % against a norm of ${(100 * (latest.errorRateNorm ?? 0)).toFixed(2)} %`;
      alerts.push({ severity: 'warning', subject: 'trend', message: `run ${latest.runId}: ${figure} (more than 3 MAD from the recent runs)` });
    }
  }
  for (const c of components) componentHealth.set({ component: c.name }, RANK[c.status]);
  return { overall: worst(components.map((c) => c.status)), components, alerts };
}
