/** Repeated queries are answered from the cache until a new run changes the database. */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { QueryCache } from '../../../../src/runtime/cache/query-cache.js';
import { finishRun, startRun } from '../../../../src/runtime/runs.js';
import { Database } from '../../../../src/sinks/duckdb/database.js';
import { migrate } from '../../../../src/sinks/duckdb/schema.js';
import { scratch } from '../../../support/paths.js';

const dir = scratch('convene-query-cache-');
const totals = { read: 1, stored: 1, skipped: 0, problems: 0, counts: {} };
const validation = { ok: true, problems: [], tables: {} };

async function run(db: Database, id: string, at: string): Promise<void> {
  await startRun(db, id, 'replay', 'full', {}, new Date(at));
  await db.run(`CREATE TABLE IF NOT EXISTS t (n BIGINT, seen TIMESTAMPTZ)`);
  await db.run(`INSERT INTO t VALUES (?, ?::TIMESTAMPTZ)`, [BigInt(id.length), at]);
  await finishRun(db, id, 'succeeded', totals, validation as never, null, new Date(at));
}

test('the same query twice: the second is a hit with equal rows (bigint and timestamps intact); a new run invalidates', async () => {
  const db = await Database.open(join(dir, 'q.duckdb'));
  await migrate(db);
  await run(db, 'r1', '2026-01-01T00:00:00Z');
  const diskPath = join(dir, 'cache.sqlite');
  const cache = new QueryCache({ diskPath });
  const sql = 'SELECT n, seen FROM t ORDER BY n';
  const first = await cache.all(db, sql);
  const second = await cache.all(db, sql);
  assert.equal(second, first);
  assert.is(typeof second[0]!['n'], 'bigint');
  assert.ok(second[0]!['seen'] instanceof Date);
  assert.equal(cache.stats().hits, 1);

  // Another process (a new cache on the same file) hits on disk.
  const other = new QueryCache({ diskPath });
  assert.equal(await other.all(db, sql), first);
  assert.equal(other.stats().diskHits, 1);

  await run(db, 'r22', '2026-01-02T00:00:00Z');
  const after = await cache.all(db, sql);
  assert.is(after.length, 2, 'a run since: the query ran again');
  assert.is(cache.stats().stale, 1);
  await cache.close();
  await other.close();
  db.close();
});

test('while a run is writing, nothing is cached', async () => {
  const db = await Database.open(join(dir, 'w.duckdb'));
  await migrate(db);
  await startRun(db, 'open', 'replay', 'full', {}, new Date('2026-01-01T00:00:00Z'));
  const cache = new QueryCache();
  assert.is(await cache.version(db), null);
  await cache.all(db, 'SELECT 1 AS one');
  await cache.all(db, 'SELECT 1 AS one');
  assert.is(cache.stats().lookups, 0);
  db.close();
});

test.run();
