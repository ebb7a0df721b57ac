/**
 * `convene rollback RUN_ID` puts the database back as it was before the run: checksums equal
 * those taken before it, for a run killed half-way and for a finished one (with --force).
 */
import { spawn } from 'node:child_process';
import { cpSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convene } from '../../support/cli.js';
import { cliPath, repoRoot, scratch } from '../../support/paths.js';

const dir = scratch('convene-rollback-');
const first = join(dir, 'first');
const second = join(dir, 'second');

function checksums(db: string): Record<string, unknown> {
  const r = convene(['validate', '--db', db, '--json']);
  return (JSON.parse(r.stdout) as { tables: Record<string, unknown> }).tables;
}

function query<T>(db: string, sql: string): T[] {
  const r = convene(['query', sql, '--db', db, '--format', 'json']);
  assert.is(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as T[];
}

/** Every file under `root`, recursively. */
function files(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const p = join(root, name);
    return statSync(p).isDirectory() ? files(p) : [p];
  });
}

/** The same organization with other titles and reworded messages: the second replay replaces rows, not only adds. */
function changedCopy(from: string, to: string): void {
  cpSync(from, to, { recursive: true });
  const people = join(to, 'people.csv');
  writeFileSync(people, readFileSync(people, 'utf8').replace(/,Engineer,/g, ',Senior Engineer,').replace(/Manager/g, 'Lead'));
  for (const f of files(join(to, 'slack')).filter((p) => /\d{4}-\d\d-\d\d\.json$/.test(p))) {
    writeFileSync(f, readFileSync(f, 'utf8').replace(/"text": "([^"]*?)\bthe\b/g, '"text": "$1THE'));
  }
}

/** Starts a replay of the second version and kills it with SIGKILL while it reads the Slack export. */
function replayKilledInSlack(db: string): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, 'replay', second, '--db', db, '--batch-size', '64'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] });
    let timer: NodeJS.Timeout | undefined;
    child.stdout.on('data', (chunk: Buffer) => {
      if (/^drive\s+read/m.test(chunk.toString())) timer ??= setTimeout(() => child.kill('SIGKILL'), 400);
    });
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

test('setup: two versions of one organization', () => {
  assert.is(convene(['generate', '--out', first, '--seed', '5', '--scale', '0.01']).status, 0);
  changedCopy(first, second);
});

test('rolling back a finished run needs --force, then restores the rows it replaced and deletes those it added', () => {
  const db = join(dir, 'finished.duckdb');
  assert.is(convene(['replay', first, '--db', db, '--quiet']).status, 0);
  const before = checksums(db);
  const [firstRun] = query<{ run_id: string }>(db, 'SELECT run_id FROM runs');
  assert.is(convene(['replay', second, '--db', db, '--quiet']).status, 0);
  const [run] = query<{ run_id: string }>(db, 'SELECT run_id FROM runs ORDER BY started_at DESC LIMIT 1');
  assert.not.equal(checksums(db), before, 'the second replay changed nothing: the test would prove nothing');
  const replaced = query<{ n: number }>(db, `SELECT count(*) AS n FROM history_messages WHERE replaced_by = '${run!.run_id}'`)[0]!.n;
  assert.ok(Number(replaced) > 0, 'no replaced messages were kept');

  const refused = convene(['rollback', run!.run_id, '--db', db]);
  assert.is(refused.status, 2);
  assert.match(refused.stderr, /succeeded; roll it back anyway with --force/);

  const done = convene(['rollback', run!.run_id, '--db', db, '--force']);
  assert.is(done.status, 0, done.stderr);
  assert.match(done.stdout, /messages\s+\d+ rows deleted, \d+ restored/);
  assert.equal(checksums(db), before);
  // The restored rows are the first run's again, provenance included.
  assert.equal(query<{ run_id: string }>(db, 'SELECT DISTINCT run_id FROM messages'), [{ run_id: firstRun!.run_id }]);
  assert.equal(query<{ status: string }>(db, `SELECT status FROM runs WHERE run_id = '${run!.run_id}'`), [{ status: 'rolled_back' }]);
  assert.is(convene(['rollback', run!.run_id, '--db', db, '--force']).status, 2, 'a second rollback of the same run is refused');
});

test('rolling back a run killed half-way restores the checksums, removes its checkpoints, and the next replay redoes its work', async () => {
  const db = join(dir, 'killed.duckdb');
  assert.is(convene(['replay', first, '--db', db, '--quiet']).status, 0);
  const before = checksums(db);
  assert.ok(await replayKilledInSlack(db), 'the replay finished before it could be killed');
  const [run] = query<{ run_id: string; status: string }>(db, 'SELECT run_id, status FROM runs ORDER BY started_at DESC LIMIT 1');
  assert.is(run!.status, 'running');
  const done = convene(['rollback', run!.run_id, '--db', db]);
  assert.is(done.status, 0, done.stderr);
  assert.equal(checksums(db), before);
  assert.equal(query<{ n: number }>(db, `SELECT count(*) AS n FROM checkpoints WHERE run_id = '${run!.run_id}'`), [{ n: 0 }]);

  // The next replay of the same inputs starts afresh and ends as an uninterrupted one.
  const again = convene(['replay', second, '--db', db, '--batch-size', '64']);
  assert.is(again.status, 0, again.stderr);
  assert.not.match(again.stdout, /resuming run/);
  const clean = join(dir, 'clean.duckdb');
  assert.is(convene(['replay', first, '--db', clean, '--quiet']).status, 0);
  assert.is(convene(['replay', second, '--db', clean, '--quiet']).status, 0);
  assert.equal(checksums(db), checksums(clean));
});

test('an unknown run is refused', () => {
  const db = join(dir, 'finished.duckdb');
  const r = convene(['rollback', 'no-such-run', '--db', db]);
  assert.is(r.status, 2);
  assert.match(r.stderr, /no run no-such-run/);
});

test.run();
