/** What the serve tests share: a replayed database (made once per process) and an in-process server. */
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger } from '../../../src/core/logger.js';
import { startServer, type RunningServer } from '../../../src/serve/server.js';
import { convene } from '../../support/cli.js';
import { scratch } from '../../support/paths.js';

let made: string | null = null;

/** A database replayed from a small generated organization (seed 3, scale 0.01: about 60 meetings). */
export function replayedDatabase(): string {
  if (made && existsSync(made)) return made;
  const dir = scratch('convene-serve-');
  const bundle = join(dir, 'bundle');
  const db = join(dir, 'base.duckdb');
  const g = convene(['generate', '--out', bundle, '--seed', '3', '--scale', '0.01']);
  if (g.status !== 0) throw new Error(g.stderr);
  const r = convene(['replay', bundle, '--db', db, '--quiet']);
  if (r.status !== 0) throw new Error(r.stderr + r.stdout);
  made = db;
  return db;
}

/** A copy of the replayed database that a test may change. */
export function databaseCopy(name: string): string {
  const src = replayedDatabase();
  const dst = join(scratch('convene-serve-copy-'), `${name}.duckdb`);
  copyFileSync(src, dst);
  return dst;
}

export function serve(dbPath: string, options: { token?: string; eventIntervalMs?: number } = {}): Promise<RunningServer> {
  return startServer({ dbPath, host: '127.0.0.1', port: 0, token: options.token ?? null, logger: silentLogger, ...(options.eventIntervalMs ? { eventIntervalMs: options.eventIntervalMs } : {}) });
}

export async function getJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { status: res.status, body, headers: res.headers };
}
