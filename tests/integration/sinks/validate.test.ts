import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { envelope } from '../../../src/core/envelope.js';
import type { IdentityMatch, MeetingMetrics } from '../../../src/core/records.js';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { DuckdbSink } from '../../../src/sinks/duckdb/duckdb.sink.js';
import { MIGRATIONS, migrate } from '../../../src/sinks/duckdb/schema.js';
import { validateDatabase } from '../../../src/sinks/duckdb/validate.js';
import { sqlString } from '../../../src/sinks/export/export.js';
import { scratch } from '../../support/paths.js';
import { fixtureDatabase, fixtureRecords } from './store-fixture.js';

test('the fixture database passes every check', async () => {
  const db = await Database.open(await fixtureDatabase(), { readOnly: true });
  try {
    const report = await validateDatabase(db);
    assert.equal(report.problems, []);
    assert.equal(Object.keys(report).sort(), ['bookkeeping', 'problems', 'tables']);
  } finally {
    db.close();
  }
});

test('validate finds a duplicated message in a database whose keys were not enforced', async () => {
  const source = await fixtureDatabase();
  // The same schema without primary keys, as a damaged or hand-made database might have.
  const unkeyed = MIGRATIONS.map((m) => ({ ...m, statements: m.statements.map((s) => s.replace(/, PRIMARY KEY \([^)]*\)\)$/, ')')) }));
  const db = await Database.open(join(scratch(), 'unkeyed.duckdb'));
  try {
    await migrate(db, unkeyed);
    await db.run(`ATTACH ${sqlString(source)} AS src (READ_ONLY)`);
    for (const t of ['people', 'identities', 'channels', 'messages', 'signals', 'meetings', 'message_links', 'meeting_metrics']) {
      await db.run(`INSERT INTO ${t} SELECT * FROM src.${t}`);
    }
    await db.run(`INSERT INTO messages SELECT * FROM src.messages WHERE text = 'lunch anyone'`);
    const report = await validateDatabase(db);
    assert.equal(report.problems, [{ check: 'duplicates', table: 'messages', detail: '1 keys (channel_id, ts) occur more than once' }]);
  } finally {
    db.close();
  }
});

test('validate finds values outside the contract and identities without a person', async () => {
  const sink = new DuckdbSink(join(scratch(), 'bad.duckdb'), 'run-bad');
  const bad: MeetingMetrics = {
    meetingId: 'ev1', messages: -1, schedulingMessages: 0, followups: 0, reschedules: 0, participants: 2, coordinators: 1, channels: 1,
    firstMessageAt: null, leadTimeMs: null, timeToScheduleMs: null, coordinationCostMinutes: 5,
  };
  const orphan: IdentityMatch = { key: 'slack:U404', personId: 'p-x', confidence: 1, reason: 'self' };
  await sink.write([...fixtureRecords(), envelope('meeting_metrics', 'ev1', 0, 'test', bad), envelope('identity', orphan.key, 0, 'test', orphan)]);
  await sink.flush();
  const report = await validateDatabase(await sink.database());
  await sink.close();
  assert.equal(report.problems, [
    { check: 'referential', table: 'identities', detail: '1 identities name a person record that does not exist' },
    { check: 'contract', table: 'meeting_metrics', detail: '1 metrics have negative or undefined figures' },
  ]);
});

test.run();
