/** A2.3 dependency ordering and component isolation: one failing part leaves the rest complete. */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queryJson, replayedOrganization } from '../support/bundle.js';
import { convene } from '../support/cli.js';
import { scratch } from '../support/paths.js';

test('A2.3 a component made to fail leaves the others complete and the run partial (exit 3)', () => {
  const { bundle, db: cleanDb } = replayedOrganization();
  const notAFile = join(scratch(), 'people.csv');
  mkdirSync(notAFile);
  const db = join(scratch(), 'partial.duckdb');
  const r = convene(['replay', bundle, '--people', notAFile, '--db', db]);
  assert.is(r.status, 3, r.stderr + r.stdout);
  assert.match(r.stdout, /component people failed: .*people\.csv/);
  assert.match(r.stdout, /component slack degraded: ran without people/);
  const [run] = queryJson(db, 'SELECT status, message FROM runs');
  assert.is(run!['status'], 'partial');
  const count = (file: string, table: string): number => Number(queryJson(file, `SELECT count(*) AS n FROM ${table}`)[0]!['n']);
  for (const table of ['messages', 'calendar_events', 'drive_files', 'channels']) assert.is(count(db, table), count(cleanDb, table), table);
  // The report says which results are incomplete.
  const report = join(scratch(), 'report.html');
  assert.is(convene(['export', '--format', 'html', '--out', report, '--db', db]).status, 0);
  assert.match(readFileSync(report, 'utf8'), /<p class="warning" role="alert">The last run \(\S+\) ended partial: people failed/);
});

test.run();
