import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convene } from '../support/cli.js';
import { fixturesDir, scratch } from '../support/paths.js';

test('replay --archive keeps each run under <dir>/<run-id>/ with a manifest of its checksums, pruned to --keep-archives', () => {
  const dir = scratch();
  const db = join(dir, 'a.duckdb');
  const archive = join(dir, 'archive');
  const slack = join(fixturesDir, 'slack', 'slack-export-viewer-testarchive', 'extracted');
  for (let i = 0; i < 3; i++) {
    const r = convene(['replay', '--slack', slack, '--db', db, '--quiet', '--archive', archive, '--keep-archives', '2']);
    assert.is(r.status, 0, r.stderr);
  }
  const runs = readdirSync(archive).sort();
  assert.is(runs.length, 2);
  const manifest = JSON.parse(readFileSync(join(archive, runs[1]!, 'manifest.json'), 'utf8')) as { runId: string; checksums: Record<string, string>; counts: Record<string, number> };
  assert.is(manifest.runId, runs[1]);
  const validate = JSON.parse(convene(['validate', '--db', db, '--json']).stdout) as { tables: Record<string, { rows: number; checksum: string }> };
  assert.is(manifest.checksums['messages'], validate.tables['messages']!.checksum);
  assert.is(manifest.counts['messages'], validate.tables['messages']!.rows);
  assert.ok(existsSync(join(archive, runs[1]!, 'messages.parquet')));
});

test.run();
