/**
 * A token bucket: `burst` tokens, refilled at `perMinute`. Callers are served in order; time
 * and sleeping are injected so that tests run in virtual time.
 */
export type Clock = () => number;
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export const realClock: Clock = () => Date.now();

export const realSleep: Sleep = (ms, signal) =>
  new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

export class TokenBucket {
  private tokens: number;
  private last: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly perMs: number;

  constructor(
    readonly burst: number,
    perMinute: number,
    private readonly clock: Clock = realClock,
  ) {
    this.tokens = burst;
    this.last = clock();
    this.perMs = perMinute / 60_000;
  }

  private refill(): void {
    const now = this.clock();
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.perMs);
    this.last = now;
  }

  /** Takes a token now if one is there; else how many milliseconds until one is. */
  tryTake(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - this.tokens) / this.perMs);
  }

  /** Resolves with the milliseconds waited once a token is taken; callers are served in order. */
  take(sleep: Sleep, signal?: AbortSignal): Promise<number> {
    const turn = this.queue.then(async () => {
      let waited = 0;
      for (;;) {
        const wait = this.tryTake();
        if (wait === 0) return waited;
        await sleep(wait, signal);
        waited += wait;
      }
    });
    this.queue = turn.then(
      () => undefined,
      () => undefined,
    );
    return turn;
  }

  /** Empties the bucket, as when the server says it is over its limit. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }
}
