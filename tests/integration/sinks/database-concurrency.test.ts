import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { ConveneError, DatabaseError } from '../../../src/core/errors.js';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { duckdbOpenOptions } from '../../../src/runtime/runtime-settings.js';
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

test('a statement prepared once answers again with new parameters, and after its table is altered or recreated', async () => {
  const db = await Database.open(join(scratch(), 'prepared.duckdb'));
  await db.run('CREATE TABLE t (id BIGINT, label VARCHAR)');
  await db.run('INSERT INTO t VALUES (?, ?)', [1, 'one']);
  await db.run('INSERT INTO t VALUES (?, ?)', [2, null]);
  const q = 'SELECT * FROM t WHERE id >= ? ORDER BY id';
  assert.equal((await db.all(q, [1])).map((r) => r['label']), ['one', null]);
  assert.equal((await db.all(q, [2])).map((r) => r['label']), [null]);
  await db.run('ALTER TABLE t ADD COLUMN extra INTEGER');
  assert.equal(Object.keys((await db.all(q, [1]))[0]!), ['id', 'label', 'extra']);
  await db.run('DROP TABLE t');
  await db.run('CREATE TABLE t (id BIGINT, label VARCHAR)');
  await db.run('INSERT INTO t VALUES (?, ?)', [5, 'five']);
  assert.equal((await db.all(q, [0])).map((r) => r['label']), ['five']);
  db.close();
});

/** Another process that opens the file, says so on stdout, and keeps it for `holdMs`. */
async function holdElsewhere(path: string, holdMs: number): Promise<{ exited: Promise<unknown> }> {
  const code = `import('@duckdb/node-api').then(async ({ DuckDBInstance }) => {
    const i = await DuckDBInstance.create(${JSON.stringify(path)});
    process.stdout.write('held\\n');
    setTimeout(() => { i.closeSync(); process.exit(0); }, ${holdMs});
  })`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  await once(child.stdout!, 'data');
  return { exited };
}

test('settings given at open are the database\'s; an unknown one or a bad value fails the open as a config error naming it', async () => {
  const path = join(scratch(), 'settings.duckdb');
  const db = await Database.open(path, { memoryLimit: '64MB', settings: { preserve_insertion_order: false, allocator_flush_threshold: '8MB' } });
  const row = (await db.all("SELECT current_setting('preserve_insertion_order') AS keep_order, current_setting('memory_limit') AS memory"))[0]!;
  assert.is(row['keep_order'], false);
  assert.match(String(row['memory']), /^6[0-4]/);
  db.close();
  for (const [settings, named] of [
    [{ allocator_flush_threshhold: '8MB', preserve_insertion_order: false }, /^DuckDB refuses duckdb\.settings\.allocator_flush_threshhold \(.*not recognized.*\)$/],
    // DuckDB's own answer to a bad value names no setting.
    [{ preserve_insertion_order: false, allocator_flush_threshold: 'lots' }, /^DuckDB refuses duckdb\.settings\.allocator_flush_threshold \(.*\)$/],
  ] as const) {
    try {
      await Database.open(path, { settings });
      assert.unreachable('a bad setting was accepted');
    } catch (err) {
      assert.instance(err, ConveneError);
      assert.is((err as ConveneError).code, 'CONFIG_INVALID');
      assert.is((err as ConveneError).subject, 'duckdb.settings');
      assert.match((err as Error).message, named);
    }
  }
});

test("the options replay, run and watch open with carry convene's DuckDB settings: the checkpoint threshold is 64MB, not DuckDB's 16MB", async () => {
  const path = join(scratch(), 'defaults.duckdb');
  const db = await Database.open(path, duckdbOpenOptions({}));
  const row = (await db.all("SELECT current_setting('checkpoint_threshold') AS threshold"))[0]!;
  assert.match(String(row['threshold']), /^6[0-4]/);
  db.close();
  const plain = await Database.open(join(scratch(), 'plain.duckdb'));
  assert.match(String((await plain.all("SELECT current_setting('checkpoint_threshold') AS threshold"))[0]!['threshold']), /^1[56]/);
  plain.close();
});

test('opening a file another process holds briefly waits for it; held too long, DB_LOCKED names the file', async () => {
  const path = join(scratch(), 'held.duckdb');
  (await Database.open(path)).close();
  let held = await holdElsewhere(path, 400);
  const db = await Database.open(path, { lockWaitMs: 5000 });
  db.close();
  await held.exited;
  held = await holdElsewhere(path, 3000);
  const err = await Database.open(path, { lockWaitMs: 200 }).then(
    () => null,
    (e: unknown) => e,
  );
  assert.instance(err, DatabaseError);
  assert.is((err as DatabaseError).code, 'DB_LOCKED');
  assert.ok(String((err as DatabaseError).subject ?? (err as Error).message).includes('held.duckdb'));
  await held.exited;
});

test.run();
