/**
 * An operator forces a breaker open or closed with `convene breaker`, and the next `convene run`
 * does what the command said it would: no call at all to a forced-open API; every attempt to a
 * forced-closed one, however it fails; and, after `reset`, the breaker opens on its own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { parseFaults } from '../../src/emulate/faults.js';
import { startEmulator, type Emulator } from '../../src/emulate/server.js';
import { convene, conveneAsync } from '../support/cli.js';
import { scratch } from '../support/paths.js';

const dir = scratch('convene-breaker-');
const bundle = join(dir, 'bundle');
const db = join(dir, 'run.duckdb');
let healthy: Emulator;
let driveDown: Emulator;

const driveRequests = (e: Emulator): number => e.requests('drive:files.list') + e.requests('drive:changes.getStartPageToken');

function configFor(e: Emulator, name: string): string {
  const file = join(dir, `${name}.json`);
  const base = e.config();
  // Drive, the breaker under test, and people.csv, so that a failed Drive leaves the run partial.
  writeFileSync(file, JSON.stringify({ sources: { 'google-drive': base.sources['google-drive'], 'people-csv': base.sources['people-csv'] }, limits: { ...base.limits, maxAttempts: 3, backoffMs: 5, maxBackoffMs: 20 }, resilience: { breakers: { consecutiveFailures: 2, halfOpenAfterMs: 600_000 } } }));
  return file;
}

test.before(async () => {
  assert.is(convene(['generate', '--out', bundle, '--seed', '4', '--scale', '0.005']).status, 0);
  healthy = await startEmulator(bundle, { tierScale: 1000 });
  driveDown = await startEmulator(bundle, { tierScale: 1000, faults: parseFaults('drive:5xx=1') });
});

test.after(async () => {
  await healthy.close();
  await driveDown.close();
});

test('forced open: the command says the next run makes no call, and the next run makes none and ends partial, flagged', async () => {
  const open = convene(['breaker', 'open', 'google-drive', '--db', db]);
  assert.is(open.status, 0, open.stderr);
  assert.match(open.stdout, /next run, google-drive: forced open: every call fails at once with BREAKER_OPEN/);
  const r = await conveneAsync(['run', '--config', configFor(healthy, 'healthy'), '--db', db]);
  assert.is(r.status, 3, r.stderr + r.stdout);
  assert.is(driveRequests(healthy), 0);
  assert.match(r.stdout, /component google-drive failed: .*forced open .*\[BREAKER_OPEN\]/);
  assert.match(r.stdout, /fallback +google-drive failed \(BREAKER_OPEN\): Drive was not read/);
});

test('forced closed: the next run makes every attempt against a dead API and never opens the breaker', async () => {
  assert.is(convene(['breaker', 'close', 'google-drive', '--db', db]).status, 0);
  const r = await conveneAsync(['run', '--config', configFor(driveDown, 'down'), '--db', db]);
  assert.is(r.status, 3, r.stderr + r.stdout);
  assert.match(r.stdout, /component google-drive failed: .*\[GOOGLE_UNAVAILABLE\]/);
  assert.is(driveRequests(driveDown), 3, 'maxAttempts attempts, though two failures in a row would open it');
  const [b] = JSON.parse(convene(['breaker', 'list', '--db', db, '--format', 'json']).stdout).filter((x: { name: string }) => x.name === 'google-drive') as Array<{ state: string }>;
  assert.is(b!.state, 'forced-closed');
});

test('after reset the breaker is automatic again: it opens after two failures and stops the third attempt', async () => {
  const reset = convene(['breaker', 'reset', 'google-drive', '--db', db, '--config', configFor(driveDown, 'down')]);
  assert.match(reset.stdout, /next run, google-drive: closed: calls go through; it opens after 2 failed attempts in a row/);
  driveDown.resetStats();
  const r = await conveneAsync(['run', '--config', configFor(driveDown, 'down'), '--db', db]);
  assert.is(r.status, 3, r.stderr + r.stdout);
  assert.match(r.stdout, /component google-drive failed: .*circuit breaker is open after repeated failures .*\[BREAKER_OPEN\]/);
  assert.is(driveRequests(driveDown), 2);
  const list = convene(['breaker', 'list', '--db', db]);
  assert.match(list.stdout, /google-drive +open/);
  assert.match(list.stdout, /next run, google-drive: open: calls fail at once until/);
});

test('breaker commands refuse an unknown breaker and a missing name', () => {
  const unknown = convene(['breaker', 'open', 'jira', '--db', db]);
  assert.is(unknown.status, 1);
  assert.match(unknown.stderr, /there is no breaker "jira"; the breakers are slack, google-calendar, google-drive, google-directory/);
  assert.is(convene(['breaker', 'open', '--db', db]).status, 2);
});

test.run();
