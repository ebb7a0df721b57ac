import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadCheckpoints } from '../../../src/sinks/duckdb/checkpoints.js';
import { DuckdbSink } from '../../../src/sinks/duckdb/duckdb.sink.js';
import { sampleRecords } from '../../support/records.js';
import { scratch } from '../../support/paths.js';

const cp = (n: number, complete = false) => ({ scope: 'replay:x', source: 'slack', cursor: { source: 'slack-export', position: { file: n, entry: 0 } }, records: n, complete });

test('a checkpoint is committed with its batch and read back', async () => {
  const sink = new DuckdbSink(join(scratch(), 'cp.duckdb'), 'run-1');
  await sink.write(sampleRecords().batch, cp(3));
  // The merge and its checkpoint commit in the background; settled() waits for them.
  await sink.settled();
  const loaded = await loadCheckpoints(await sink.database(), 'replay:x');
  assert.equal(loaded.bySource.get('slack'), cp(3));
  assert.is(loaded.damaged, 0);
  await sink.close();
});

test('a damaged checkpoint is detected and the previous good one used', async () => {
  const sink = new DuckdbSink(join(scratch(), 'cp2.duckdb'), 'run-1');
  await sink.write([], cp(3));
  await sink.write([], cp(7));
  await sink.settled();
  const db = await sink.database();
  await db.run(`UPDATE checkpoints SET records = 9 WHERE seq = 2`);
  const loaded = await loadCheckpoints(db, 'replay:x');
  assert.equal(loaded.bySource.get('slack'), cp(3));
  assert.is(loaded.damaged, 1);
  await sink.close();
});

test('a failed batch commits neither its records nor its checkpoint', async () => {
  const sink = new DuckdbSink(join(scratch(), 'cp3.duckdb'), 'run-1');
  await sink.write([], cp(1));
  const bad = sampleRecords().batch.map((e) => (e.kind === 'channel' ? { ...e, payload: { ...(e.payload as object), name: null } } : e));
  let failed = false;
  try {
    await sink.write(bad, cp(5));
    // A failure in the background merge is reported by the next write or flush.
    await sink.flush();
  } catch {
    failed = true;
  }
  assert.ok(failed);
  const db = await sink.database();
  assert.equal((await loadCheckpoints(db, 'replay:x')).bySource.get('slack'), cp(1));
  assert.is(Number((await db.all('SELECT count(*) AS n FROM messages'))[0]!['n']), 0);
  await sink.close();
});

test.run();
