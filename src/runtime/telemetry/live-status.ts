/**
 * What the run in progress in this process is doing, for `/api/status`, the dashboard's live
 * charts and the Prometheus gauges: its stages, their counts and rates, batch latency, errors
 * and an ETA.
 *
 * The runtime reports into the process-wide `liveStatus` (runs.ts when a run starts and ends,
 * stage.ts per batch). While a run is in progress the writer process also lends its open
 * `Database` to an embedded server (reads there share the writer's connection instead of
 * opening the file a second time), and publishes a snapshot every second to `<db>.live.json`,
 * so that `convene serve` in another process can show the run (docs/operations.md).
 */
import { chmodSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Database } from '../../sinks/duckdb/database.js';
import { checkpointLagSeconds, checkpointsTotal, errorsTotal, queueDepth, recordsIn, recordsOut, runInProgress, runsTotal, stageSeconds } from './metrics.js';

export type StageState = 'running' | 'succeeded' | 'failed';

export interface StageStatus {
  name: string;
  state: StageState;
  startedAt: string;
  endedAt: string | null;
  /** Source records read so far. */
  read: number;
  /** Records the sink stored (derived ones included). */
  stored: number;
  problems: number;
  batches: number;
  /** Records read per second over the last few seconds (0 once the stage ended). */
  ratePerSecond: number;
}

export interface RunProgress {
  runId: string;
  command: string;
  mode: string;
  startedAt: string;
  elapsedSeconds: number;
  stages: StageStatus[];
  read: number;
  stored: number;
  problems: number;
  errors: number;
  ratePerSecond: number;
  /** The 95th percentile of batch latency over the last 10 seconds, in ms (null without batches). */
  batchP95Ms: number | null;
  /** Records the last finished run of the same command read: the expected size of this one. */
  expectedRecords: number | null;
  etaSeconds: number | null;
}

/** What `<db>.live.json` holds. */
export interface LiveFile {
  pid: number;
  db: string;
  updatedAt: string;
  /** The embedded server's base URL, if the writer serves one (run --serve, watch). */
  url: string | null;
  /** Its bearer token, if it has one: the file is written readable by its owner only. */
  token: string | null;
  run: RunProgress | null;
}

export function liveFilePath(dbPath: string): string {
  return `${dbPath}.live.json`;
}

interface StageTrack extends StageStatus {
  samples: Array<{ at: number; read: number }>;
}

const RATE_WINDOW_MS = 5_000;
const LATENCY_WINDOW_MS = 10_000;

export class LiveStatus {
  private run: { runId: string; command: string; mode: string; startedAt: number; dbPath: string; expected: number | null; errors: number } | null = null;
  private stages = new Map<string, StageTrack>();
  private latencies: Array<{ at: number; ms: number }> = [];
  private lastCheckpoint = new Map<string, number>();
  private database: Database | null = null;
  private leases = 0;
  private drained: Array<() => void> = [];
  private timer: NodeJS.Timeout | null = null;
  /** The embedded server, and the database it answers for when it is a writer's (run --serve, watch). */
  private server: { url: string; token: string | null; dbPath: string | null } | null = null;

  constructor(private readonly now: () => number = Date.now) {}

  /** A run started writing `dbPath` (through `db`, which an embedded server may read through). */
  begin(run: { runId: string; command: string; mode: string; dbPath: string; expectedRecords: number | null }, db: Database | null): void {
    this.run = { runId: run.runId, command: run.command, mode: run.mode, startedAt: this.now(), dbPath: resolve(run.dbPath), expected: run.expectedRecords, errors: 0 };
    this.stages.clear();
    this.latencies = [];
    this.lastCheckpoint.clear();
    this.database = db;
    runInProgress.set(1);
    this.publish();
    this.timer = setInterval(() => this.publishInBackground(), 1000);
    this.timer.unref();
  }

