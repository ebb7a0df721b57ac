/**
 * Circuit breakers per external API, on cockatiel 3. A breaker counts the attempts the call
 * gate makes: transient failures (5xx, timeouts, unreadable bodies) and, when configured,
 * slow successes. It opens when either `consecutiveFailures` attempts failed in a row or the
 * failure rate over the sampling window reached `failureRate` (with at least `minVolume`
 * calls); while open every call fails at once with BREAKER_OPEN; after `halfOpenAfterMs`
 * (doubling per failed probe, up to `maxHalfOpenAfterMs`) one probe call goes through and
 * closes it again on success.
 *
 * Rate limits, auth, scope and bad-input errors do not count: the API is up, the request is
 * what fails, and opening would hide the real error behind BREAKER_OPEN.
 *
 * A forced state (`convene breaker open|close NAME`) wins over the counts: forced open fails
 * every call; forced closed lets every call through and never opens.
 */
import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  IsolatedCircuitError,
  SamplingBreaker,
  circuitBreaker,
  handleWhen,
  noJitterGenerator,
  type CircuitBreakerPolicy,
  type IBreaker,
} from 'cockatiel';
import { ConveneError, toConveneError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { silentLogger } from '../../core/logger.js';
import { breakerState, breakerTransitions } from '../telemetry/metrics.js';
import { BREAKER_NAMES, breakerOfApi, breakerSettings, type BreakerName, type BreakerSettings, type BreakersConfig } from './config.js';

export type BreakerStateName = 'closed' | 'open' | 'half-open' | 'forced-open' | 'forced-closed';
export type ForcedState = 'open' | 'closed';

/** What is kept of a breaker between runs (the `breakers` table). */
export interface StoredBreaker {
  readonly name: BreakerName;
  readonly forced: ForcedState | null;
  /** cockatiel's own serialised state (`CircuitBreakerPolicy.toJSON()`), or null. */
  readonly snapshot: unknown;
}

export interface BreakerView {
  readonly name: BreakerName;
  readonly state: BreakerStateName;
  readonly forced: ForcedState | null;
  /** When it last opened (epoch ms), while open. */
  readonly openedAt: number | null;
  /** When the next probe may go (epoch ms), while open. */
  readonly probeAt: number | null;
  /** How many times in a row it has opened (1 the first time; a failed probe adds one). */
  readonly openings: number;
  readonly lastFailure: string | null;
  readonly snapshot: unknown;
}

/** The gauge's values, as its help text documents. */
const GAUGE: Record<BreakerStateName, number> = { closed: 0, 'forced-closed': 0, 'half-open': 1, open: 2, 'forced-open': 3 };

/** Opens when either of its breakers says so; its state serialises both. */
class EitherBreaker implements IBreaker {
  constructor(
    private readonly consecutive: ConsecutiveBreaker,
    private readonly sampling: SamplingBreaker,
  ) {}

  get state(): unknown {
    return { consecutive: this.consecutive.state, sampling: this.sampling.state };
  }

  set state(value: unknown) {
    if (typeof value !== 'object' || value === null) return;
    const v = value as { consecutive?: unknown; sampling?: unknown };
    if (typeof v.consecutive === 'number') this.consecutive.state = v.consecutive;
    if (v.sampling !== undefined) this.sampling.state = v.sampling;
  }

  success(state: CircuitState): void {
    this.consecutive.success();
    this.sampling.success(state);
  }

  failure(state: CircuitState): boolean {
    const a = this.consecutive.failure();
    const b = this.sampling.failure(state);
    return a || b;
  }
}

/** Whether an attempt's error says the API is unwell (as opposed to the request being wrong). */
export function countsAgainstApi(err: unknown): boolean {
  const e = toConveneError(err);
  return e.errorClass === 'transient' || e.errorClass === 'internal';
}

interface Timed<T> {
  readonly value: T;
  readonly slow: boolean;
}

function isTimed(r: unknown): r is Timed<unknown> {
  return typeof r === 'object' && r !== null && 'slow' in r && 'value' in r;
}

function ownState(snapshot: unknown): { value: number; openedAt: number; attemptNo: number } | null {
  if (typeof snapshot !== 'object' || snapshot === null) return null;
  const own = (snapshot as { ownState?: unknown }).ownState;
  if (typeof own !== 'object' || own === null) return null;
  const o = own as { value?: unknown; openedAt?: unknown; attemptNo?: unknown };
  return { value: Number(o.value ?? 0), openedAt: Number(o.openedAt ?? 0), attemptNo: Number(o.attemptNo ?? 1) };
}

/** The wait before the n-th probe (n = 1 after the first opening): doubling, capped. */
export function halfOpenDelay(settings: Pick<BreakerSettings, 'halfOpenAfterMs' | 'maxHalfOpenAfterMs'>, openings: number): number {
  return Math.min(settings.maxHalfOpenAfterMs, settings.halfOpenAfterMs * 2 ** Math.max(0, openings - 1));
}

export class ApiBreaker {
  private readonly policy: CircuitBreakerPolicy | null;
  private isolation: { dispose(): void } | null = null;
  private lastFailureText: string | null = null;

  constructor(
    readonly name: BreakerName,
    readonly settings: BreakerSettings,
    readonly forced: ForcedState | null,
    snapshot: unknown,
    private readonly logger: Logger,
    private readonly onChange: (view: BreakerView) => void,
  ) {
    if (forced === 'closed') {
      this.policy = null;
    } else {
      const breaker = new EitherBreaker(
        new ConsecutiveBreaker(settings.consecutiveFailures),
        // SamplingBreaker takes a minimum rate; minVolume calls over the window is that rate.
        new SamplingBreaker({ threshold: settings.failureRate, duration: settings.samplingMs, minimumRps: settings.minVolume / (settings.samplingMs / 1000) }),
      );
      const handles = handleWhen(countsAgainstApi).orWhenResult((r) => isTimed(r) && r.slow);
      const own = ownState(snapshot);
      // Only an automatic state is carried over; a held-open (isolated) one is the override's business.
      const restore = forced === null && own !== null && (own.value === CircuitState.Closed || own.value === CircuitState.Open) ? { initialState: snapshot } : {};
      this.policy = circuitBreaker(handles, {
        breaker,
        halfOpenAfter: new ExponentialBackoff({ generator: noJitterGenerator, initialDelay: settings.halfOpenAfterMs, maxDelay: settings.maxHalfOpenAfterMs }),
        ...restore,
      });
      this.policy.onFailure((f) => {
        if ('error' in f.reason) this.lastFailureText = toConveneError(f.reason.error).message;
        else if (isTimed(f.reason.value)) this.lastFailureText = `a call took ${Math.round(f.duration)} ms, over slowCallMs ${String(settings.slowCallMs)}`;
      });
      this.policy.onStateChange(() => this.changed());
      if (forced === 'open') this.isolation = this.policy.isolate();
    }
    breakerState.set({ breaker: name }, GAUGE[this.state()]);
  }

  state(): BreakerStateName {
    if (this.forced === 'closed') return 'forced-closed';
    switch (this.policy!.state) {
      case CircuitState.Open:
        return 'open';
      case CircuitState.HalfOpen:
        return 'half-open';
      case CircuitState.Isolated:
        return 'forced-open';
      default:
        return 'closed';
    }
  }

  view(): BreakerView {
    const snapshot = this.policy?.toJSON() ?? null;
    const own = ownState(snapshot);
    const state = this.state();
    const open = state === 'open' && own !== null;
    return {
      name: this.name,
      state,
      forced: this.forced,
      openedAt: open ? own.openedAt : null,
      probeAt: open ? own.openedAt + halfOpenDelay(this.settings, own.attemptNo) : null,
      openings: own?.attemptNo ?? 0,
      lastFailure: this.lastFailureText,
      snapshot,
    };
  }

  private changed(): void {
    const view = this.view();
    breakerState.set({ breaker: this.name }, GAUGE[view.state]);
    breakerTransitions.inc({ breaker: this.name, state: view.state });
    const fields = { breaker: this.name, state: view.state, ...(view.probeAt !== null ? { probeAt: new Date(view.probeAt).toISOString() } : {}), ...(view.lastFailure ? { lastFailure: view.lastFailure } : {}) };
    if (view.state === 'open' || view.state === 'forced-open') this.logger.warn(fields, `circuit breaker ${this.name} opened`);
    else this.logger.info(fields, `circuit breaker ${this.name} is ${view.state}`);
    this.onChange(view);
  }

  /** Runs one attempt through the breaker; rejects with BREAKER_OPEN, without calling, while it is open. */
  async execute<T>(fn: () => Promise<T>): Promise<T> {
    if (this.policy === null) return fn();
    const slowMs = this.settings.slowCallMs;
    try {
      const timed = await this.policy.execute(async (): Promise<Timed<T>> => {
        const started = Date.now();
        const value = await fn();
        return { value, slow: slowMs !== null && Date.now() - started > slowMs };
      });
      return timed.value;
    } catch (err) {
      if (err instanceof BrokenCircuitError || err instanceof IsolatedCircuitError) throw this.openError();
      throw err;
    }
  }

  private openError(): ConveneError {
    const v = this.view();
    const why = v.state === 'forced-open' ? 'is forced open (convene breaker open)' : `is open after repeated failures${v.lastFailure ? ` (last: ${v.lastFailure})` : ''}`;
    const probe = v.probeAt !== null ? `; the next probe goes after ${new Date(v.probeAt).toISOString()}` : '';
    return new ConveneError('BREAKER_OPEN', `the ${this.name} circuit breaker ${why}, so the call was not made${probe}`, { subject: this.name });
  }

  /** Lets go of a forced open, so that a process that keeps the breaker does not keep it isolated. */
  dispose(): void {
    this.isolation?.dispose();
    this.isolation = null;
  }
}

export interface BreakerSetOptions {
  readonly logger?: Logger;
  /** What earlier runs left, by name (state and forced overrides). */
  readonly stored?: ReadonlyMap<string, StoredBreaker>;
  /** Called on every state change, e.g. to persist it. */
  readonly onChange?: (view: BreakerView) => void;
}

/** The four breakers of a run, built from the config and what the last run stored. */
export class BreakerSet {
  private readonly byName = new Map<BreakerName, ApiBreaker>();

  constructor(config: BreakersConfig, options: BreakerSetOptions = {}) {
    const logger = options.logger ?? silentLogger;
    for (const name of BREAKER_NAMES) {
      const stored = options.stored?.get(name);
      this.byName.set(name, new ApiBreaker(name, breakerSettings(config, name), stored?.forced ?? null, stored?.snapshot ?? null, logger, options.onChange ?? (() => undefined)));
    }
  }

  get(name: BreakerName): ApiBreaker {
    return this.byName.get(name)!;
  }

  /** The breaker guarding a call gate api ('slack', 'calendar', ...), or null. */
  forApi(api: string): ApiBreaker | null {
    const name = breakerOfApi(api);
    return name === null ? null : this.get(name);
  }

  views(): BreakerView[] {
    return BREAKER_NAMES.map((n) => this.get(n).view());
  }

  dispose(): void {
    for (const b of this.byName.values()) b.dispose();
  }
}
