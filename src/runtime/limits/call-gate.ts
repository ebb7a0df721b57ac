/**
 * The runtime's ApiCallGate: a token bucket per API method (Slack tiers, Google quotas), waits
 * for Retry-After on 429s, and retries by error class. Components only describe their calls;
 * every wait and attempt happens, and is logged and counted, here.
 */
import type { ApiCallGate } from '../../core/component.js';
import { ConveneError, toConveneError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import { LimitsConfig, methodLimit } from './tiers.js';
import type { MethodLimit } from './tiers.js';
import { realClock, realSleep, TokenBucket } from './token-bucket.js';
import type { Clock, Sleep } from './token-bucket.js';

/** What an error may carry when the server said how long to wait (429 Retry-After), in ms. */
export interface RetryAfterHint {
  readonly retryAfterMs: number;
}

export function retryAfterOf(err: unknown): number | null {
  if (typeof err !== 'object' || err === null || !('retryAfterMs' in err)) return null;
  const ms = (err as RetryAfterHint).retryAfterMs;
  return typeof ms === 'number' && Number.isFinite(ms) && ms >= 0 ? ms : null;
}

/** Counters per `api:method`, for metrics and the run summary. */
export interface MethodStats {
  calls: number;
  attempts: number;
  failures: number;
  rateLimited: number;
  /** Milliseconds spent waiting: for a token, for Retry-After, or in back-off. */
  waitedMs: number;
}

export interface CallGateOptions {
  readonly limits?: Partial<LimitsConfig>;
  readonly logger?: Logger;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  /** In [0, 1); jitter for back-off. */
  readonly random?: () => number;
}

export class LimitedCallGate implements ApiCallGate {
  readonly limits: LimitsConfig;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly statsByMethod = new Map<string, MethodStats>();
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(options: CallGateOptions = {}) {
    this.limits = LimitsConfig.parse(options.limits ?? {});
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? realClock;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  limitOf(api: string, method: string): MethodLimit {
    return methodLimit(api, method, this.limits.profile);
  }

  private bucket(api: string, method: string): TokenBucket {
    const id = `${api}:${method}`;
    let bucket = this.buckets.get(id);
    if (bucket === undefined) {
      const limit = this.limitOf(api, method);
      bucket = new TokenBucket(limit.burst, limit.perMinute * this.limits.tierScale, this.clock);
      this.buckets.set(id, bucket);
    }
    return bucket;
  }

  /** A copy of the counters, keyed `api:method`. */
  stats(): Record<string, MethodStats> {
    return Object.fromEntries([...this.statsByMethod].map(([k, v]) => [k, { ...v }]));
  }

  private statsOf(api: string, method: string): MethodStats {
    const id = `${api}:${method}`;
    let s = this.statsByMethod.get(id);
    if (s === undefined) {
      s = { calls: 0, attempts: 0, failures: 0, rateLimited: 0, waitedMs: 0 };
      this.statsByMethod.set(id, s);
    }
    return s;
  }

  async call<T>(api: string, method: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const stats = this.statsOf(api, method);
    stats.calls++;
    const bucket = this.bucket(api, method);
    const controller = new AbortController();
    for (let attempt = 1; ; attempt++) {
      const waited = await bucket.take(this.sleep);
      stats.waitedMs += waited;
      if (waited > 0) this.logger.debug({ api, method, waitedMs: waited }, 'waited for the rate limit');
      stats.attempts++;
      try {
        return await fn(controller.signal);
      } catch (raw) {
        const err = toConveneError(raw);
        const retryAfter = retryAfterOf(raw) ?? retryAfterOf(err);
        if (retryAfter !== null) {
          stats.rateLimited++;
          bucket.drain();
        }
        if (!err.retryable || attempt >= this.limits.maxAttempts) {
          stats.failures++;
          if (err.retryable) this.logger.warn({ api, method, attempts: attempt, code: err.code }, 'giving up after the last attempt');
          throw err;
        }
        const waitMs = retryAfter !== null ? retryAfter / this.limits.tierScale : this.backoff(attempt);
        this.logger.warn({ api, method, attempt, code: err.code, waitMs: Math.round(waitMs) }, retryAfter !== null ? 'rate limited: waiting for Retry-After' : 'retrying after a transient error');
        stats.waitedMs += waitMs;
        await this.sleep(waitMs);
      }
    }
  }

  /** Truncated exponential back-off with full jitter over the upper half. */
  private backoff(attempt: number): number {
    const cap = Math.min(this.limits.maxBackoffMs, this.limits.backoffMs * 2 ** (attempt - 1));
    return cap / 2 + (cap / 2) * this.random();
  }
}

/** Throws CONFIG_INVALID with every problem of a limits config. */
export function parseLimits(raw: unknown): LimitsConfig {
  const parsed = LimitsConfig.safeParse(raw ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${['limits', ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
    throw new ConveneError('CONFIG_INVALID', issues, { subject: 'limits' });
  }
  return parsed.data;
}
