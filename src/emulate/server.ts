/**
 * `convene emulate`: a node:http server on loopback that serves a bundle as the Slack Web API
 * (under /api/) and the Google APIs (under /calendar/v3, /drive/v3, /admin/directory/v1), with
 * the rate-limit tiers of runtime/limits (time-compressible by `tierScale`), 429 + Retry-After,
 * and seeded, injected faults. The real client libraries talk to it via `slackApiUrl`/`rootUrl`.
 */
import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { ConveneError } from '../core/errors.js';
import { methodLimit } from '../runtime/limits/tiers.js';
import type { LimitsProfile } from '../runtime/limits/tiers.js';
import { TokenBucket } from '../runtime/limits/token-bucket.js';
import { BundleStore } from './bundle-store.js';
import { drawFault, seededRandom } from './faults.js';
import type { FaultSpec } from './faults.js';
import { googleMethod, handleGoogle } from './google-api.js';
import { handleSlack } from './slack-api.js';
import type { SlackAccess } from './slack-api.js';

export const EMULATOR_SLACK_TOKEN = 'xoxb-convene-emulator';
export const EMULATOR_GOOGLE_TOKEN = 'ya29.convene-emulator';

export interface EmulatorOptions {
  readonly port?: number;
  readonly host?: string;
  readonly faults?: FaultSpec;
  readonly seed?: number;
  /** Rates multiplied by this (60: a minute of quota per second). */
  readonly tierScale?: number;
  /** Off: no 429s from the tiers (injected 429 faults still happen). */
  readonly rateLimits?: boolean;
  readonly profile?: LimitsProfile;
  /** How long a `timeout` fault holds the request before dropping the connection. */
  readonly timeoutHoldMs?: number;
  /** Slack scopes granted; absent grants every scope. */
  readonly slackScopes?: readonly string[];
  readonly revokedSlackTokens?: readonly string[];
  readonly notMemberOf?: readonly string[];
}

export interface EmulatorStats {
  /** Requests per method (`conversations.history`, `calendar:events.list`), faults and 429s included. */
  readonly requests: Record<string, number>;
  readonly rateLimited: number;
  readonly faults: Record<string, number>;
  /** Conditional requests answered 304 Not Modified (counted in `requests` too). */
  readonly notModified: number;
}

export interface EmulatorConfigFile {
  readonly sources: Record<string, Record<string, unknown>>;
  readonly limits: { profile: LimitsProfile; tierScale: number };
}

export interface Emulator {
  readonly url: string;
  readonly slackApiUrl: string;
  readonly googleRootUrl: string;
  readonly store: BundleStore;
  readonly stats: EmulatorStats;
  /** Requests for one method since the start or the last reset. */
  requests(method: string): number;
  resetStats(): void;
  /** The config with which `convene run` collects from this emulator: one key per source type. */
  config(): EmulatorConfigFile;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function paramsOf(url: URL, body: string, contentType: string | undefined): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(url.searchParams);
  if (body !== '') {
    if (contentType?.includes('application/json')) {
      try {
        const parsed: unknown = JSON.parse(body);
        if (typeof parsed === 'object' && parsed !== null) for (const [k, v] of Object.entries(parsed)) params[k] = typeof v === 'string' ? v : JSON.stringify(v);
      } catch {
        // an unreadable body gives no parameters; the method reports what it misses
      }
    } else Object.assign(params, Object.fromEntries(new URLSearchParams(body)));
  }
  return params;
}

