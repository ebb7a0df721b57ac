/**
 * A run that went without a component says so where SQL can see it: runs.degraded_components
 * names what failed or ran degraded, and the degraded_meetings view holds the meetings that
 * run derived (Slack-only results, when the calendars are missing).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queryJson, replayedOrganization } from '../../support/bundle.js';
import { convene } from '../../support/cli.js';
import { scratch } from '../../support/paths.js';

test('a partial replay records its missing components, and its meetings are flagged', () => {
  const { bundle, db: cleanDb } = replayedOrganization();
  const notAFile = join(scratch(), 'people.csv');
  mkdirSync(notAFile);
  const db = join(scratch(), 'degraded.duckdb');
  assert.is(convene(['replay', bundle, '--people', notAFile, '--db', db]).status, 3);
  const [run] = queryJson(db, 'SELECT run_id, degraded_components FROM runs');
  const missing = JSON.parse(String(run!['degraded_components'])) as Array<{ name: string; status: string; reason: string }>;
  assert.equal(missing.map((c) => [c.name, c.status]), [['people', 'failed'], ['slack', 'degraded'], ['identities', 'degraded']]);
  assert.match(missing[1]!.reason, /ran without people/);
  const meetings = Number(queryJson(db, 'SELECT count(*) AS n FROM meetings')[0]!['n']);
  assert.ok(meetings > 0);
  assert.equal(queryJson(db, 'SELECT count(*) AS n FROM degraded_meetings')[0]!['n'], meetings);
  // A complete run flags nothing.
  assert.equal(queryJson(cleanDb, 'SELECT degraded_components FROM runs'), [{ degraded_components: null }]);
  assert.equal(queryJson(cleanDb, 'SELECT count(*) AS n FROM degraded_meetings')[0]!['n'], 0);
});

test.run();
