import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convene } from '../support/cli.js';
import { fixturesDir, scratch } from '../support/paths.js';

test('checkpoints list shows each source of an unfinished replay, and nothing once it succeeded', async () => {
  const db = join(scratch(), 'cp.duckdb');
  const slack = join(fixturesDir, 'slack', 'slack-export-viewer-testarchive', 'extracted');
  assert.is(convene(['replay', '--slack', slack, '--db', db, '--quiet']).status, 0);
  const after = JSON.parse(convene(['checkpoints', 'list', '--db', db, '--format', 'json']).stdout) as unknown[];
  assert.equal(after, []);
  // A damaged people.csv makes the run partial, so its checkpoints stay for the next attempt.
  const r = convene(['replay', '--slack', slack, '--people', scratch(), '--db', db, '--quiet']);
  assert.is(r.status, 3, r.stdout + r.stderr);
  const rows = JSON.parse(convene(['checkpoints', '--db', db, '--format', 'json']).stdout) as Array<{ source: string; complete: boolean; checksum: string }>;
  assert.equal(rows.map((x) => [x.source, x.complete, x.checksum]), [['slack', true, 'ok']]);
});

test.run();
