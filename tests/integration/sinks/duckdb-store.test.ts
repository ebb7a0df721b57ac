import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { envelope } from '../../../src/core/envelope.js';
import type { MessageLink } from '../../../src/core/records.js';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { DuckdbSink } from '../../../src/sinks/duckdb/duckdb.sink.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate } from '../../../src/sinks/duckdb/schema.js';
import { validateDatabase } from '../../../src/sinks/duckdb/validate.js';
import { sampleRecords } from '../../support/records.js';
import { scratch } from '../../support/paths.js';

test('checksums do not depend on write order, batch size or run id', async () => {
  const { batch } = sampleRecords();
  const a = new DuckdbSink(join(scratch(), 'a.duckdb'), 'run-a');
  await a.write(batch);
  await a.flush();
  const b = new DuckdbSink(join(scratch(), 'b.duckdb'), 'run-b');
  for (const e of [...batch].reverse()) await b.write([e]);
  await b.flush();
  const ra = await validateDatabase(await a.database());
  const rb = await validateDatabase(await b.database());
  assert.equal(ra.tables, rb.tables);
  assert.is(ra.tables['messages']!.rows, 2);
  assert.is.not(ra.tables['messages']!.checksum, ra.tables['signals']!.checksum);
  await a.close();
  await b.close();
});

test('a changed record changes its table checksum', async () => {
  const { batch, changedFirst } = sampleRecords();
  const sink = new DuckdbSink(join(scratch(), 'c.duckdb'), 'run-c');
  await sink.write(batch);
  await sink.flush();
  const before = (await validateDatabase(await sink.database())).tables['messages']!.checksum;
  await sink.write([changedFirst]);
  await sink.flush();
  const after = (await validateDatabase(await sink.database())).tables['messages']!.checksum;
  assert.is.not(after, before);
  await sink.close();
});

test('validate reports a link to a meeting that does not exist', async () => {
  const { batch } = sampleRecords();
  const sink = new DuckdbSink(join(scratch(), 'd.duckdb'), 'run-d');
  const link: MessageLink = { channelId: 'C1', ts: '1772636400.000200', meetingId: 'nope', kind: 'propose', confidence: 0.8, method: 'time', evidence: [] };
  await sink.write([...batch, envelope('message_link', 'C1:1772636400.000200', 0, 'test', link)]);
  await sink.flush();
  const report = await validateDatabase(await sink.database());
  const problem = report.problems.find((p) => p.check === 'referential' && p.table === 'message_links');
  assert.ok(problem, JSON.stringify(report.problems));
  assert.match(problem!.detail, /1 links name a meeting that does not exist/);
  await sink.close();
});

test('problem records land in input_problems with file, entry and reason', async () => {
  const sink = new DuckdbSink(join(scratch(), 'e.duckdb'), 'run-e');
  await sink.write([envelope('problem', 'p1', 0, 'x.json', { code: 'INPUT_MALFORMED_JSON', source: 'slack-export', file: 'general/2026-03-02.json', entry: null, message: 'not JSON' })]);
  await sink.flush();
  const rows = await (await sink.database()).all('SELECT run_id, file, code FROM input_problems');
  assert.equal(rows, [{ run_id: 'run-e', file: 'general/2026-03-02.json', code: 'INPUT_MALFORMED_JSON' }]);
  await sink.close();
});

const count = async (sink: DuckdbSink, table: string): Promise<number> => Number((await (await sink.database()).all(`SELECT count(*) AS n FROM ${table}`))[0]!['n']);

test('batches are staged until a checkpoint or flush, then merged together', async () => {
  const { batch } = sampleRecords();
  const messages = batch.filter((e) => e.kind === 'message');
  const sink = new DuckdbSink(join(scratch(), 'stage.duckdb'), 'run-s');
  await sink.write([messages[0]!]);
  await sink.write([messages[1]!]);
  assert.is(await count(sink, 'messages'), 0, 'staged rows are not in the table yet');
  await sink.write([], { scope: 'replay:s', source: 'slack', cursor: null, records: 2, complete: false });
  // The merge may still be committing in the background when the write resolves.
  await sink.settled();
  assert.is(await count(sink, 'messages'), 2, 'a write with a checkpoint merges what was staged before it');
  assert.is(await count(sink, 'checkpoints'), 1, 'with the checkpoint');
  await sink.close();
});

