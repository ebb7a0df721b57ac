/** A3: results aggregation, export and integrity. */
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Database } from '../../src/sinks/duckdb/database.js';
import { queryJson, replayedOrganization } from '../support/bundle.js';
import { convene } from '../support/cli.js';
import { scratch } from '../support/paths.js';

test('A3.1 one database holds every source and every derived result', () => {
  const { db } = replayedOrganization();
  for (const table of ['people', 'channels', 'messages', 'calendar_events', 'drive_files', 'signals', 'meetings', 'message_links', 'meeting_metrics', 'identities', 'runs']) {
    const [r] = queryJson(db, `SELECT count(*) AS n FROM ${table}`);
    assert.ok(Number(r!['n']) > 0, `${table} is empty`);
  }
});

test('A3.2 results come out as JSON, CSV and an HTML report', () => {
  const { db } = replayedOrganization();
  const json = convene(['query', 'SELECT id, title FROM meetings ORDER BY id LIMIT 3', '--db', db, '--format', 'json']);
  assert.is((JSON.parse(json.stdout) as unknown[]).length, 3);
  const csv = convene(['query', 'SELECT id, title FROM meetings ORDER BY id LIMIT 3', '--db', db, '--format', 'csv']);
  assert.is(csv.stdout.trim().split('\n').length, 4);
  const dir = scratch();
  const demo = convene(['demo', '--dir', dir, '--scale', '0.01']);
  assert.is(demo.status, 0, demo.stderr);
  const html = readFileSync(join(dir, 'report.html'), 'utf8');
  assert.match(html, /<svg role="img"/);
  assert.not.match(html, /<script src=|<link [^>]*href="http/);
});

test('A3.4 each run records its processing statistics', () => {
  const { db } = replayedOrganization();
  const [r] = queryJson(db, 'SELECT records_read, records_stored, records_skipped, counts, finished_at - started_at AS took FROM runs');
  assert.ok(Number(r!['records_read']) > 0);
  const counts = JSON.parse(String(r!['counts'])) as Record<string, number>;
  assert.ok(counts['message']! > 0 && counts['signal']! > 0);
});

test('A3.5 validation finds a broken link between phases', async () => {
  const { db } = replayedOrganization();
  const copy = join(scratch(), 'broken.duckdb');
  copyFileSync(db, copy);
  assert.is(convene(['validate', '--db', copy]).status, 0);
  // Break it the way a crash between phases would: meetings gone, their links left behind.
  const d = await Database.open(copy);
  await d.run("DELETE FROM meetings WHERE kind = 'scheduled'");
  d.close();
  const v = convene(['validate', '--db', copy, '--json']);
  assert.is(v.status, 1);
  const report = JSON.parse(v.stdout) as { problems: Array<{ check: string; table: string }> };
  assert.ok(report.problems.some((p) => p.check === 'referential' && p.table === 'message_links'));
});

test.run();
