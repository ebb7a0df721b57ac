/**
 * `checkpoints.everyRecords` through a real replay: a partial run keeps its checkpoints, and the
 * Slack stage wrote one per 500 source records (at batch boundaries) plus its final one.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queryJson, replayedOrganization } from '../../support/bundle.js';
import { convene } from '../../support/cli.js';
import { scratch } from '../../support/paths.js';

test('a replay commits a checkpoint every N source records, and one at the end of each stage', () => {
  const { bundle } = replayedOrganization();
  const dir = scratch();
  const notAFile = join(dir, 'people.csv');
  mkdirSync(notAFile);
  const config = join(dir, 'convene.config.json');
  writeFileSync(config, JSON.stringify({ checkpoints: { everyRecords: 500, everySeconds: 3600 } }));
  const db = join(dir, 'cp.duckdb');
  // The people stage fails, so the run ends partial and keeps its checkpoints.
  assert.is(convene(['replay', bundle, '--people', notAFile, '--db', db, '--config', config, '--batch-size', '64']).status, 3);
  const rows = queryJson(db, `SELECT records, complete FROM checkpoints WHERE source = 'slack' ORDER BY seq`) as Array<{ records: number; complete: boolean }>;
  const slackRecords = Number(queryJson(db, `SELECT json_extract(counts, '$.stageRecords.slack') AS n FROM runs`)[0]!['n']);
  const inFlight = rows.filter((r) => !r.complete);
  assert.equal(rows.at(-1), { records: slackRecords, complete: true });
  assert.ok(inFlight.length >= Math.floor(slackRecords / 564) && inFlight.length <= Math.floor(slackRecords / 500), `${inFlight.length} checkpoints for ${slackRecords} records`);
  const gaps = inFlight.map((r, i) => r.records - (i === 0 ? 0 : inFlight[i - 1]!.records));
  for (const gap of gaps) assert.ok(gap >= 500 && gap < 564, `a gap of ${gap} records`);
});

test.run();
