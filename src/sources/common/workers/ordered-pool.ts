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

/** Why a worker could not answer a request: the error's name, message, and a ConveneError's code and subject. */
export interface WorkerError {
  name: string;
  message: string;
  code?: string;
  subject?: string;
}

/** One answer of a worker: the value, or the error the request met. */
export type WorkerAnswer<Res> = { ok: true; value: Res } | { ok: false; error: WorkerError };

/** What the pool posts to a worker: several requests at once (posts are the costly part). */
export interface WorkerBatch<Req> {
  id: number;
  requests: Req[];
}

/** What a worker posts back: the answers to batch `id`, in its requests' order. */
export interface WorkerReply<Res> {
  id: number;
  answers: Array<WorkerAnswer<Res>>;
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
  /** Requests done by `inline` in this thread even with workers (say, too large to post to one). */
  inlineIf?: (request: Req) => boolean;
  /** Requests posted to a worker at once (default 16): each post costs both threads a wake-up and a lock. */
  batch?: number;
  /** Requests outstanding at most (default four batches per worker). */
  maxInFlight?: number;
  /** Given to every worker as `workerData` (structured-cloned once per worker). */
  workerData?: unknown;
  /** Turns an error a worker reported back into the error to throw here. */
  reviveError?: (error: WorkerError) => Error;
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
  const batch = Math.max(1, Math.floor(options.batch ?? 16));
  const limit = Math.max(1, options.maxInFlight ?? 4 * batch * Math.max(1, size));
  const pool = size > 0 ? new ThreadPool<Req, Res>(options.script, size, batch, options.workerData, options.reviveError ?? reviveDefault) : null;
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
        let answer: Promise<Res | null>;
        try {
          const request = await toRequest(input);
          answer =
            request === null ? Promise.resolve(null) : pool !== null && options.inlineIf?.(request) !== true ? pool.submit(request) : Promise.resolve(options.inline(request));
        } catch (err) {
          // A request that cannot be made fails when its turn comes: the answers before it are
          // still handed out, as reading them one by one would have. Nothing after it is asked for.
          answer = Promise.reject(err);
          exhausted = true;
        }
        // A rejection is observed when its turn comes; until then it must not count as unhandled.
        answer.catch(() => undefined);
        queue.push({ input, answer });
      }
      // Requests held back to fill a batch go now: the head's answer may be among them.
      pool?.flush();
      const head = queue.shift();
      if (head === undefined) return;
      yield [head.input, await head.answer];
    }
  } finally {
    await pool?.close();
  }
}

function reviveDefault(error: WorkerError): Error {
  const e = new Error(error.message);
  e.name = error.name;
  return e;
}

/** V8 limits of a worker's heap (MB): its old generation and its young one. */
const WORKER_HEAP = { maxOldGenerationSizeMb: 128, maxYoungGenerationSizeMb: 16 };

/** Workers that take batches of requests round-robin; each answers a batch in its order. */
class ThreadPool<Req, Res> {
  private readonly workers: Worker[] = [];
  private readonly pending = new Map<number, Array<Pending<Res>>>();
  private held: { requests: Req[]; waiting: Array<Pending<Res>> } = { requests: [], waiting: [] };
  private nextId = 0;
  /** Batches posted to each worker and not answered yet. */
  private readonly out = new Map<Worker, number>();
  private failure: Error | null = null;
  private closing = false;

  constructor(
    script: URL,
    size: number,
    private readonly batch: number,
    workerData: unknown,
    private readonly revive: (error: WorkerError) => Error,
  ) {
    for (let i = 0; i < size; i++) {
      // A worker holds one batch of files at a time: a heap of its own bounded well below the
      // pipeline's keeps the pool from adding a second full-size heap to the process.
      const worker = new Worker(script, { workerData, resourceLimits: WORKER_HEAP });
      // A pool nobody closed must not keep the process alive; one with a batch out does (see flush).
      worker.unref();
      worker.on('message', (reply: WorkerReply<Res>) => this.settle(worker, reply));
      worker.on('error', (err: Error) => this.fail(err));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`a worker thread stopped unexpectedly (exit code ${code})`));
      });
      this.workers.push(worker);
    }
  }

  /** Queues a request; it is posted when its batch is full or on `flush()`. */
  submit(request: Req): Promise<Res> {
    if (this.failure !== null) return Promise.reject(this.failure);
    return new Promise<Res>((resolve, reject) => {
      this.held.requests.push(request);
      this.held.waiting.push({ resolve, reject });
      if (this.held.requests.length >= this.batch) this.flush();
    });
  }

  flush(): void {
    const { requests, waiting } = this.held;
    if (requests.length === 0) return;
    this.held = { requests: [], waiting: [] };
    if (this.failure !== null) {
      for (const w of waiting) w.reject(this.failure);
      return;
    }
    const id = this.nextId++;
    this.pending.set(id, waiting);
    const message: WorkerBatch<Req> = { id, requests };
    const worker = this.workers[id % this.workers.length]!;
    // While a batch is out, its worker keeps the process alive: a pipeline waiting for nothing
    // else (one long day file) would otherwise see its event loop empty and Node end it.
    if (this.out.get(worker) === undefined) worker.ref();
    this.out.set(worker, (this.out.get(worker) ?? 0) + 1);
    worker.postMessage(message);
  }

  private settle(worker: Worker, reply: WorkerReply<Res>): void {
    const out = (this.out.get(worker) ?? 1) - 1;
    if (out > 0) this.out.set(worker, out);
    else {
      this.out.delete(worker);
      worker.unref();
    }
    const waiting = this.pending.get(reply.id);
    if (waiting === undefined) return;
    this.pending.delete(reply.id);
    reply.answers.forEach((answer, i) => {
      const w = waiting[i]!;
      if (answer.ok) w.resolve(answer.value);
      else w.reject(this.revive(answer.error));
    });
  }

  private fail(error: Error): void {
    if (this.failure === null) this.failure = error;
    for (const worker of this.out.keys()) worker.unref();
    this.out.clear();
    for (const waiting of this.pending.values()) for (const w of waiting) w.reject(error);
    this.pending.clear();
    for (const w of this.held.waiting) w.reject(error);
    this.held = { requests: [], waiting: [] };
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
