/**
 * The component contracts. A component is a definition object (type, one-line summary, a zod
 * config schema, create()); folders list their definitions in an explicit registry.ts.
 * Components describe what they do; the runtime wraps them with retries, checkpoints,
 * metrics and log context.
 */
import type { Observable, OperatorFunction } from 'rxjs';
import type { z } from 'zod';
import type { Cursor, Envelope } from './envelope.js';
import type { Logger } from './logger.js';
import type { Gate } from './rx.js';

/** What the runtime hands every component it creates. */
export interface ComponentContext {
  readonly logger: Logger;
  /**
   * Backpressure: a source waits on the gate before it produces each page; the runtime
   * acknowledges records once the sinks have made them durable. An operator that emits many
   * records at once waits on its gate likewise (the runtime counts what it derives). Absent: unbounded.
   */
  readonly gate?: Gate;
  /** The run this component works for; provenance for what it writes. */
  readonly runId: string;
  /**
   * Where a component makes its external API calls: the runtime applies rate limits, waits
   * (429 Retry-After), retries by error class and circuit breaking here, so that every wait and
   * attempt is visible in logs and metrics. Absent (tests, replays): call directly.
   */
  readonly calls?: ApiCallGate;
}

export interface ApiCallGate {
  /**
   * Runs one API call. `api` names the external service ('slack', 'calendar', 'drive',
   * 'directory'); `method` the endpoint ('conversations.history'). Resolves with the call's
   * result, or rejects with the ConveneError the component's error translation produced.
   */
  call<T>(api: string, method: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T>;
}

/**
 * A source is cold: nothing is read before subscribe. It emits envelopes in cursor order,
 * completes when its input is exhausted (bounded sources) and errors only with a
 * ConveneError when it cannot go on at all. Bad records are emitted as `problem` envelopes
 * and the source goes on.
 */
export interface Source<T = unknown> {
  read(from?: Cursor): Observable<Envelope<T>>;
}

/**
 * A sink makes batches durable. Writes are idempotent (records are upserted by kind and key).
 * `close` is idempotent. A checkpoint given with a batch is committed atomically with it and
 * with every batch before it (sinks that cannot, such as files, say so in their summary and
 * the runtime commits it after the write).
 */
export interface Sink<T = unknown> {
  /**
   * Takes a batch. A checkpoint is made durable together with the batch and everything taken
   * before it, never without them. A write may resolve before that commit is done (the sink
   * commits in the background, bounded by the sink, while the caller goes on); a commit that
   * fails is reported by the next write or flush. A write whose checkpoint is `complete`
   * resolves only once it is durable.
   */
  write(batch: readonly Envelope<T>[], checkpoint?: Checkpoint): Promise<void>;
  /** Makes everything taken so far durable. */
  flush(): Promise<void>;
  /** Ends the sink; what was staged and not flushed is dropped, as a crash would drop it. */
  close(): Promise<void>;
}

/**
 * How far a source's records are durable. `scope` names the job (for a replay, the inputs), so
 * that only the same command resumes from it; `complete` marks a source read to its end.
 */
export interface Checkpoint {
  readonly scope: string;
  readonly source: string;
  readonly cursor: Cursor | null;
  readonly records: number;
  readonly complete: boolean;
}

interface Definition<C> {
  readonly type: string;
  readonly summary: string;
  readonly config: z.ZodType<C>;
}

export interface SourceDef<C = unknown, T = unknown> extends Definition<C> {
  create(config: C, ctx: ComponentContext): Source<T>;
}

export interface OperatorDef<C = unknown, I = unknown, O = unknown> extends Definition<C> {
  create(config: C, ctx: ComponentContext): OperatorFunction<Envelope<I>, Envelope<O>>;
}

export interface SinkDef<C = unknown, T = unknown> extends Definition<C> {
  create(config: C, ctx: ComponentContext): Sink<T>;
}
