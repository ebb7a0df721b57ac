import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convene } from '../support/cli.js';
import { countExportMessages } from '../support/export-count.js';
import { fixturesDir, scratch } from '../support/paths.js';

const slack = join(fixturesDir, 'slack');
const exportsUnderTest: Array<{ name: string; path: string; folder: string }> = [
  { name: 'houstondatavis-2016 (folder)', path: join(slack, 'houstondatavis-2016'), folder: join(slack, 'houstondatavis-2016') },
  { name: 'slack-export-viewer test archive (folder)', path: join(slack, 'slack-export-viewer-testarchive', 'extracted'), folder: join(slack, 'slack-export-viewer-testarchive', 'extracted') },
  { name: 'slack-export-viewer test archive (zip)', path: join(slack, 'slack-export-viewer-testarchive', 'testarchive.redacted.zip'), folder: join(slack, 'slack-export-viewer-testarchive', 'extracted') },
];

for (const ex of exportsUnderTest) {
  test(`replaying ${ex.name} stores every message of its files`, () => {
    const db = join(scratch(), 'fixture.duckdb');
    const r = convene(['replay', '--slack', ex.path, '--db', db, '--quiet']);
    assert.is(r.status, 0, r.stderr + r.stdout);
    const q = convene(['query', 'SELECT count(*) AS n FROM messages', '--db', db, '--format', 'json']);
    assert.is(q.status, 0, q.stderr);
    const rows = JSON.parse(q.stdout) as Array<{ n: number }>;
    assert.is(rows[0]!.n, countExportMessages(ex.folder));
    const v = convene(['validate', '--db', db, '--json']);
    assert.is(v.status, 0, v.stdout);
  });
}

test('replaying the same export twice leaves identical tables', () => {
  const db = join(scratch(), 'twice.duckdb');
  const path = join(slack, 'houstondatavis-2016');
  assert.is(convene(['replay', '--slack', path, '--db', db, '--quiet']).status, 0);
  const first = JSON.parse(convene(['validate', '--db', db, '--json']).stdout) as { tables: unknown; bookkeeping: { runs: { rows: number } } };
  assert.is(convene(['replay', '--slack', path, '--db', db, '--quiet']).status, 0);
  const second = JSON.parse(convene(['validate', '--db', db, '--json']).stdout) as { tables: unknown; bookkeeping: { runs: { rows: number } } };
  assert.equal(second.tables, first.tables);
  assert.is(second.bookkeeping.runs.rows, 2);
});

test('query --format json prints an array of row objects', () => {
  const db = join(scratch(), 'json.duckdb');
  assert.is(convene(['replay', '--slack', join(slack, 'slack-export-viewer-testarchive', 'extracted'), '--db', db, '--quiet']).status, 0);
  const q = convene(['query', "SELECT id, kind FROM channels ORDER BY id", '--db', db, '--format', 'json']);
  const rows = JSON.parse(q.stdout) as Array<Record<string, unknown>>;
  assert.ok(Array.isArray(rows) && rows.length >= 2);
  assert.equal(Object.keys(rows[0]!), ['id', 'kind']);
  const csv = convene(['query', 'SELECT id, kind FROM channels ORDER BY id', '--db', db, '--format', 'csv']);
  assert.is(csv.stdout.split('\n')[0], 'id,kind');
});

test.run();
