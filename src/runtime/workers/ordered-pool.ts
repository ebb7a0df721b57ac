/**
 * A bounded pool of worker threads that answers requests in the order they were made.
 *
 * The pipeline's output must not depend on which worker finished first, so results are
 * handed back strictly in request order; at most `maxInFlight` requests are outstanding
 * (sent or answered but not yet taken), so a slow consumer stops the workers instead of
 * letting answers pile up. With no workers the same requests run in this thread.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

/** What a worker posts back: the answer to request `id`, or why it could not answer. */
export type WorkerReply<Res> = { id: number; ok: true; value: Res } | { id: number; ok: false; error: { name: string; message: string; code?: string; subject?: string } };

/** What the pool posts to a worker. */
export interface WorkerRequest<Req> {
  id: number;
  request: Req;
}

/**
 * Worker threads to use when the config names no number: one per core but the one the
 * pipeline's own thread needs, at most four (each holds its own copy of the modules it runs).
 */
export function defaultWorkerCount(cores = availableParallelism()): number {
  return Math.max(0, Math.min(4, cores - 1));
}

export interface OrderedPoolOptions<Req, Res> {
  /** The worker's module (compiled `.js`); it answers with `serveRequests`. */
  script: URL;
  /** Worker threads; 0 runs `inline` in this thread instead. */
  workers: number;
  /** The same work as the worker's, for `workers: 0`. */
  inline: (request: Req) => Res | Promise<Res>;
  /** Requests outstanding at most (default four per worker, and at least one). */
  maxInFlight?: number;
  /** Given to every worker as `workerData` (structured-cloned once per worker). */
  workerData?: unknown;
  /** Turns an error a worker reported back into the error to throw here. */
  reviveError?: (error: { name: string; message: string; code?: string; subject?: string }) => Error;
}

interface Pending<Res> {
  resolve: (value: Res) => void;
  reject: (error: unknown) => void;
}

/**
 * Maps `inputs` through the pool, yielding `[input, answer]` in input order. `toRequest`
 * returns null for an input that needs no work (its answer is null, and it keeps its place).
 * Workers start when iteration starts and end when it ends, however it ends.
 */
export async function* mapOrdered<In, Req, Res>(
  inputs: Iterable<In>,
  toRequest: (input: In) => Req | null | Promise<Req | null>,
  options: OrderedPoolOptions<Req, Res>,
): AsyncGenerator<[In, Res | null]> {
  const size = Math.max(0, Math.floor(options.workers));
  const limit = Math.max(1, options.maxInFlight ?? 4 * Math.max(1, size));
  const pool = size > 0 ? new ThreadPool<Req, Res>(options.script, size, options.workerData, options.reviveError ?? reviveDefault) : null;
  const queue: Array<{ input: In; answer: Promise<Res | null> }> = [];
  const iterator = inputs[Symbol.iterator]();
  let exhausted = false;
  try {
    for (;;) {
      while (!exhausted && queue.length < limit) {
        const next = iterator.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        const input = next.value;
        const request = await toRequest(input);
        const answer = request === null ? Promise.resolve(null) : pool !== null ? pool.submit(request) : Promise.resolve(options.inline(request));
        // A rejection is observed when its turn comes; until then it must not count as unhandled.
        answer.catch(() => undefined);
        queue.push({ input, answer });
      }
      const head = queue.shift();
      if (head === undefined) return;
      yield [head.input, await head.answer];
    }
  } finally {
    await pool?.close();
  }
}

function reviveDefault(error: { name: string; message: string }): Error {
  const e = new Error(error.message);
  e.name = error.name;
  return e;
}

/** Workers that take requests round-robin; each answers its own in the order received. */
class ThreadPool<Req, Res> {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Pending<Res>>();
  private nextId = 0;
  private failure: Error | null = null;
  private closing = false;

  constructor(
    script: URL,
    size: number,
    workerData: unknown,
    private readonly revive: (error: { name: string; message: string; code?: string; subject?: string }) => Error,
  ) {
    for (let i = 0; i < size; i++) {
      const worker = new Worker(script, { workerData });
      // A pool nobody closed must not keep the process alive.
      worker.unref();
      worker.on('message', (reply: WorkerReply<Res>) => this.settle(reply));
      worker.on('error', (err: Error) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`a worker thread stopped unexpectedly (exit code ${code})`));
      });
      this.workers.push(worker);
    }
  }

  submit(request: Req): Promise<Res> {
    if (this.failure !== null) return Promise.reject(this.failure);
    const id = this.nextId++;
    return new Promise<Res>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      const message: WorkerRequest<Req> = { id, request };
      this.workers[id % this.workers.length]!.postMessage(message);
    });
  }

  private settle(reply: WorkerReply<Res>): void {
    const waiting = this.pending.get(reply.id);
    if (waiting === undefined) return;
    this.pending.delete(reply.id);
    if (reply.ok) waiting.resolve(reply.value);
    else waiting.reject(this.revive(reply.error));
  }

  private fail(error: Error): void {
    if (this.failure === null) this.failure = error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
