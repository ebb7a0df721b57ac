/**
 * The runtime's ApiCallGate, and convene's one retry layer (the SDKs' own retries are off): a
 * token bucket per API method (Slack tiers, Google quotas), a circuit breaker per external API,
 * and retries by the named policy of the error's class, waiting for Retry-After on 429s.
 * Components only describe their calls; every wait and attempt happens, and is logged and
 * counted, here, so the breakers and the metrics see every attempt.
 */
import type { ApiCallGate } from '../../core/component.js';
import { ConveneError, toConveneError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import type { BreakerSet } from '../resilience/breakers.js';
import { RetryConfig, type RetryPolicy } from '../resilience/config.js';
import { apiCalls, rateLimitWaitSeconds } from '../telemetry/metrics.js';
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
  /** Named retry policies by error class; absent: the defaults of `resilience.retry`. */
  readonly retry?: RetryConfig;
  /** Circuit breakers per external API; absent: none. */
  readonly breakers?: BreakerSet;
  /** Told of every failed attempt, for the `errors` table and the error rate. */
  readonly onFailure?: (failure: CallFailure) => void;
}

/** A failed attempt; `final` when the call gives up with it (last attempt, not retryable, breaker open). */
export interface CallFailure {
  readonly api: string;
  readonly method: string;
  readonly error: ConveneError;
  readonly attempt: number;
  readonly final: boolean;
}

/** The effective numbers of a retry policy, `limits` filling what it leaves out. */
export interface ResolvedPolicy {
  readonly name: string;
  readonly maxAttempts: number;
  readonly backoffMs: number;
  readonly maxBackoffMs: number;
  readonly jitter: RetryPolicy['jitter'];
  readonly retryAfter: boolean;
}

export class LimitedCallGate implements ApiCallGate {
  readonly limits: LimitsConfig;
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly statsByMethod = new Map<string, MethodStats>();
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly retry: RetryConfig;
  private readonly breakers: BreakerSet | undefined;
  private readonly onFailure: (failure: CallFailure) => void;

  constructor(options: CallGateOptions = {}) {
    this.limits = LimitsConfig.parse(options.limits ?? {});
    this.logger = options.logger ?? silentLogger;
    this.clock = options.clock ?? realClock;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.retry = options.retry ?? RetryConfig.parse({});
    this.breakers = options.breakers;
    this.onFailure = options.onFailure ?? (() => undefined);
  }

  /**
   * The policy an error is retried by: its class's named policy; `none` (one attempt) for an
   * error that is not retryable (auth, scope, bad input, an open breaker), whatever its class.
   */
  policyFor(err: ConveneError): ResolvedPolicy {
    const name = err.retryable ? (this.retry.classes[err.errorClass] ?? 'none') : 'none';
    const p = this.retry.policies[name];
    if (name === 'none' || p === undefined) return { name: 'none', maxAttempts: 1, backoffMs: 0, maxBackoffMs: 0, jitter: 'none', retryAfter: false };
    return {
      name,
      maxAttempts: p.maxAttempts ?? this.limits.maxAttempts,
      backoffMs: p.backoffMs ?? this.limits.backoffMs,
      maxBackoffMs: p.maxBackoffMs ?? this.limits.maxBackoffMs,
      jitter: p.jitter,
      retryAfter: p.retryAfter,
    };
  }

  limitOf(api: string, method: string): MethodLimit {
    return methodLimit(api, method, this.limits.profile);
  }

  private bucket(api: string, method: string): TokenBucket {
    const id = `${api}:${method}`;
    let bucket = this.buckets.get(id);
    if (bucket === undefined) {
      const limit = this.limitOf(api, method);
      // One token short of the server's burst: our bucket refills by our clock, a little ahead
      // of the server's, which counts from when requests arrive; the spare token absorbs that.
      bucket = new TokenBucket(Math.max(1, limit.burst - 1), limit.perMinute * this.limits.tierScale, this.clock);
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
    const breaker = this.breakers?.forApi(api) ?? null;
    const controller = new AbortController();
    for (let attempt = 1; ; attempt++) {
      const waited = await bucket.take(this.sleep);
      stats.waitedMs += waited;
      if (waited > 0) {
        this.logger.debug({ api, method, waitedMs: waited }, 'waited for the rate limit');
        rateLimitWaitSeconds.inc({ api, method }, waited / 1000);
      }
      stats.attempts++;
      try {
        const result = breaker ? await breaker.execute(() => fn(controller.signal)) : await fn(controller.signal);
        apiCalls.inc({ api, method, outcome: 'ok' });
        return result;
      } catch (raw) {
        const err = toConveneError(raw);
        const retryAfter = retryAfterOf(raw) ?? retryAfterOf(err);
        apiCalls.inc({ api, method, outcome: retryAfter !== null ? 'rate_limited' : 'error' });
        if (retryAfter !== null) {
          stats.rateLimited++;
          bucket.drain();
        }
        const policy = this.policyFor(err);
        const final = attempt >= policy.maxAttempts;
        this.onFailure({ api, method, error: err, attempt, final });
        if (final) {
          stats.failures++;
          if (policy.maxAttempts > 1) this.logger.warn({ api, method, attempts: attempt, code: err.code, policy: policy.name }, 'giving up after the last attempt');
          throw err;
        }
        const waitMs = retryAfter !== null && policy.retryAfter ? retryAfter / this.limits.tierScale : this.backoff(policy, attempt);
        this.logger.warn({ api, method, attempt, code: err.code, policy: policy.name, waitMs: Math.round(waitMs) }, retryAfter !== null ? 'rate limited: waiting for Retry-After' : 'retrying after a transient error');
        stats.waitedMs += waitMs;
        if (retryAfter !== null) rateLimitWaitSeconds.inc({ api, method }, waitMs / 1000);
        await this.sleep(waitMs);
      }
    }
  }

  /** Truncated exponential back-off with the policy's jitter (half: over the upper half). */
  private backoff(policy: ResolvedPolicy, attempt: number): number {
    const cap = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** (attempt - 1));
    if (policy.jitter === 'none') return cap;
    if (policy.jitter === 'full') return cap * this.random();
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
