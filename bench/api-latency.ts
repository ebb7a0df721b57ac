/**
 * `node dist/bench/api-latency.js [--meetings N] [--requests N] [--dir DIR]`
 *
 * Latency of the monitoring API on a database of N meetings (default 100,000): a small
 * generated organization is replayed, then its meetings (and their metrics) are copied with new
 * ids and dates until there are N. Each endpoint is asked `--requests` times in a row (after
 * three warm-up requests) over loopback, and p50, p95 and the maximum are printed, for:
 *
 * - standalone `convene serve` (each request opens the file read-only), with the figures
 *   cache off so every /api/status reads the database;
 * - the server embedded in a writer (`run --serve`, `watch`), reading through the writer's
 *   connection while a run is in progress.
 *
 * Prints figures only; nothing is asserted (timings on a shared machine are noisy).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { silentLogger } from '../src/core/logger.js';
import { finishRun, startRun } from '../src/runtime/runs.js';
import { Database } from '../src/sinks/duckdb/database.js';
import { startServer } from '../src/serve/server.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = join(root, 'bin', 'convene.js');

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const meetings = Number(flag('--meetings', '100000'));
const requests = Number(flag('--requests', '60'));
const dir = resolve(flag('--dir', '/tmp/convene-bench-api'));

const ENDPOINTS = [
  '/api/status',
  '/api/health',
  '/api/runs',
  '/api/meetings?limit=50',
  '/api/meetings?search=sync&limit=50',
  '/api/meetings?from=2026-06-01&to=2026-06-07&limit=50',
  '/api/export?format=csv&table=meetings&from=2026-06-01&to=2026-06-07',
  '/api/export?format=json&table=meetings&kind=huddle',
  '/api/export?format=parquet&table=meetings',
  '/api/export?format=csv&table=meetings',
  '/api/export?format=ndjson&table=meetings',
];

async function makeDatabase(): Promise<string> {
  const db = join(dir, `api-${meetings}.duckdb`);
  if (existsSync(db)) return db;
  mkdirSync(dir, { recursive: true });
  const bundle = join(dir, 'bundle');
  if (!existsSync(bundle)) execFileSync(process.execPath, [cli, 'generate', '--out', bundle, '--seed', '1', '--scale', '0.02'], { stdio: 'ignore' });
  const partial = `${db}.partial`;
  rmSync(partial, { force: true });
  execFileSync(process.execPath, [cli, 'replay', bundle, '--db', partial, '--quiet'], { stdio: 'ignore' });
  const d = await Database.open(partial);
  const base = Number((await d.all('SELECT count(*) AS n FROM meetings'))[0]!['n']);
  const copies = Math.ceil(meetings / base) - 1;
  // Copies shifted by whole weeks, so date filters select a realistic slice.
  await d.run(`CREATE TEMP TABLE copies AS SELECT range AS i FROM range(1, ?)`, [copies + 1]);
  await d.run(`INSERT INTO meetings SELECT m.* REPLACE (m.id || '~' || c.i AS id, m.start_time + to_days(7 * (c.i % 52)) AS start_time, m.end_time + to_days(7 * (c.i % 52)) AS end_time) FROM meetings m, copies c`);
  await d.run(`INSERT INTO meeting_metrics SELECT x.* REPLACE (x.meeting_id || '~' || c.i AS meeting_id) FROM meeting_metrics x, copies c`);
  await d.run(`DELETE FROM meetings WHERE id IN (SELECT id FROM meetings ORDER BY id DESC LIMIT greatest(0, (SELECT count(*) FROM meetings) - ?))`, [meetings]);
  await d.run('CHECKPOINT');
  d.close();
  execFileSync('mv', [partial, db]);
  return db;
}

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

async function time(url: string): Promise<{ ms: number; status: number; bytes: number }> {
  const started = performance.now();
  const res = await fetch(url);
  const body = await res.arrayBuffer();
  return { ms: performance.now() - started, status: res.status, bytes: body.byteLength };
}

async function measureAll(label: string, base: string): Promise<void> {
  process.stdout.write(`\n${label}\n${'endpoint'.padEnd(70)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)} ${'bytes'.padStart(10)}\n`);
  for (const path of ENDPOINTS) {
    for (let i = 0; i < 3; i++) await time(base + path);
    const samples: number[] = [];
    let bytes = 0;
    for (let i = 0; i < requests; i++) {
      const r = await time(base + path);
      if (r.status !== 200) throw new Error(`${path} answered ${r.status}`);
      samples.push(r.ms);
      bytes = r.bytes;
    }
    samples.sort((a, b) => a - b);
    process.stdout.write(`${path.padEnd(70)} ${percentile(samples, 0.5).toFixed(1).padStart(8)} ${percentile(samples, 0.95).toFixed(1).padStart(8)} ${samples[samples.length - 1]!.toFixed(1).padStart(8)} ${String(bytes).padStart(10)}\n`);
  }
}

const db = await makeDatabase();
const check = await Database.open(db, { readOnly: true });
const n = Number((await check.all('SELECT count(*) AS n FROM meetings'))[0]!['n']);
check.close();
process.stdout.write(`database: ${db}, ${n} meetings; ${requests} requests per endpoint; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);

const standalone = await startServer({ dbPath: db, host: '127.0.0.1', port: 0, token: null, logger: silentLogger, figuresTtlMs: 0 });
await measureAll('standalone (convene serve: the file opened read-only per request, no cache)', standalone.url);
await standalone.close();

// A writer in this process: the server reads through the run's connection.
const writer = await Database.open(db);
await startRun(writer, 'bench-api-run', 'run', 'incremental', {}, new Date());
const embedded = await startServer({ dbPath: db, host: '127.0.0.1', port: 0, token: null, logger: silentLogger, figuresTtlMs: 0 });
await measureAll('embedded (run --serve, watch: through the writer\'s connection, a run in progress)', embedded.url);
await embedded.close();
await writer.run(`DELETE FROM runs WHERE run_id = 'bench-api-run'`);
await finishRun(writer, 'bench-api-run', 'succeeded', null, null, null, new Date());
writer.close();
