import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convene } from '../../support/cli.js';
import { cliPath, scratch } from '../../support/paths.js';
import { smallBundle } from './live-support.js';
import { BundleStore } from '../../../src/emulate/bundle-store.js';

async function waitFor(file: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (existsSync(file)) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

test('convene emulate writes a config once it listens, and convene plan reads it and counts through the emulator', async () => {
  const dir = scratch('convene-emulate-');
  const configFile = join(dir, 'convene.json');
  const child = spawn(process.execPath, [cliPath, 'emulate', '--bundle', smallBundle(), '--write-config', configFile, '--tier-scale', '60'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  try {
    assert.ok(await waitFor(configFile, 15_000), 'the config file was written');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as { sources: Record<string, Record<string, unknown>>; limits: Record<string, unknown> };
    // The APIs, plus the parts of the bundle with no API form (people.csv, ICS calendars), read as files.
    assert.equal(Object.keys(config.sources).sort(), ['calendar-files', 'google-calendar', 'google-directory', 'google-drive', 'people-csv', 'slack-web']);
    assert.match(String(config.sources['slack-web']!['apiUrl']), /^http:\/\/127\.0\.0\.1:\d+\/api\/$/);
    assert.equal(config.limits, { profile: 'internal', tierScale: 60 });
    const plan = convene(['plan', '--config', configFile, '--json', '--messages-per-channel', '30']);
    assert.is(plan.status, 0, plan.stderr);
    const parsed = JSON.parse(plan.stdout) as { volumes: { slack: { users: number; channels: unknown[] } }; methods: Array<{ method: string; calls: number }>; totalCalls: number };
    const store = await BundleStore.load(smallBundle());
    assert.is(parsed.volumes.slack.channels.length, store.channels.length);
    assert.is(parsed.volumes.slack.users, store.users.length);
    // 30 assumed messages per channel fit in one page of 200.
    assert.is(parsed.methods.find((m) => m.method === 'conversations.history')?.calls, store.channels.length);
    assert.match(stdout, 'listening on http://127.0.0.1:');
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
  }
});

test('convene emulate refuses a non-loopback host, bad fault specs and unknown flags', () => {
  const host = convene(['emulate', '--bundle', smallBundle(), '--host', '0.0.0.0']);
  assert.is(host.status, 1);
  assert.match(host.stderr, 'loopback');
  const faults = convene(['emulate', '--bundle', smallBundle(), '--faults', '404=0.5']);
  assert.is(faults.status, 1);
  assert.match(faults.stderr, '--faults');
  assert.is(convene(['emulate', '--bundle', smallBundle(), '--nope']).status, 2);
  assert.is(convene(['plan', '--nope']).status, 2);
  const missing = convene(['plan', '--config', join(scratch(), 'none.json')]);
  assert.is(missing.status, 1);
  assert.match(missing.stderr, 'INPUT_NOT_FOUND');
});

test.run();
