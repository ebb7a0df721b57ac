/** C3: error handling that a person can act on. */
import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ERROR_CODES } from '../../src/core/errors.js';
import { queryJson } from '../support/bundle.js';
import { convene } from '../support/cli.js';
import { fixturesDir, scratch } from '../support/paths.js';

function brokenExport(): string {
  const dir = join(scratch(), 'export');
  cpSync(join(fixturesDir, 'slack', 'slack-export-viewer-testarchive', 'extracted'), dir, { recursive: true });
  const channel = join(dir, 'enrique');
  writeFileSync(join(channel, '2099-01-01.json'), '[{"type": "message", "ts": "4070908800.000100", "text": "half a file"');
  writeFileSync(join(channel, '2099-01-02.json'), JSON.stringify([{ type: 'message', text: 'no ts here' }, { type: 'message', ts: '4070995200.000100', user: 'U1', text: 'fine' }]));
  return dir;
}

test('C3.1 bad input is classified by stable codes and the rest of the run goes on', () => {
  const db = join(scratch(), 'c31.duckdb');
  const r = convene(['replay', '--slack', brokenExport(), '--db', db]);
  assert.is(r.status, 0, r.stderr);
  const problems = queryJson(db, 'SELECT code, file, entry FROM input_problems ORDER BY seq');
  const codes = problems.map((p) => String(p['code']));
  assert.ok(codes.includes('INPUT_MALFORMED_JSON'), codes.join());
  assert.ok(codes.includes('INPUT_MALFORMED_RECORD'), codes.join());
  for (const c of codes) assert.ok(c in ERROR_CODES, `unknown code ${c}`);
  // The readable message beside the bad one was kept.
  const [kept] = queryJson(db, "SELECT count(*) AS n FROM messages WHERE ts = '4070995200.000100'");
  assert.is(kept!['n'], 1);
});

test('C3.4 messages name the file and entry and say how to fix it', () => {
  const db = join(scratch(), 'c34.duckdb');
  const r = convene(['replay', '--slack', brokenExport(), '--db', db]);
  assert.match(r.stdout, /problem INPUT_MALFORMED_JSON: .*enrique\/2099-01-01\.json/);
  assert.match(r.stdout, /problem INPUT_MALFORMED_RECORD: .*enrique\/2099-01-02\.json#0/);
  assert.match(r.stdout, /re-export|fix/i);
  const missing = convene(['eval', '--truth', join(scratch(), 'none.json'), '--db', db]);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /none\.json: no truth file here \[INPUT_NOT_FOUND\] — /);
});

test.run();