test('the sink merges on its own once mergeRows rows are staged', async () => {
  const { batch } = sampleRecords();
  const messages = batch.filter((e) => e.kind === 'message');
  const sink = new DuckdbSink(join(scratch(), 'merge-rows.duckdb'), 'run-m', 2);
  await sink.write([messages[0]!]);
  assert.is(await count(sink, 'messages'), 0);
  await sink.write([messages[1]!]);
  await sink.settled();
  assert.is(await count(sink, 'messages'), 2);
  await sink.close();
});

test('a merge drops the staging tables it emptied; the next write stages into new ones', async () => {
  const { batch } = sampleRecords();
  const messages = batch.filter((e) => e.kind === 'message');
  const sink = new DuckdbSink(join(scratch(), 'stage-drop.duckdb'), 'run-t', 2);
  const stagingTables = async (): Promise<string[]> =>
    (await (await sink.database()).all("SELECT table_name FROM duckdb_tables() WHERE temporary AND table_name LIKE 'stage_%' ORDER BY table_name")).map((r) => String(r['table_name']));
  await sink.write([messages[0]!]);
  await sink.settled();
  assert.equal(await stagingTables(), ['stage_messages'], 'staged, not merged yet');
  await sink.write([messages[1]!]);
  await sink.settled();
  assert.is(await count(sink, 'messages'), 2);
  // An emptied temporary table kept the memory of the rows it had held.
  assert.equal(await stagingTables(), [], 'merged: the staging table is dropped');
  // A record delivered again after the merge is staged in a new table and upserted.
  await sink.write([messages[0]!]);
  await sink.settled();
  assert.equal(await stagingTables(), ['stage_messages'], 'staged again in a new table');
  await sink.flush();
  assert.is(await count(sink, 'messages'), 2);
  assert.equal(await stagingTables(), []);
  await sink.close();
});

test('close drops what was staged and not flushed, as a crash would', async () => {
  const path = join(scratch(), 'drop.duckdb');
  const { batch } = sampleRecords();
  const sink = new DuckdbSink(path, 'run-d');
  await sink.write(batch.filter((e) => e.kind === 'message'));
  await sink.close();
  const again = new DuckdbSink(path, 'run-d2');
  assert.is(await count(again, 'messages'), 0);
  await again.close();
});

test('migrations run once and record the schema version', async () => {
  const path = join(scratch(), 'f.duckdb');
  const db = await Database.open(path);
  assert.equal(await migrate(db), MIGRATIONS.map((m) => m.version));
  assert.equal(await migrate(db), []);
  const rows = await db.all('SELECT max(version) AS v FROM schema_version');
  assert.is(Number(rows[0]!['v']), SCHEMA_VERSION);
  db.close();
});


test('a merge that fails in the background is reported by the next write or flush, without its checkpoint', async () => {
  const { batch } = sampleRecords();
  const messages = batch.filter((e) => e.kind === 'message');
  const sink = new DuckdbSink(join(scratch(), 'behind.duckdb'), 'run-b');
  // A null in the primary key passes the staging table and fails the merge into messages.
  const broken = { ...messages[0]!, payload: { ...(messages[0]!.payload as object), ts: null } };
  const checkpoint = { scope: 'replay:b', source: 'slack', cursor: { source: 'slack', position: 1 }, records: 1, complete: false };
  let failed: unknown = null;
  try {
    await sink.write([broken], checkpoint);
    await sink.flush();
  } catch (err) {
    failed = err;
  }
  assert.ok(failed instanceof Error, 'the failure reaches the caller');
  assert.is(await count(sink, 'checkpoints'), 0, 'the checkpoint is not committed without its rows');
  // The failure is reported once; what comes after it is written as usual.
  await sink.write([messages[1]!], { ...checkpoint, records: 2 });
  await sink.flush();
  assert.is(await count(sink, 'messages'), 1);
  assert.is(await count(sink, 'checkpoints'), 1);
  await sink.close();
});

test('rows taken while a merge commits are held and merged with the next one', async () => {
  const { batch } = sampleRecords();
  const messages = batch.filter((e) => e.kind === 'message');
  const sink = new DuckdbSink(join(scratch(), 'held.duckdb'), 'run-h');
  const checkpoint = { scope: 'replay:h', source: 'slack', cursor: { source: 'slack', position: 1 }, records: 1, complete: false };
  // No await between the writes: the second arrives while the first one's merge is under way.
  const first = sink.write([messages[0]!], checkpoint);
  const second = sink.write([messages[1]!]);
  await Promise.all([first, second]);
  await sink.settled();
  assert.is(await count(sink, 'messages'), 1, 'the second row waits for a later merge');
  await sink.flush();
  assert.is(await count(sink, 'messages'), 2);
  await sink.close();
});

test.run();
