/** One small generated organization per test process, replayed once, shared by the acceptance tests. */
import { join } from 'node:path';
import { convene } from './cli.js';
import { scratch } from './paths.js';

let cached: { dir: string; bundle: string; db: string; replayOutput: string } | undefined;

export function replayedOrganization(): { dir: string; bundle: string; db: string; replayOutput: string } {
  if (cached) return cached;
  const dir = scratch('convene-acceptance-');
  const bundle = join(dir, 'bundle');
  const db = join(dir, 'org.duckdb');
  const g = convene(['generate', '--out', bundle, '--seed', '5', '--scale', '0.02']);
  if (g.status !== 0) throw new Error(`generate failed: ${g.stderr}`);
  const r = convene(['replay', bundle, '--db', db]);
  if (r.status !== 0) throw new Error(`replay failed: ${r.stderr}${r.stdout}`);
  cached = { dir, bundle, db, replayOutput: r.stdout };
  return cached;
}

export function queryJson(db: string, sql: string): Array<Record<string, unknown>> {
  const r = convene(['query', sql, '--db', db, '--format', 'json']);
  if (r.status !== 0) throw new Error(`query failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as Array<Record<string, unknown>>;
}