  /**
   * The run ended: counts it, stops publishing and takes back the database once the reads
   * that borrowed it are done (the caller closes it next).
   */
  async end(status: string): Promise<void> {
    const run = this.run;
    if (!run) return;
    runsTotal.inc({ mode: run.mode, status });
    runInProgress.set(0);
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.run = null;
    // A snapshot being renamed into place could land after the file is taken away.
    await this.publishing;
    // A writer that keeps serving (watch between ticks) stays advertised, so `convene serve`
    // elsewhere keeps forwarding to it instead of opening the file the next tick needs.
    if (this.server?.dbPath === run.dbPath) this.publish();
    else this.unpublish(run.dbPath);
    this.database = null;
    if (this.leases > 0) await new Promise<void>((resolve) => this.drained.push(resolve));
  }

  /**
   * The embedded server's address, advertised in the live file while a run is in progress; a
   * writer's server (`dbPath` given) is advertised for as long as it serves.
   */
  serving(server: { url: string; token: string | null; dbPath?: string | null } | null): void {
    const before = this.server?.dbPath ?? null;
    this.server = server ? { url: server.url, token: server.token, dbPath: server.dbPath ? resolve(server.dbPath) : null } : null;
    if (before && before !== this.server?.dbPath && this.run?.dbPath !== before) this.unpublish(before);
    this.publish();
  }

  /**
   * The writer's open database, if a run in this process has it, held until `release` is
   * called: the run does not close it before then.
   */
  borrowDatabase(dbPath: string): Database | null {
    if (!this.database || !this.run || this.run.dbPath !== resolve(dbPath)) return null;
    this.leases++;
    return this.database;
  }

  releaseDatabase(): void {
    this.leases = Math.max(0, this.leases - 1);
    if (this.leases === 0) for (const resolve of this.drained.splice(0)) resolve();
  }

  get runningDbPath(): string | null {
    return this.run?.dbPath ?? null;
  }

  /** A stage began; the stage counts each record it reads into the handle's `read` (cheap, per record). */
  stageStarted(name: string): { read: number } {
    const at = new Date(this.now()).toISOString();
    const track: StageTrack = { name, state: 'running', startedAt: at, endedAt: null, read: 0, stored: 0, problems: 0, batches: 0, ratePerSecond: 0, samples: [{ at: this.now(), read: 0 }] };
    this.stages.set(name, track);
    return track;
  }

  /** One committed batch: `read` source records (of which `problems` were input problems), `stored` written. */
  batch(name: string, b: { read: number; stored: number; problems: number; seconds: number; pending: number }): void {
    recordsIn.inc({ component: name }, b.read);
    recordsOut.inc({ component: name }, b.stored);
    stageSeconds.observe({ component: name }, b.seconds);
    queueDepth.set({ component: name }, b.pending);
    const s = this.stages.get(name);
    const at = this.now();
    this.latencies.push({ at, ms: b.seconds * 1000 });
    if (this.latencies.length > 2000 || (this.latencies[0] && this.latencies[0].at < at - LATENCY_WINDOW_MS)) this.latencies = this.latencies.filter((l) => l.at >= at - LATENCY_WINDOW_MS);
    if (!s) return;
    s.stored += b.stored;
    s.problems += b.problems;
    s.batches++;
    sample(s, at);
  }

  problem(component: string, code: string): void {
    errorsTotal.inc({ component, code });
  }

  /** A component failed as a whole (the orchestrator's verdict). */
  failure(component: string, code: string): void {
    errorsTotal.inc({ component, code });
    if (this.run) this.run.errors++;
  }

  checkpoint(name: string): void {
    checkpointsTotal.inc({ component: name });
    checkpointLagSeconds.set({ component: name }, 0);
    this.lastCheckpoint.set(name, this.now());
  }

  stageEnded(name: string, state: 'succeeded' | 'failed'): void {
    const s = this.stages.get(name);
    queueDepth.set({ component: name }, 0);
    if (!s) return;
    s.state = state;
    s.endedAt = new Date(this.now()).toISOString();
  }

  /** Gauges that depend on the time they are read at (called before each scrape). */
  refreshGauges(): void {
    const at = this.now();
    for (const [name, last] of this.lastCheckpoint) checkpointLagSeconds.set({ component: name }, (at - last) / 1000);
  }

