/**
 * Runs several page producers (one per channel or calendar) with bounded concurrency and
 * merges their pages into one async iterable. Each producer hands over one page and waits
 * until the consumer has taken it before fetching the next, so at most `concurrency` pages
 * are buffered: with `fromPages` and a gate, a slow sink stops every producer.
 */
export type PageProducer<T> = () => AsyncIterable<T>;

export async function* mergeBounded<T>(producers: readonly PageProducer<T>[], concurrency: number, signal: AbortSignal): AsyncGenerator<T> {
  const buffer: Array<{ value: T; taken: () => void }> = [];
  let wake: (() => void) | null = null;
  let failure: { error: unknown } | null = null;
  let next = 0;
  let running = 0;

  const notify = (): void => {
    const w = wake;
    wake = null;
    w?.();
  };

  const worker = async (): Promise<void> => {
    while (next < producers.length && failure === null && !signal.aborted) {
      const producer = producers[next++]!;
      for await (const value of producer()) {
        if (failure !== null || signal.aborted) return;
        await new Promise<void>((taken) => {
          buffer.push({ value, taken });
          notify();
        });
      }
    }
  };

  const width = Math.max(1, Math.min(concurrency, producers.length));
  for (let i = 0; i < width; i++) {
    running++;
    worker()
      .catch((error: unknown) => {
        if (failure === null) failure = { error };
      })
      .finally(() => {
        running--;
        notify();
      });
  }

  try {
    for (;;) {
      if (failure !== null) throw (failure as { error: unknown }).error;
      const item = buffer.shift();
      if (item !== undefined) {
        item.taken();
        yield item.value;
        continue;
      }
      if (running === 0) return;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    // Stopped early: let waiting producers go, so they see the abort and end.
    for (const item of buffer.splice(0)) item.taken();
  }
}