export async function startEmulator(bundleOrStore: string | BundleStore, options: EmulatorOptions = {}): Promise<Emulator> {
  const host = options.host ?? '127.0.0.1';
  if (!LOOPBACK.has(host)) throw new ConveneError('CONFIG_INVALID', `--host ${host}: the emulator listens on loopback only (127.0.0.1, ::1 or localhost)`, { subject: '--host' });
  const store = typeof bundleOrStore === 'string' ? await BundleStore.load(bundleOrStore) : bundleOrStore;
  const profile = options.profile ?? 'internal';
  const tierScale = options.tierScale ?? 1;
  const faults = options.faults ?? {};
  const random = seededRandom(options.seed ?? 1);
  const access: SlackAccess = {
    token: EMULATOR_SLACK_TOKEN,
    revokedTokens: new Set(options.revokedSlackTokens ?? []),
    scopes: options.slackScopes ? new Set(options.slackScopes) : null,
    notMemberOf: new Set(options.notMemberOf ?? []),
    historyLimitMax: methodLimit('slack', 'conversations.history', profile).pageLimit === 15 ? 15 : 999,
  };
  const buckets = new Map<string, TokenBucket>();
  const stats = { requests: {} as Record<string, number>, rateLimited: 0, faults: {} as Record<string, number>, notModified: 0 };
  const sockets = new Set<Socket>();

  /** Milliseconds until the method may be called again, 0 when the call is within its tier. */
  const overLimit = (api: string, method: string): number => {
    if (options.rateLimits === false) return 0;
    const id = `${api}:${method}`;
    let bucket = buckets.get(id);
    if (bucket === undefined) {
      const limit = methodLimit(api, method, profile);
      bucket = new TokenBucket(limit.burst, limit.perMinute * tierScale);
      buckets.set(id, bucket);
    }
    return bucket.tryTake();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://emulator');
    const body = await readBody(req);
    const params = paramsOf(url, body, req.headers['content-type']);
    const slackMethod = url.pathname.startsWith('/api/') ? url.pathname.slice(5) : null;
    const google = slackMethod === null ? googleMethod(url.pathname) : null;
    const api = slackMethod !== null ? 'slack' : (google?.api ?? 'unknown');
    const method = slackMethod ?? google?.method ?? url.pathname;
    const statKey = api === 'slack' ? method : `${api}:${method}`;
    stats.requests[statKey] = (stats.requests[statKey] ?? 0) + 1;

    const send = (status: number, payload: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(payload));
    };
    const tooMany = (waitMs: number): void => {
      stats.rateLimited++;
      // Retry-After is in the API's own seconds; a client under the same tierScale divides it.
      const seconds = String(Math.max(1, Math.ceil((waitMs * tierScale) / 1000)));
      if (api === 'slack') send(429, { ok: false, error: 'ratelimited' }, { 'retry-after': seconds });
      else send(429, { error: { code: 429, message: 'Rate Limit Exceeded', errors: [{ domain: 'usageLimits', reason: 'rateLimitExceeded', message: 'Rate Limit Exceeded' }] } }, { 'retry-after': seconds });
    };

    const fault = drawFault(faults, random, api);
    if (fault !== null) {
      stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
      if (fault === '5xx') return send(503, api === 'slack' ? { ok: false, error: 'service_unavailable' } : { error: { code: 503, message: 'Backend Error', errors: [{ domain: 'global', reason: 'backendError', message: 'Backend Error' }] } });
      if (fault === '429') return tooMany(1000 / tierScale);
      if (fault === 'malformed') {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        return void res.end('{"ok": true, "messages": [');
      }
      // timeout: hold the request, then drop the connection without an answer.
      const timer = setTimeout(() => req.socket.destroy(), options.timeoutHoldMs ?? 30_000);
      req.socket.once('close', () => clearTimeout(timer));
      return;
    }
    if (slackMethod === null && google === null) return send(404, { error: { code: 404, message: 'Not Found' } });
    const wait = overLimit(api, method);
    if (wait > 0) return tooMany(wait);
    if (slackMethod !== null) return send(200, handleSlack(slackMethod, params, req.headers.authorization, store, access).body);
    const reply = handleGoogle(url.pathname, params, req.headers.authorization, store, { token: EMULATOR_GOOGLE_TOKEN });
    if (reply.etag !== undefined && req.headers['if-none-match'] === reply.etag) {
      stats.notModified++;
      res.writeHead(304, { etag: reply.etag });
      return void res.end();
    }
    send(reply.status, reply.body, reply.etag === undefined ? {} : { etag: reply.etag });
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: false, error: 'internal_error', message: err instanceof Error ? err.message : String(err) }));
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => reject(new ConveneError('CONFIG_INVALID', `the emulator cannot listen on ${host}:${options.port ?? 0}: ${err.message}`, { cause: err, subject: '--port' })));
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  const base = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;

  return {
    url: base,
    slackApiUrl: `${base}/api/`,
    googleRootUrl: `${base}/`,
    store,
    stats,
    requests: (method) => stats.requests[method] ?? 0,
    resetStats() {
      for (const k of Object.keys(stats.requests)) delete stats.requests[k];
      for (const k of Object.keys(stats.faults)) delete stats.faults[k];
      stats.rateLimited = 0;
      stats.notModified = 0;
    },
    config: () => ({
      sources: {
        'slack-web': { token: EMULATOR_SLACK_TOKEN, apiUrl: `${base}/api/`, pageLimit: methodLimit('slack', 'conversations.history', profile).pageLimit },
        'google-calendar': { token: EMULATOR_GOOGLE_TOKEN, rootUrl: `${base}/`, calendars: [...store.calendars.keys()].sort() },
        'google-drive': { token: EMULATOR_GOOGLE_TOKEN, rootUrl: `${base}/` },
        'google-directory': { token: EMULATOR_GOOGLE_TOKEN, rootUrl: `${base}/`, customer: 'my_customer' },
        // What has no API form is read as files, so a run collects the whole bundle, as a replay would.
        ...(store.peopleCsv ? { 'people-csv': { path: store.peopleCsv } } : {}),
        ...(store.icsFiles.length > 0 ? { 'calendar-files': { paths: [...store.icsFiles] } } : {}),
      },
      limits: { profile, tierScale },
    }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
