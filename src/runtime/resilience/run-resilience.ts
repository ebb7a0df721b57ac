/**
 * What a run needs of the resilience layer, in one object: the breakers as the last run left
 * them (and any forced state), their state written on every change and at the end, the error
 * log the call gate feeds, and the call gate options that wire them in.
 */
import type { Logger } from '../../core/logger.js';
import type { Database } from '../../sinks/duckdb/database.js';
import type { CallGateOptions } from '../limits/call-gate.js';
import { loadBreakers, saveBreaker } from './breaker-store.js';
import { BreakerSet, type BreakerView } from './breakers.js';
import type { ResilienceConfig } from './config.js';
import { ErrorLog } from './error-log.js';

export class RunResilience {
  readonly errors: ErrorLog;
  private writes: Promise<void> = Promise.resolve();

  private constructor(
    private readonly db: Database,
    private readonly runId: string,
    readonly config: ResilienceConfig,
    readonly breakers: BreakerSet,
    private readonly clock: () => Date,
  ) {
    this.errors = new ErrorLog(clock);
  }

  static async start(db: Database, runId: string, config: ResilienceConfig, logger: Logger, clock: () => Date = () => new Date()): Promise<RunResilience> {
    const stored = await loadBreakers(db);
    let self: RunResilience | null = null;
    const breakers = new BreakerSet(config.breakers, {
      logger: logger.child({ component: 'breakers' }),
      stored,
      onChange: (view) => self?.persist(view, logger),
    });
    self = new RunResilience(db, runId, config, breakers, clock);
    for (const v of breakers.views()) {
      if (v.state !== 'closed') logger.info({ breaker: v.name, state: v.state, ...(v.probeAt !== null ? { probeAt: new Date(v.probeAt).toISOString() } : {}) }, `circuit breaker ${v.name} starts ${v.state}`);
    }
    return self;
  }

  /** Breaker state changes happen mid-call; their writes queue behind each other. */
  private persist(view: BreakerView, logger: Logger): void {
    this.writes = this.writes
      .then(() => saveBreaker(this.db, view, this.runId, this.clock()))
      .catch((err: unknown) => logger.warn({ breaker: view.name, err: err instanceof Error ? err.message : String(err) }, 'could not store the breaker state'));
  }

  gateOptions(): Pick<CallGateOptions, 'retry' | 'breakers' | 'onFailure'> {
    return {
      retry: this.config.retry,
      breakers: this.breakers,
      onFailure: (f) => this.errors.record(`${f.api}:${f.method}`, f.error.code, f.final ? f.error.message : `${f.error.message} (attempt ${f.attempt}, retried)`, f.error.subject ?? null),
    };
  }

  /** Writes every breaker's final state; returns the views, for the run's counts. */
  async finish(): Promise<BreakerView[]> {
    await this.writes;
    const views = this.breakers.views();
    for (const v of views) await saveBreaker(this.db, v, this.runId, this.clock());
    this.breakers.dispose();
    return views;
  }
}
