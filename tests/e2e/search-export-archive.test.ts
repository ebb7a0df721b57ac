import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convene } from '../support/cli.js';
import { scratch } from '../support/paths.js';
import { fixtureDatabase, PLANTED_SCRIPT } from '../integration/sinks/store-fixture.js';

let db: string;
let dir: string;

test.before(async () => {
  db = await fixtureDatabase('cli.duckdb');
  dir = scratch('convene-e2e-export-');
});

function json<T>(args: string[]): T {
  const r = convene(args);
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

test('meetings, messages, export and archive each have --help', () => {
  for (const args of [['meetings'], ['messages'], ['export'], ['archive'], ['archive', 'prune'], ['archive', 'restore']]) {
    const r = convene([...args, '--help']);
    assert.is(r.status, 0, args.join(' '));
    assert.match(r.stdout, /Usage: convene/);
  }
  assert.match(convene(['meetings', '--help']).stdout, /--min-cost <minutes>/);
});

test('convene meetings filters and prints json, csv or a table', () => {
  const all = json<Array<{ id: string; cost_minutes: number }>>(['meetings', '--db', db, '--format', 'json']);
  assert.equal(all.map((m) => m.id), ['ev1', 'slack:D1:h', 'slack:C1:a']);
  assert.equal(json<Array<{ id: string }>>(['meetings', '--db', db, '--format', 'json', '--person', 'bob@acme.test', '--min-cost', '5']).map((m) => m.id), ['ev1']);
  const csv = convene(['meetings', '--db', db, '--format', 'csv', '--team', 'Sales']);
  assert.equal(csv.stdout.trim().split('\n').slice(1).map((l) => l.split(',')[0]), ['slack:D1:h']);
  const table = convene(['meetings', '--db', db, '--search', 'roadmap', '--limit', '1']);
  assert.match(table.stdout, /Roadmap review/);
  assert.match(table.stdout, /\(1 row\)/);
});

test('convene messages searches message text', () => {
  const rows = json<Array<{ text: string; signal: string }>>(['messages', '--db', db, '--format', 'json', '--search', 'ROADMAP', '--kind', 'propose']);
  assert.equal(rows.map((r) => r.text), ['can we review the roadmap at 10?', PLANTED_SCRIPT]);
});

test('bad filters are usage errors naming the flag', () => {
  const kind = convene(['meetings', '--db', db, '--kind', 'propose']);
  assert.is(kind.status, 2);
  assert.match(kind.stderr, /--kind for meetings must be one of scheduled, huddle, adhoc/);
  const from = convene(['messages', '--db', db, '--from', 'last week']);
  assert.is(from.status, 2);
  assert.match(from.stderr, /--from must be a date/);
  assert.is(convene(['export', '--db', db, '--out', join(dir, 'x.csv')]).status, 2, 'no --format');
  assert.is(convene(['export', '--db', db, '--format', 'csv', '--out', join(dir, 'x.csv'), '--table', 'secrets']).status, 2);
  const missing = convene(['meetings', '--db', join(dir, 'none.duckdb')]);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, /no database here/);
});

test('convene export writes every format with the rows the database holds', () => {
  for (const format of ['parquet', 'csv', 'json', 'ndjson', 'xlsx', 'html']) {
    const out = join(dir, `messages.${format}`);
    const r = convene(['export', '--db', db, '--format', format, '--table', 'messages', '--out', out]);
    assert.is(r.status, 0, r.stderr);
    assert.ok(existsSync(out), out);
    assert.match(r.stdout, format === 'xlsx' || format === 'html' ? /: 3 meetings,/ : /: 5 messages rows,/);
  }
  const back = json<Array<{ n: number }>>(['query', `SELECT count(*) AS n FROM read_parquet('${join(dir, 'messages.parquet')}')`, '--db', db, '--format', 'json']);
  assert.is(back[0]!.n, 5);
  const filtered = join(dir, 'huddles.json');
  assert.is(convene(['export', '--db', db, '--format', 'json', '--kind', 'huddle', '--out', filtered]).status, 0);
  assert.equal((JSON.parse(readFileSync(filtered, 'utf8')) as Array<{ id: string }>).map((m) => m.id), ['slack:D1:h']);
});

test('convene archive create, list, restore and prune', () => {
  const root = join(dir, 'archive');
  const created = convene(['archive', 'create', '--db', db, '--dir', root, '--run', 'run-cli']);
  assert.is(created.status, 0, created.stderr);
  assert.match(created.stdout, /archived run run-cli/);
  const list = json<Array<{ runId: string; counts: Record<string, number> }>>(['archive', 'list', '--dir', root, '--json']);
  assert.equal(list.map((e) => [e.runId, e.counts['meetings']]), [['run-cli', 3]]);
  const restored = convene(['archive', 'restore', 'run-cli', '--dir', root, '--db', join(dir, 'restored.duckdb')]);
  assert.is(restored.status, 0, restored.stderr);
  assert.match(restored.stdout, /checksums match the manifest/);
  assert.is(convene(['archive', 'prune', '--dir', root]).status, 2, 'prune needs a rule');
  const pruned = convene(['archive', 'prune', '--dir', root, '--keep', '0']);
  assert.match(pruned.stdout, /removed run-cli/);
  assert.equal(json<unknown[]>(['archive', 'list', '--dir', root, '--json']), []);
});

test.run();
