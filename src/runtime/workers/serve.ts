/**
 * The worker side of `mapOrdered`: answers each request posted to this thread with the
 * handler's result, or with the error it threw (name, message, and a ConveneError's code and
 * subject, so the pool's side can throw the same typed error).
 */
import { parentPort } from 'node:worker_threads';
import type { WorkerReply, WorkerRequest } from './ordered-pool.js';

export function serveRequests<Req, Res>(handle: (request: Req) => Res | Promise<Res>): void {
  const port = parentPort;
  if (port === null) return;
  port.on('message', (message: WorkerRequest<Req>) => {
    void answer(message, handle).then((reply) => port.postMessage(reply));
  });
}

async function answer<Req, Res>(message: WorkerRequest<Req>, handle: (request: Req) => Res | Promise<Res>): Promise<WorkerReply<Res>> {
  try {
    return { id: message.id, ok: true, value: await handle(message.request) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    const typed = e as Error & { code?: unknown; subject?: unknown };
    return {
      id: message.id,
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
