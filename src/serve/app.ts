/**
 * The monitoring server's routes: `GET /metrics` for Prometheus, the REST API under `/api`,
 * server-sent events at `/api/events`, and the dashboard's static files at `/`.
 *
 * Every query parameter is validated (params.ts); filters become parameterised SQL in
 * src/sinks/search, so no client text is ever run as SQL. See docs/operations.md.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import express, { type NextFunction, type Request, type Response } from 'express';
import { ConveneError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { QueryCache } from '../runtime/cache/query-cache.js';
import { overrideBreaker } from '../runtime/resilience/breaker-store.js';
import { liveStatus, type LiveFile, type RunProgress } from '../runtime/telemetry/live-status.js';
import { collectProcessMetrics, databaseBytes, metricsRegistry } from '../runtime/telemetry/metrics.js';
import { exportData, type ExportFormat } from '../sinks/export/export.js';
import { filteredQuery, meetingListQuery, messageListQuery } from '../sinks/search/filters.js';
import { assetsDir } from './assets.js';
import { authenticate } from './auth.js';
import { DbAccess, hasTable, readLiveFile, WriterBusyError } from './data.js';
import { computeHealth, runHistory, type Health, type RunHistoryEntry } from './health.js';
import { asRequestError, BreakerRequest, DEFAULT_PAGE, exportOf, filtersOf, limitOf, MAX_PAGE, noParams, RequestError } from './params.js';

export interface ServeContext {
  dbPath: string;
  /** Required as `Authorization: Bearer …` (or the cookie `/?token=` sets) when not null. */
  token: string | null;
  logger: Logger;
  /** Milliseconds between two pushes of `/api/events`. */
  eventIntervalMs?: number;
  /** How long figures read from the database (status, health) are reused; 0 reads them every time (benchmarks). */
  figuresTtlMs?: number;
}

export interface Status {
  now: string;
  running: boolean;
  /** Where the run's figures come from: this process, another process's live file, or none. */
  source: 'this-process' | 'live-file' | 'none';
  /** The pid of the process writing the database, when it is another one. */
  writerPid: number | null;
  run: RunProgress | null;
  lastRun: RunHistoryEntry | null;
  totals: { meetings: number; messages: number; links: number } | null;
}

const CONTENT_TYPES: Record<ExportFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  parquet: 'application/vnd.apache.parquet',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  html: 'text/html; charset=utf-8',
};

/** How long figures read from the database are reused (status pushes, health): reads stay rare, so a run that starts finds the file free. */
const DB_FIGURES_TTL_MS = 2000;

