import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { scratch } from '../../support/paths.js';

test('reads issued while a transaction appends neither fail nor see its rows half-written', async () => {
  const db = await Database.open(join(scratch(), 'concurrent.duckdb'));
  await db.run('CREATE TABLE t (id BIGINT, label VARCHAR)');
  const rows = Array.from({ length: 20_000 }, (_, i) => [i, `row ${i}`] as const);
  const writes = Array.from({ length: 8 }, (_, w) =>
    db.transaction(async () => {
      await db.run('CREATE TEMP TABLE IF NOT EXISTS stage (id BIGINT, label VARCHAR)');
      await db.run('DELETE FROM stage');
      await db.append('stage', ['BIGINT', 'VARCHAR'], rows.map(([i, l]) => [i + w * rows.length, l]));
      await db.run('INSERT INTO t SELECT * FROM stage');
    }),
  );
  const counts: number[] = [];
  const reads = Array.from({ length: 40 }, async () => {
    const [row] = await db.all('SELECT count(*) AS n FROM t');
    counts.push(Number(row!['n']));
  });
  await Promise.all([...writes, ...reads]);
  const [total] = await db.all('SELECT count(*) AS n, count(DISTINCT id) AS ids FROM t');
  assert.is(Number(total!['n']), 8 * rows.length);
  assert.is(Number(total!['ids']), 8 * rows.length);
  assert.ok(counts.every((n) => n % rows.length === 0), `a read saw a partial batch: ${counts.join(',')}`);
  db.close();
});

test('a stream stays open while other statements run on the database', async () => {
  const db = await Database.open(join(scratch(), 'stream.duckdb'));
  await db.run('CREATE TABLE t AS SELECT range AS id FROM range(50000)');
  let seen = 0;
  for await (const chunk of db.stream('SELECT id FROM t ORDER BY id')) {
    seen += chunk.rows.length;
    await db.run('CREATE TABLE IF NOT EXISTS other (x INTEGER)');
    await db.all('SELECT count(*) FROM t');
  }
  assert.is(seen, 50000);
  db.close();
});

test.run();
