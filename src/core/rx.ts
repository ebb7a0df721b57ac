/**
 * Small RxJS helpers. RxJS has no backpressure of its own: a source pulls its next page only
 * when the pipeline has room. Room is measured by a `Gate`: the source counts what it emitted,
 * the runtime counts what the sinks acknowledged, and the source waits while the difference
 * is at or above the high-water mark.
 */
import { Observable } from 'rxjs';

export class Gate {
  private pendingCount = 0;
  private waiters: Array<() => void> = [];

  /** `highWater` must exceed the sink batch size, or a half-filled batch would never flush. */
  constructor(readonly highWater: number) {
    if (!Number.isInteger(highWater) || highWater < 1) throw new RangeError(`highWater must be a positive integer, got ${highWater}`);
  }

  /** Records emitted and not yet acknowledged by the sinks. */
  get pending(): number {
    return this.pendingCount;
  }

  emitted(n: number): void {
    this.pendingCount += n;
  }

  acked(n: number): void {
    this.pendingCount = Math.max(0, this.pendingCount - n);
    if (this.pendingCount < this.highWater && this.waiters.length > 0) {
      const ready = this.waiters;
      this.waiters = [];
      for (const resolve of ready) resolve();
    }
  }

  /** Resolves when there is room for another page. */
  ready(): Promise<void> {
    if (this.pendingCount < this.highWater) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

/**
 * An Observable over pages produced by an async generator. A page is pulled only when the
 * gate (if any) has room; unsubscribing aborts `signal` and returns the generator, so an
 * in-flight read or request can stop. Items are emitted one by one; the gate counts them.
 */
export function fromPages<T>(produce: (signal: AbortSignal) => AsyncIterable<readonly T[]>, gate?: Gate): Observable<T> {
  return new Observable<T>((subscriber) => {
    const controller = new AbortController();
    const run = async (): Promise<void> => {
      const iterator = produce(controller.signal)[Symbol.asyncIterator]();
      try {
        for (;;) {
          if (gate) await gate.ready();
          if (controller.signal.aborted) return;
          const next = await iterator.next();
          if (next.done) break;
          gate?.emitted(next.value.length);
          for (const item of next.value) {
            if (subscriber.closed) return;
            subscriber.next(item);
          }
        }
        subscriber.complete();
      } catch (err) {
        if (!controller.signal.aborted) subscriber.error(err);
      } finally {
        await iterator.return?.(undefined);
      }
    };
    void run();
    return () => controller.abort();
  });
}