  snapshot(): RunProgress | null {
    const run = this.run;
    if (!run) return null;
    const at = this.now();
    const stages: StageStatus[] = [...this.stages.values()].map((track) => {
      sample(track, at);
      const { samples, ...s } = track;
      return { ...s, ratePerSecond: s.state === 'running' ? rateOf(samples, at) : 0 };
    });
    const read = stages.reduce((n, s) => n + s.read, 0);
    const ratePerSecond = stages.reduce((n, s) => n + s.ratePerSecond, 0);
    const recent = this.latencies.filter((l) => l.at >= at - LATENCY_WINDOW_MS).map((l) => l.ms);
    const left = run.expected !== null ? run.expected - read : null;
    return {
      runId: run.runId,
      command: run.command,
      mode: run.mode,
      startedAt: new Date(run.startedAt).toISOString(),
      elapsedSeconds: (at - run.startedAt) / 1000,
      stages,
      read,
      stored: stages.reduce((n, s) => n + s.stored, 0),
      problems: stages.reduce((n, s) => n + s.problems, 0),
      errors: run.errors,
      ratePerSecond: round(ratePerSecond),
      batchP95Ms: recent.length ? round(quantile(recent, 0.95)) : null,
      expectedRecords: run.expected,
      etaSeconds: left !== null && left > 0 && ratePerSecond > 0 ? Math.round(left / ratePerSecond) : null,
    };
  }

  liveFile(): LiveFile | null {
    const db = this.run?.dbPath ?? this.server?.dbPath ?? null;
    if (db === null) return null;
    const server = this.server && (this.server.dbPath === null || this.server.dbPath === db) ? this.server : null;
    return { pid: process.pid, db, updatedAt: new Date(this.now()).toISOString(), url: server?.url ?? null, token: server?.token ?? null, run: this.snapshot() };
  }

  /** The periodic snapshot's write while one is under way. */
  private publishing: Promise<void> | null = null;
  /** Bumped by every synchronous publish or removal: a background write that started before one is stale. */
  private generation = 0;

  /**
   * The periodic snapshot, written without blocking the pipeline's thread (a rename on a busy
   * disk took tens of milliseconds, once a second). Skipped while the previous one is under way.
   */
  private publishInBackground(): void {
    const file = this.liveFile();
    if (!file || this.publishing) return;
    const generation = this.generation;
    const path = liveFilePath(file.db);
    const partial = `${path}.${process.pid}.bg.tmp`;
    this.publishing = (async () => {
      try {
        await writeFile(partial, JSON.stringify(file), { mode: 0o600 });
        await chmod(partial, 0o600);
        if (generation !== this.generation) await rm(partial, { force: true });
        else await rename(partial, path);
      } catch {
        await rm(partial, { force: true }).catch(() => undefined);
      }
    })().finally(() => {
      this.publishing = null;
    });
  }

  /** Writes `<db>.live.json` atomically (owner-only: it may hold the embedded server's token). */
  private publish(): void {
    this.generation++;
    const file = this.liveFile();
    if (!file) return;
    const path = liveFilePath(file.db);
    const partial = `${path}.${process.pid}.tmp`;
    try {
      writeFileSync(partial, JSON.stringify(file), { mode: 0o600 });
      chmodSync(partial, 0o600);
      renameSync(partial, path);
    } catch {
      // A read-only folder: `convene serve` then shows the last finished run instead of this one.
      rmSync(partial, { force: true });
    }
  }

  /** Takes a database's live file away; a background write still under way does not bring it back. */
  private unpublish(dbPath: string): void {
    this.generation++;
    rmSync(liveFilePath(dbPath), { force: true });
  }
}

function sample(s: StageTrack, at: number): void {
  s.samples.push({ at, read: s.read });
  while (s.samples.length > 2 && s.samples[0]!.at < at - RATE_WINDOW_MS) s.samples.shift();
}

function rateOf(samples: ReadonlyArray<{ at: number; read: number }>, at: number): number {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) return 0;
  // Measured to now, so a stage that stopped making progress decays to 0.
  const seconds = Math.max(1, at - first.at) / 1000;
  return round((last.read - first.read) / seconds);
}

export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/** The process's one tracker: the runtime reports into it, the embedded server reads it. */
export const liveStatus = new LiveStatus();
