/** `convene run` against `convene emulate`'s APIs: a first run collects, a second fetches only what changed. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startEmulator, type Emulator } from '../../src/emulate/server.js';
import { convene, conveneAsync } from '../support/cli.js';
import { scratch } from '../support/paths.js';

const dir = scratch('convene-run-');
const bundle = join(dir, 'bundle');
const db = join(dir, 'run.duckdb');
const configFile = join(dir, 'convene.config.json');
let emulator: Emulator;

test.before(async () => {
  assert.is(convene(['generate', '--out', bundle, '--seed', '3', '--scale', '0.01']).status, 0);
  emulator = await startEmulator(bundle, { tierScale: 1000 });
  writeFileSync(configFile, JSON.stringify(emulator.config()));
});

test.after(async () => {
  await emulator.close();
});

test('a first run collects what a replay of the bundle reads and derives the same results: every table equal', async () => {
  const r = await conveneAsync(['run', '--config', configFile, '--db', db]);
  assert.is(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /slack-web\s+read \d+ person, \d+ channel, \d+ message/);
  const replayDb = join(dir, 'replay.duckdb');
  assert.is(convene(['replay', bundle, '--db', replayDb, '--quiet']).status, 0);
  const tables = (file: string): Record<string, { rows: number; checksum: string }> => (JSON.parse(convene(['validate', '--db', file, '--json']).stdout) as { tables: Record<string, { rows: number; checksum: string }> }).tables;
  const collected = tables(db);
  const replayed = tables(replayDb);
  assert.equal(Object.keys(collected), Object.keys(replayed));
  for (const table of Object.keys(replayed)) assert.equal(collected[table], replayed[table], table);
});

test('a second run fetches no message again and keeps the same content', async () => {
  const before = JSON.parse(convene(['validate', '--db', db, '--json']).stdout) as { tables: unknown };
  emulator.resetStats();
  const r = await conveneAsync(['run', '--config', configFile, '--db', db]);
  assert.is(r.status, 0, r.stderr + r.stdout);
  assert.not.match(r.stdout, /slack-web .*\d+ message/);
  assert.is(emulator.requests('conversations.replies'), 0);
  const after = JSON.parse(convene(['validate', '--db', db, '--json']).stdout) as { tables: unknown };
  assert.equal(after.tables, before.tables);
  const runs = JSON.parse(convene(['query', 'SELECT mode, status FROM runs ORDER BY started_at', '--db', db, '--format', 'json']).stdout) as unknown[];
  assert.equal(runs, [{ mode: 'incremental', status: 'succeeded' }, { mode: 'incremental', status: 'succeeded' }]);
});

test('run without sources in the configuration says how to add them', () => {
  const empty = join(dir, 'empty.json');
  writeFileSync(empty, '{}');
  const r = convene(['run', '--config', empty, '--db', join(dir, 'x.duckdb')]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /names no sources/);
});

test.run();
