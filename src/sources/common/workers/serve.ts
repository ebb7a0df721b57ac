/**
 * The worker side of `mapOrdered`: answers each batch posted to this thread with the
 * handler's result for each request, or the error it threw (name, message, and a
 * ConveneError's code and subject, so the pool's side can throw the same typed error).
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerAnswer, WorkerBatch, WorkerReply } from './ordered-pool.js';

export function serveRequests<Req, Res>(handle: (request: Req) => Res | Promise<Res>, startBatch?: () => void): void {
  const port = parentPort;
  if (port === null) return;
  // Batches are answered one after another, whatever the handler awaits: `startBatch` runs
  // before each, e.g. to reset a budget the batch's requests draw on.
  let previous: Promise<void> = Promise.resolve();
  port.on('message', (batch: WorkerBatch<Req>) => {
    previous = previous.then(async () => {
      startBatch?.();
      port.postMessage(await answerAll(batch, handle));
    });
  });
}

async function answerAll<Req, Res>(batch: WorkerBatch<Req>, handle: (request: Req) => Res | Promise<Res>): Promise<WorkerReply<Res>> {
  const answers: Array<WorkerAnswer<Res>> = [];
  for (const request of batch.requests) answers.push(await answer(request, handle));
  return { id: batch.id, answers };
}

async function answer<Req, Res>(request: Req, handle: (request: Req) => Res | Promise<Res>): Promise<WorkerAnswer<Res>> {
  try {
    return { ok: true, value: await handle(request) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const typed = e as Error & { code?: unknown; subject?: unknown };
    return {
      ok: false,
      error: {
        name: e.name,
        message: e.message,
        ...(typeof typed.code === 'string' ? { code: typed.code } : {}),
        ...(typeof typed.subject === 'string' ? { subject: typed.subject } : {}),
      },
    };
  }
}
