/**
 * What a replay and a run share: the sink, the indexes the meeting intelligence reads (people,
 * calendar events, time zones), one stage per source with checkpoints, the identity map, and
 * the totals recorded in `runs`.
 */
import { from, type Observable, type OperatorFunction } from 'rxjs';
import type { ApiCallGate, ComponentContext } from '../core/component.js';
import { envelope, type Cursor, type Envelope } from '../core/envelope.js';
import { ConveneError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import type { CalendarEvent, Person } from '../core/records.js';
import { fromPages, type Gate } from '../core/rx.js';
import { EventIndex } from '../operators/event-index.logic.js';
import { IdentityIndex } from '../operators/identity.logic.js';
import { meetingIntelligenceOperator } from '../operators/meeting-intelligence.operator.js';
import type { DuckdbSink } from '../sinks/duckdb/duckdb.sink.js';
import { findSource } from '../sources/registry.js';
import type { Progress } from './progress/progress.js';
import type { MemoryCeiling } from './resources/memory-ceiling.js';
import type { RunTotals } from './runs.js';
import { newGate, runStage, type CheckpointInterval, type StageCounts } from './stage.js';

/** Kinds that sources emit; everything else is derived by operators. */
export const SOURCE_KINDS: ReadonlySet<string> = new Set(['person', 'channel', 'message', 'calendar_event', 'drive_file', 'problem']);

/** Kinds the meeting intelligence derives. */
export const DERIVED_KINDS: ReadonlySet<string> = new Set(['signal', 'message_link', 'meeting', 'meeting_metrics']);

export interface StageRequest {
  /** The component's name in this job (also its checkpoint's source name). */
  name: string;
  type: string;
  config: unknown;
  /** Run the meeting intelligence over this source's messages. */
  intelligence?: boolean;
  /** Where to start reading (a live source's cursor from the last run). */
  from?: Cursor;
  /** Resume a file replay: write nothing up to and including this record. */
  skipThrough?: Cursor | null;
}

/** How the job's stages checkpoint, hold back intake and report progress. */
export interface JobSettings {
  checkpointEvery?: CheckpointInterval;
  ceiling?: MemoryCeiling;
  reporter?: Progress;
  /** Source records each stage read in an earlier run, for an ETA. */
  expected?: Readonly<Record<string, number>>;
}

export class Job {
  readonly identities = new IdentityIndex();
  readonly events = new EventIndex();
  readonly timezones = new Map<string, { tz: string | null; offsetMinutes: number | null }>();
  readonly stages: Record<string, StageCounts> = {};
  /** Source records each stage read (the intelligence: stored messages read back). */
  private readonly recordsByStage: Record<string, number> = {};

  constructor(
    readonly sink: DuckdbSink,
    readonly runId: string,
    readonly scopeOf: (stage: string) => string,
    private readonly logger: Logger,
    private readonly progress: (line: string) => void,
    private readonly batchSize: number,
    private readonly calls?: ApiCallGate,
    private readonly settings: JobSettings = {},
  ) {}

  /** The stage options every stage of this job shares: checkpoint interval, gate, progress. */
  private shared(name: string): { checkpointEvery?: CheckpointInterval; gate?: (highWater: number) => Gate; onProgress: (n: number) => void } {
    const { ceiling, checkpointEvery, reporter } = this.settings;
    reporter?.begin(name, this.settings.expected?.[name] ?? null);
    return {
      ...(checkpointEvery ? { checkpointEvery } : {}),
      ...(ceiling ? { gate: (highWater: number) => ceiling.gate(highWater, this.batchSize) } : {}),
      onProgress: (n) => reporter?.advance(name, n),
    };
  }

  private ended(name: string, counts: StageCounts, started: number): void {
    const records = Object.entries(counts.read).reduce((sum, [kind, n]) => (SOURCE_KINDS.has(kind) ? sum + n : sum), 0);
    this.recordsByStage[name] = records;
    this.settings.reporter?.end(name, { records, seconds: (Date.now() - started) / 1000 });
  }

  /** Feeds the indexes with a person or an event, whether read now or by an earlier run. */
  learn(e: Envelope): void {
    if (e.kind === 'person') {
      const p = e.payload as Person;
      this.identities.add(p);
      if (p.slackUserId) this.timezones.set(p.slackUserId, { tz: p.timezone, offsetMinutes: p.tzOffsetMinutes });
    } else if (e.kind === 'calendar_event') {
      this.events.add(e.payload as CalendarEvent);
    } else if (e.kind === 'problem') {
      const p = e.payload as { file: string; entry: string | null; message: string; code: string };
      this.logger.warn({ file: p.file, entry: p.entry, code: p.code }, p.message);
    }
  }

  async stage(req: StageRequest): Promise<void> {
    const def = findSource(req.type);
    if (!def) throw new ConveneError('INTERNAL', `no source of type '${req.type}' is registered`);
    const read = (gate: Gate): Observable<Envelope> => {
      const ctx: ComponentContext = { logger: this.logger.child({ component: req.type }), runId: this.runId, gate, ...(this.calls ? { calls: this.calls } : {}) };
      return def.create(req.config, ctx).read(req.from) as Observable<Envelope>;
    };
    const derivedGate = newGate(this.batchSize);
    const operators = req.intelligence ? [this.intelligence(derivedGate)] : [];
    const started = Date.now();
    const counts = await runStage(read, operators, this.sink, {
      ...this.shared(req.name),
      derivedGate,
      batchSize: this.batchSize,
      sourceKinds: SOURCE_KINDS,
      checkpoint: { scope: this.scopeOf(req.name), source: req.name },
      skipThrough: req.skipThrough ?? null,
      resumedFrom: req.from ?? null,
      onRecord: (e) => this.learn(e),
    });
    this.stages[req.name] = counts;
    this.ended(req.name, counts, started);
    const counted = Object.entries(counts.read).map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing';
    const resumed = counts.resumed ? ` (${counts.resumed} were durable already)` : '';
    this.progress(`${req.name.padEnd(10)} read ${counted} in ${((Date.now() - started) / 1000).toFixed(1)} s${resumed}`);
  }

  /**
   * Runs the meeting intelligence over messages already stored (read back a channel at a
   * time, in ts order), writing only what it derives.
   */
  async derive(name: string, pages: (signal: AbortSignal) => AsyncIterable<readonly Envelope[]>): Promise<void> {
    const started = Date.now();
    const derivedGate = newGate(this.batchSize);
    const counts = await runStage((gate) => fromPages(pages, gate), [this.intelligence(derivedGate)], this.sink, {
      ...this.shared(name),
      derivedGate,
      batchSize: this.batchSize,
      sourceKinds: SOURCE_KINDS,
      writeKinds: DERIVED_KINDS,
      component: name,
    });
    this.ended(name, counts, started);
    this.stages[name] = { ...counts, read: {} };
    const derived = Object.entries(counts.stored).filter(([k]) => DERIVED_KINDS.has(k)).map(([k, n]) => `${n} ${k}`).join(', ') || 'nothing';
    this.progress(`${name.padEnd(10)} derived ${derived} from ${counts.read['message'] ?? 0} stored messages in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }

  /** The meeting intelligence; `gate` paces what it emits at the end (see StageOptions.derivedGate). */
  private intelligence(gate: Gate): OperatorFunction<Envelope, Envelope> {
    return meetingIntelligenceOperator.create(
      {},
      {
        logger: this.logger.child({ component: 'meeting-intelligence' }),
        runId: this.runId,
        gate,
        deps: { events: this.events, identities: this.identities, timezoneOf: (id: string) => this.timezones.get(id) ?? { tz: null, offsetMinutes: null } },
      },
    );
  }

  /** A stage over envelopes that were pushed to convene (Slack Events API) instead of read. */
  async stageFrom(name: string, envelopes: readonly Envelope[]): Promise<void> {
    const counts = await runStage(() => from(envelopes), [], this.sink, {
      batchSize: this.batchSize,
      sourceKinds: SOURCE_KINDS,
      component: name,
      onRecord: (e) => this.learn(e),
    });
    this.stages[name] = counts;
    this.progress(`${name.padEnd(10)} took ${envelopes.length} pushed records`);
  }

  /** Writes the identity map of every person seen. */
  async writeIdentities(): Promise<void> {
    const identityEnvelopes = this.identities.all().map((m) => envelope('identity', m.key, 0, 'identity-mapping', m));
    this.stages['identities'] = await runStage(() => from(identityEnvelopes), [], this.sink, { batchSize: this.batchSize, component: 'identities' });
  }

  totals(extra: Record<string, unknown> = {}): RunTotals {
    let read = 0;
    let stored = 0;
    let problems = 0;
    const counts: Record<string, unknown> = {};
    for (const s of Object.values(this.stages)) {
      for (const [kind, n] of Object.entries(s.read)) {
        if (!SOURCE_KINDS.has(kind)) continue;
        read += n;
        if (kind === 'problem') problems += n;
      }
      for (const [kind, n] of Object.entries(s.stored)) {
        counts[kind] = Number(counts[kind] ?? 0) + n;
        if (SOURCE_KINDS.has(kind) && kind !== 'problem') stored += n;
      }
    }
    // Source records per stage: the next run's progress bars know each stage's size from them.
    return { read, stored, skipped: problems, problems, counts: { ...counts, stageRecords: { ...this.recordsByStage }, ...extra } };
  }
}
