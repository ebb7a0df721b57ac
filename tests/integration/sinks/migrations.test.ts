import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConveneError } from '../../../src/core/errors.js';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { MIGRATIONS, migrate, type Migration } from '../../../src/sinks/duckdb/schema.js';
import { validateDatabase } from '../../../src/sinks/duckdb/validate.js';
import { DuckdbSink } from '../../../src/sinks/duckdb/duckdb.sink.js';
import { fixtureDatabase, fixtureRecords } from './store-fixture.js';

const V2: Migration = {
  version: MIGRATIONS[MIGRATIONS.length - 1]!.version + 1,
  summary: 'meetings: a free-text note',
  statements: ["ALTER TABLE meetings ADD COLUMN note VARCHAR DEFAULT 'none'"],
};

test('a newer convene migrates an older database on open and keeps its data', async () => {
  const path = await fixtureDatabase('v1.duckdb');
  const db = await Database.open(path);
  try {
    const before = await validateDatabase(db);
    assert.equal(await migrate(db, [...MIGRATIONS, V2]), [V2.version]);
    const versions = await db.all('SELECT version, summary FROM schema_version ORDER BY version');
    assert.equal(versions.map((r) => r['version']), [...MIGRATIONS.map((m) => m.version), V2.version]);
    const rows = await db.all('SELECT id, note FROM meetings ORDER BY id');
    assert.equal(rows, [{ id: 'ev1', note: 'none' }, { id: 'slack:C1:a', note: 'none' }, { id: 'slack:D1:h', note: 'none' }]);
    // The data read before is still there, unchanged: messages keep their checksum.
    const after = await validateDatabase(db);
    assert.equal(after.tables['messages'], before.tables['messages']);
    assert.equal(await migrate(db, [...MIGRATIONS, V2]), [], 'a second open applies nothing');
  } finally {
    db.close();
  }
});

test('an older convene refuses a database written by a newer one', async () => {
  const path = await fixtureDatabase('v2.duckdb');
  const db = await Database.open(path);
  try {
    await migrate(db, [...MIGRATIONS, V2]);
    const err = await migrate(db, MIGRATIONS).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof ConveneError);
    assert.is((err as ConveneError).code, 'DB_OPEN_FAILED');
    assert.match((err as ConveneError).message, new RegExp(`schema version ${V2.version}, newer than this convene knows`));
  } finally {
    db.close();
  }
});

test('a failing migration leaves the database at its old version', async () => {
  const path = await fixtureDatabase('broken.duckdb');
  const db = await Database.open(path);
  try {
    const bad: Migration = { version: V2.version, summary: 'broken', statements: ['ALTER TABLE meetings ADD COLUMN x VARCHAR', 'ALTER TABLE no_such_table ADD COLUMN y VARCHAR'] };
    const err = await migrate(db, [...MIGRATIONS, bad]).then(() => null, (e: unknown) => e);
    assert.ok(err instanceof ConveneError);
    const v = await db.all('SELECT max(version) AS v FROM schema_version');
    assert.is(v[0]!['v'], MIGRATIONS[MIGRATIONS.length - 1]!.version);
    const cols = await db.all("SELECT column_name FROM information_schema.columns WHERE table_name = 'meetings' AND column_name = 'x'");
    assert.equal(cols, []);
  } finally {
    db.close();
  }
});

test('a column the spec gained since the database was made is added on open, and new writes land in it', async () => {
  const path = await fixtureDatabase('older.duckdb');
  const older = await Database.open(path);
  // An older convene's table: without time_to_schedule_ms.
  await older.run('ALTER TABLE meeting_metrics DROP COLUMN time_to_schedule_ms');
  older.close();

  const sink = new DuckdbSink(path, 'run-newer');
  const db = await sink.database();
  const cols = await db.all("SELECT column_name FROM information_schema.columns WHERE table_name = 'meeting_metrics' AND column_name = 'time_to_schedule_ms'");
  assert.is(cols.length, 1);
  const metric = fixtureRecords().find((e) => e.kind === 'meeting_metrics' && e.key === 'ev1')!;
  await sink.write([metric]);
  await sink.flush();
  const rows = await db.all("SELECT meeting_id, time_to_schedule_ms, coordination_cost_minutes, origin, run_id FROM meeting_metrics ORDER BY meeting_id");
  assert.equal(rows[0], { meeting_id: 'ev1', time_to_schedule_ms: 600000n, coordination_cost_minutes: 12.5, origin: 'fixture', run_id: 'run-newer' });
  assert.is(rows[1]!['time_to_schedule_ms'], null, 'rows written before the column existed hold NULL');
  await sink.close();
});

test('a numbered migration may use a column the spec gained since the database was made', async () => {
  const path = await fixtureDatabase('view.duckdb');
  const db = await Database.open(path);
  try {
    await db.run('ALTER TABLE meeting_metrics DROP COLUMN lead_time_ms');
    const view: Migration = { version: V2.version, summary: 'a view', statements: ['CREATE VIEW followup_totals AS SELECT sum(lead_time_ms) AS n FROM meeting_metrics'] };
    assert.equal(await migrate(db, [...MIGRATIONS, view]), [V2.version]);
    assert.equal(await db.all('SELECT n FROM followup_totals'), [{ n: null }]);
  } finally {
    db.close();
  }
});

test.run();
