/**
 * What a replay shows: bars with rate and ETA on a terminal (a pseudo-terminal from script(1)),
 * one line per step in a pipe, JSON objects with --log-format json, the summary alone with
 * --quiet; a memory ceiling that pauses intake, says so and still finishes; DuckDB's limits from the config.
 */
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convene } from '../support/cli.js';
import { cliPath, repoRoot, scratch } from '../support/paths.js';

const dir = scratch('convene-progress-');
const bundle = join(dir, 'bundle');
const db = join(dir, 'p.duckdb');

test('in a pipe: one line per step, no escape codes', () => {
  assert.is(convene(['generate', '--out', bundle, '--seed', '2', '--scale', '0.01']).status, 0);
  const r = convene(['replay', bundle, '--db', db]);
  assert.is(r.status, 0, r.stderr);
  assert.not.match(r.stdout, /\x1b\[/);
  const lines = r.stdout.trim().split('\n');
  assert.equal(lines.map((l) => l.split(/\s+/)[0]), ['people', 'directory', 'calendars', 'drive', 'slack', 'replay']);
});

test('on a terminal: a bar per stage with the size the last run read, the rate and an ETA', () => {
  const cmd = [process.execPath, cliPath, 'replay', bundle, '--db', db, '--full-refresh', '--batch-size', '64'].map((a) => `'${a}'`).join(' ');
  const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, COLUMNS: '120' } });
  assert.is(r.status, 0, r.stderr);
  const out = r.stdout;
  assert.match(out, /\x1b\[1A\x1b\[2K/, 'bars are redrawn in place');
  const slackSize = /slack\s+\[[#-]+\] [\d,]+\/([\d,]+) records/.exec(out);
  assert.ok(slackSize, 'no Slack bar with a known size');
  const lastRun = JSON.parse(convene(['query', "SELECT json_extract(counts, '$.stageRecords.slack') AS n FROM runs WHERE status = 'succeeded' ORDER BY started_at LIMIT 1", '--db', db, '--format', 'json']).stdout) as Array<{ n: string }>;
  assert.is(slackSize[1]!.replace(/,/g, ''), String(lastRun[0]!.n));
  assert.match(out, /records {2}[\d,]+\/s {2}ETA \d+/);
  assert.match(out, /replay \S+ succeeded/);
});

test('--log-format json: every line on stdout is one JSON object, stage ends with records and rate', () => {
  const r = convene(['--log-format', 'json', 'replay', bundle, '--db', db, '--full-refresh']);
  assert.is(r.status, 0, r.stderr);
  const objects = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  const ended = objects.filter((o) => o['msg'] === 'stage ended').map((o) => o['stage']);
  assert.equal(ended, ['people', 'directory', 'calendars', 'drive', 'slack']);
  assert.ok(objects.every((o) => typeof o['time'] === 'string' && o['level'] === 'info'));
  assert.match(String(objects.at(-1)!['msg']), /^replay \S+ succeeded/);
});

test('--quiet, before or after the command: only the summary line', () => {
  for (const args of [['--quiet', 'replay', bundle], ['replay', bundle, '--quiet']]) {
    const r = convene([...args, '--db', db, '--full-refresh']);
    assert.is(r.status, 0, r.stderr);
    assert.is(r.stdout.trim().split('\n').length, 1);
  }
});

test('a memory ceiling below what the replay needs pauses intake, logs it, and the replay still finishes with the same content', () => {
  const config = join(dir, 'ceiling.json');
  writeFileSync(config, JSON.stringify({ resources: { memoryCeilingMB: 16, memoryCheckMs: 10, maxPauseSeconds: 0.05 }, checkpoints: { everyRecords: 500, everySeconds: 60 }, duckdb: { memoryLimit: '300MB', threads: 1 } }));
  const capped = join(dir, 'capped.duckdb');
  const r = spawnSync(process.execPath, [cliPath, 'replay', bundle, '--db', capped, '--config', config, '--batch-size', '64', '--quiet'], { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, CONVENE_LOG_LEVEL: 'info' } });
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stderr, /WARN {2}\[memory-ceiling\] memory above the ceiling: intake paused .*ceilingMB=16/);
  // DuckDB's limits from the same config were applied to the replay's database.
  assert.match(r.stderr, /INFO {2}\[duckdb\] database settings .*memoryLimit="?286\.\d MiB"? threads=1/);
  const sums = (file: string): unknown => (JSON.parse(convene(['validate', '--db', file, '--json']).stdout) as { tables: unknown }).tables;
  assert.equal(sums(capped), sums(db));
});

test.run();