export function createApp(ctx: ServeContext): express.Express {
  const access = new DbAccess(ctx.dbPath);
  const intervalMs = ctx.eventIntervalMs ?? 1000;
  collectProcessMetrics();
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use((_req, res, next) => {
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    // Everything the page needs is served from here: no CDN, no inline script.
    res.setHeader('content-security-policy', "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'");
    next();
  });
  app.use(authenticate(ctx.token));

  const cached = cache(ctx.figuresTtlMs ?? DB_FIGURES_TTL_MS);
  // Meetings, messages and drill-downs asked again are answered from memory until a run changes the data.
  const queries = new QueryCache({ maxEntries: 2_000 });

  const writerHere = (): boolean => liveStatus.runningDbPath === access.dbPath;
  const liveElsewhere = (): LiveFile | null => (writerHere() ? null : readLiveFile(access.dbPath));

  const readFigures = async (): Promise<{ lastRun: RunHistoryEntry | null; totals: Status['totals'] }> => {
      try {
        return await access.read(async (db) => {
          const lastRun = (await runHistory(db, 5)).find((r) => r.status !== 'running') ?? null;
          const t = (await db.all(`SELECT (SELECT count(*) FROM meetings) AS meetings, (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM message_links) AS links`))[0] ?? {};
          return { lastRun, totals: { meetings: Number(t['meetings'] ?? 0), messages: Number(t['messages'] ?? 0), links: Number(t['links'] ?? 0) } };
        });
      } catch (err) {
        if (err instanceof RequestError) return { lastRun: null, totals: null };
        throw err;
      }
  };
  const dbFigures = (): Promise<{ lastRun: RunHistoryEntry | null; totals: Status['totals'] }> => cached('figures', readFigures);
  // Through the writer's own connection (no lock to take), so fresher.
  const freshFigures = (): Promise<{ lastRun: RunHistoryEntry | null; totals: Status['totals'] }> => cached('fresh', readFigures, Math.min(900, ctx.figuresTtlMs ?? 900));

  const status = async (): Promise<Status> => {
    const here = writerHere() ? liveStatus.snapshot() : null;
    const other = here ? null : liveElsewhere();
    const run = here ?? other?.run ?? null;
    // The figures of a database being written: from this process only (another's file is locked).
    const figures = here ? await freshFigures() : other ? { lastRun: null, totals: null } : await dbFigures();
    return { now: new Date().toISOString(), running: run !== null, source: here ? 'this-process' : other ? 'live-file' : 'none', writerPid: other?.pid ?? null, run, ...figures };
  };

  const health = (): Promise<Health> =>
    cached('health', () => access.read((db) => computeHealth(db, writerHere() ? liveStatus.snapshot() : (liveElsewhere()?.run ?? null))));

  // A writer in another process that serves too answers for its database.
  app.use('/api', (req, res, next) => {
    const live = liveElsewhere();
    if (!live?.url) return next();
    forward(req, res, live).catch(next);
  });

  app.get('/metrics', async (_req, res, next) => {
    try {
      liveStatus.refreshGauges();
      if (access.exists()) {
        databaseBytes.set(fileBytes(access.dbPath) + fileBytes(`${access.dbPath}.wal`));
        // Sets convene_component_health; a database held by another writer keeps the last values.
        await health().catch(() => undefined);
      }
      res.setHeader('content-type', metricsRegistry.contentType);
      res.send(await metricsRegistry.metrics());
    } catch (err) {
      next(err);
    }
  });

  // Express 5 hands an async handler's rejection to the error handler at the end: no try/catch.
  app.get('/api/status', async (req, res) => {
    noParams(req.query);
    res.json(await status());
  });

  app.get('/api/health', async (req, res) => {
    noParams(req.query);
    res.json(await health());
  });

  app.get('/api/runs', async (req, res) => {
    const limit = limitOf(req.query, 30, 500);
    res.json({ runs: await access.read((db) => runHistory(db, limit)) });
  });

  app.get('/api/meetings', async (req, res) => {
    const q = build(() => meetingListQuery(filtersOf(req.query, { defaultLimit: DEFAULT_PAGE, maxLimit: MAX_PAGE })));
    res.json({ rows: await access.read(async (db) => plain(await queries.all(db, q.sql, q.params))) });
  });

  app.get('/api/meetings/:id', async (req, res) => {
    noParams(req.query);
    const id = String(req.params['id']);
    const result = await access.read(async (db) => {
      const meeting = (await queries.all(db, `SELECT m.*, x.messages, x.coordination_cost_minutes AS cost_minutes FROM meetings m LEFT JOIN meeting_metrics x ON x.meeting_id = m.id WHERE m.id = ?`, [id]))[0];
      if (!meeting) return null;
      const messages = await queries.all(
        db,
        `SELECT msg.time, coalesce(CASE WHEN c.kind IN ('im', 'mpim') THEN c.name ELSE '#' || c.name END, msg.channel_id) AS channel, msg.ts, msg.user_id, l.kind AS signal, l.confidence, msg.text
           FROM message_links l JOIN messages msg USING (channel_id, ts) LEFT JOIN channels c ON c.id = msg.channel_id
          WHERE l.meeting_id = ? ORDER BY msg.time, msg.channel_id, msg.ts LIMIT 500`,
        [id],
      );
      return { meeting: plain([meeting])[0], messages: plain(messages) };
    });
    if (!result) throw new RequestError(404, `no meeting with id ${JSON.stringify(id)}`);
    res.json(result);
  });

  app.get('/api/messages', async (req, res) => {
    const q = build(() => messageListQuery(filtersOf(req.query, { defaultLimit: DEFAULT_PAGE, maxLimit: MAX_PAGE })));
    res.json({ rows: await access.read(async (db) => plain(await queries.all(db, q.sql, q.params))) });
  });

  app.get('/api/errors', async (req, res) => {
    const limit = limitOf(req.query, 100, 1000);
    res.json(
      await access.read(async (db) => {
        if (await hasTable(db, 'errors')) {
          const rows = await db.all(
            `SELECT component, code, sum(count) AS count, min(first_seen) AS first_seen, max(last_seen) AS last_seen, any_value(sample_message) AS sample_message, count(DISTINCT run_id) AS runs
               FROM errors GROUP BY component, code ORDER BY last_seen DESC, count DESC LIMIT ?`,
            [limit],
          );
          return { source: 'errors', rows: plain(rows) };
        }
        const rows = await db.all(
          `SELECT p.source AS component, p.code, count(*) AS count, min(r.started_at) AS first_seen, max(r.started_at) AS last_seen, any_value(p.file || coalesce(' ' || p.entry, '') || ': ' || p.message) AS sample_message, count(DISTINCT p.run_id) AS runs
             FROM input_problems p LEFT JOIN runs r USING (run_id) GROUP BY p.source, p.code ORDER BY last_seen DESC, count DESC LIMIT ?`,
          [limit],
        );
        return { source: 'input_problems', rows: plain(rows) };
      }),
    );
  });

  app.get('/api/export', async (req, res, next) => {
    let dir: string | null = null;
    try {
      const e = exportOf(req.query);
      build(() => filteredQuery(e.table, e.filters));
      dir = mkdtempSync(join(tmpdir(), 'convene-export-'));
      const name = e.format === 'xlsx' || e.format === 'html' ? `convene.${e.format}` : `${e.table}.${e.format}`;
      const out = join(dir, name);
      await access.read((db) => access.exclusiveExport(() => exportData(db, { format: e.format, out, table: e.table, filters: e.filters })));
      res.setHeader('content-type', CONTENT_TYPES[e.format]);
      // An attachment, so the HTML report is never rendered as part of this origin.
      res.setHeader('content-disposition', `attachment; filename="${name}"`);
      const d = dir;
      res.sendFile(out, (err) => {
        rmSync(d, { recursive: true, force: true });
        if (err && !res.headersSent) next(err);
      });
      dir = null;
    } catch (err) {
      next(err);
    } finally {
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  });

  app.post('/api/breakers/:name', express.json({ limit: '4kb' }), async (req, res, next) => {
    try {
      if (!req.is('application/json')) throw new RequestError(415, 'send the action as JSON: {"action": "open" | "close" | "reset"}');
      const parsed = BreakerRequest.safeParse(req.body);
      if (!parsed.success) throw new RequestError(400, parsed.error.issues.map((i) => (i.code === 'unrecognized_keys' ? `unknown field(s) ${i.keys.join(', ')}` : i.message)).join('; '));
      const name = String(req.params['name']);
      await access.write(async (db) => {
        if (!(await hasTable(db, 'breakers'))) throw new RequestError(409, 'this database has no breakers table yet: run `convene run` once to bring its schema up to date');
        await overrideBreaker(db, name, parsed.data.action, new Date());
      });
      cached.clear();
      res.json({ name, action: parsed.data.action, effect: parsed.data.action === 'reset' ? 'the next run starts the breaker closed and automatic' : `the next run holds the breaker ${parsed.data.action === 'open' ? 'open' : 'closed'} until it is reset` });
    } catch (err) {
      if (err instanceof ConveneError && err.code === 'CONFIG_INVALID') return next(new RequestError(404, err.message));
      next(err);
    }
  });

  app.get('/api/events', (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    let ticks = 0;
    let busy = false;
    const push = async (): Promise<void> => {
      if (busy) return;
      busy = true;
      try {
        res.write(`event: status\ndata: ${JSON.stringify(await status())}\n\n`);
        if (ticks++ % 5 === 0) res.write(`event: health\ndata: ${JSON.stringify(await health())}\n\n`);
      } catch (err) {
        res.write(`event: problem\ndata: ${JSON.stringify({ error: err instanceof Error ? err.message : String(err) })}\n\n`);
      } finally {
        busy = false;
      }
    };
    void push();
    const timer = setInterval(() => void push(), intervalMs);
    req.on('close', () => clearInterval(timer));
  });

  app.use('/api', (req, _res, next) => next(new RequestError(404, `no such endpoint: ${req.method} ${req.path}`)));
  app.use(express.static(assetsDir(), { index: 'index.html', fallthrough: true }));

  app.use((err: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return void res.end();
    if (err instanceof RequestError) return void res.status(err.status).json({ error: err.message });
    if (err instanceof ConveneError) {
      ctx.logger.warn({ code: err.code, path: req.path }, err.message);
      return void res.status(err.code === 'DB_LOCKED' ? 503 : 500).json({ error: err.describe(), code: err.code });
    }
    // express.json's parse errors carry a status of their own.
    const status = typeof (err as { status?: unknown }).status === 'number' ? (err as { status: number }).status : 500;
    if (status >= 500) ctx.logger.error({ path: req.path, err: err instanceof Error ? err.message : String(err) }, 'request failed');
    res.status(status).json({ error: status >= 500 ? 'internal error; the server log has the details' : err instanceof Error ? err.message : String(err) });
  });
  return app;
}

/** A filter that does not fit the table is the client's mistake. */
function build<T>(f: () => T): T {
  try {
    return f();
  } catch (err) {
    throw asRequestError(err);
  }
}

/** JSON-safe rows: BIGINT as a number (or a string past 2^53), dates as ISO text. */
export function plain(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((r) =>
    Object.fromEntries(
      Object.entries(r).map(([k, v]) => [k, typeof v === 'bigint' ? (v <= BigInt(Number.MAX_SAFE_INTEGER) && v >= -BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString()) : v instanceof Date ? v.toISOString() : v]),
    ),
  );
}

function fileBytes(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

interface Cache {
  <T>(key: string, compute: () => Promise<T>, ttlMs?: number): Promise<T>;
  clear(): void;
}

/** Results reused for `ttlMs`, and one computation at a time per key. */
function cache(defaultTtlMs: number): Cache {
  const entries = new Map<string, { at: number; value: Promise<unknown> }>();
  const get = <T>(key: string, compute: () => Promise<T>, ttlMs = defaultTtlMs): Promise<T> => {
    const hit = entries.get(key);
    if (hit && Date.now() - hit.at < ttlMs) return hit.value as Promise<T>;
    const value = compute();
    entries.set(key, { at: Date.now(), value });
    value.catch(() => entries.delete(key));
    return value;
  };
  return Object.assign(get, { clear: () => entries.clear() });
}

/** Passes an API request to the server of the process writing the database. */
async function forward(req: Request, res: Response, live: LiveFile): Promise<void> {
  const target = new URL(req.originalUrl, live.url!);
  const headers: Record<string, string> = { accept: req.get('accept') ?? '*/*' };
  if (live.token) headers['authorization'] = `Bearer ${live.token}`;
  const contentType = req.get('content-type');
  let body: Buffer | undefined;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    body = Buffer.concat(chunks);
    if (contentType) headers['content-type'] = contentType;
  }
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  let upstream: globalThis.Response;
  try {
    upstream = await fetch(target, { method: req.method, headers, ...(body ? { body } : {}), signal: abort.signal });
  } catch {
    throw new WriterBusyError(live);
  }
  res.status(upstream.status);
  for (const h of ['content-type', 'content-disposition', 'cache-control']) {
    const v = upstream.headers.get(h);
    if (v) res.setHeader(h, v);
  }
  res.setHeader('x-convene-writer', String(live.pid));
  if (!upstream.body) return void res.end();
  Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream<Uint8Array>).on('error', () => res.end()).pipe(res);
}
