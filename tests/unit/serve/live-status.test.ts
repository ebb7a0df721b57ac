import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LiveStatus, liveFilePath, quantile, type LiveFile } from '../../../src/runtime/telemetry/live-status.js';
import type { Database } from '../../../src/sinks/duckdb/database.js';
import { scratch } from '../../support/paths.js';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

test('a run in progress shows its stages, the rate over the last seconds, batch latency and an ETA from the last run', async () => {
  const c = clock();
  const live = new LiveStatus(c.now);
  const db = join(scratch(), 'x.duckdb');
  live.begin({ runId: 'r1', command: 'replay', mode: 'full', dbPath: db, expectedRecords: 10_000 }, null);
  const slack = live.stageStarted('slack');
  for (let s = 0; s < 4; s++) {
    c.advance(1000);
    slack.read += 500;
    live.batch('slack', { read: 500, stored: 520, problems: 1, seconds: 0.01 * (s + 1), pending: 0 });
  }
  const snap = live.snapshot()!;
  assert.is(snap.runId, 'r1');
  assert.is(snap.read, 2000);
  assert.is(snap.stored, 2080);
  assert.is(snap.problems, 4);
  assert.is(snap.ratePerSecond, 500);
  assert.is(snap.etaSeconds, 16, '8000 records left at 500/s');
  assert.is(snap.batchP95Ms, 38.5);
  assert.equal(snap.stages.map((s) => [s.name, s.state]), [['slack', 'running']]);
  live.stageEnded('slack', 'succeeded');
  assert.is(live.snapshot()!.stages[0]!.ratePerSecond, 0, 'an ended stage reads nothing more');
  await live.end('succeeded');
  assert.is(live.snapshot(), null);
});

test('the live file is written while a run is in progress, owner-only, and removed when it ends', async () => {
  const live = new LiveStatus();
  const db = join(scratch(), 'y.duckdb');
  live.begin({ runId: 'r2', command: 'run', mode: 'incremental', dbPath: db, expectedRecords: null }, null);
  live.serving({ url: 'http://127.0.0.1:1234', token: 'secret-token' });
  const path = liveFilePath(db);
  assert.ok(existsSync(path));
  assert.is(statSync(path).mode & 0o777, 0o600);
  const file = JSON.parse(readFileSync(path, 'utf8')) as LiveFile;
  assert.is(file.pid, process.pid);
  assert.is(file.url, 'http://127.0.0.1:1234');
  assert.is(file.run?.runId, 'r2');
  await live.end('succeeded');
  assert.not.ok(existsSync(path));
  live.serving(null);
});

test('the run waits for reads that borrowed its database before it closes it', async () => {
  const live = new LiveStatus();
  const db = join(scratch(), 'z.duckdb');
  const fake = {} as Database;
  assert.is(live.borrowDatabase(db), null, 'nothing to borrow without a run');
  live.begin({ runId: 'r3', command: 'run', mode: 'full', dbPath: db, expectedRecords: null }, fake);
  assert.is(live.borrowDatabase(join(db, '..', 'other.duckdb')), null, 'only the file the run writes');
  assert.is(live.borrowDatabase(db), fake);
  let ended = false;
  const ending = live.end('succeeded').then(() => (ended = true));
  await new Promise((r) => setTimeout(r, 20));
  assert.is(ended, false, 'still borrowed');
  assert.is(live.borrowDatabase(db), null, 'no new loans once the run ends');
  live.releaseDatabase();
  await ending;
  assert.is(ended, true);
});

test('quantiles interpolate between ranks', () => {
  assert.is(quantile([10, 20, 30, 40], 0.5), 25);
  assert.is(quantile([5], 0.95), 5);
});

test.run();
