/**
 * Receives Slack Events API pushes at `POST /slack/events` for `convene watch`: checks each
 * request's signature, answers `url_verification`, and queues the records of message,
 * changed and deleted events until the next tick of the watch loop takes them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Envelope } from '../../core/envelope.js';
import { ConveneError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import { eventToEnvelopes, verifySlackSignature } from './slack-events.logic.js';

export class EventQueue {
  private items: Envelope[] = [];
  received = 0;
  refused = 0;

  push(envelopes: readonly Envelope[]): void {
    this.items.push(...envelopes);
    this.received += envelopes.length;
  }

  /** Everything queued since the last drain. */
  drain(): Envelope[] {
    const out = this.items;
    this.items = [];
    return out;
  }
}

export interface EventsServer {
  readonly url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);
const MAX_BODY_BYTES = 1024 * 1024;

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error('body too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function startEventsServer(options: {
  host: string;
  port: number;
  signingSecret: string;
  queue: EventQueue;
  logger: Logger;
  nowSeconds?: () => number;
}): Promise<EventsServer> {
  if (!LOOPBACK.has(options.host) && options.signingSecret === '') {
    throw new ConveneError('CONFIG_INVALID', `refusing to listen on ${options.host} without a signing secret`, { subject: 'watch.host' });
  }
  const now = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const server: Server = createServer((req, res) => {
    const reply = (status: number, payload: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.method !== 'POST' || req.url?.split('?')[0] !== '/slack/events') return reply(404, { error: 'not found: events are posted to /slack/events' });
    body(req)
      .then((raw) => {
        const check = verifySlackSignature(options.signingSecret, header(req, 'x-slack-request-timestamp'), raw, header(req, 'x-slack-signature'), now());
        if (!check.ok) {
          options.queue.refused++;
          options.logger.warn({ reason: check.reason }, 'refused a Slack event push');
          return reply(401, { error: check.reason });
        }
        let payload: Record<string, unknown>;
        try {
          payload = JSON.parse(raw) as Record<string, unknown>;
        } catch {
          return reply(400, { error: 'the body is not JSON' });
        }
        if (payload['type'] === 'url_verification') return reply(200, { challenge: payload['challenge'] });
        if (payload['type'] === 'event_callback') options.queue.push(eventToEnvelopes(payload));
        return reply(200, { ok: true });
      })
      .catch(() => reply(413, { error: 'the body is too large' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${options.host.includes(':') ? `[${options.host}]` : options.host}:${address.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
