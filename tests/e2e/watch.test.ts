/**
 * `convene watch` against the emulator: new messages are collected within one interval, and
 * signed Events API pushes are taken (a bad signature is refused).
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { signSlackRequest } from '../../src/runtime/watch/slack-events.logic.js';
import { startEmulator, type Emulator } from '../../src/emulate/server.js';
import { convene } from '../support/cli.js';
import { cliPath, repoRoot, scratch } from '../support/paths.js';

const SECRET = 'watch-test-secret';
const dir = scratch('convene-watch-');
const bundle = join(dir, 'bundle');
const db = join(dir, 'watch.duckdb');
let emulator: Emulator;

function post(url: string, body: string, signature?: string): Promise<{ status: number; body: string }> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': timestamp, 'x-slack-signature': signature ?? signSlackRequest(SECRET, timestamp, body) },
    body,
  }).then(async (r) => ({ status: r.status, body: await r.text() }));
}

test.before(async () => {
  assert.is(convene(['generate', '--out', bundle, '--seed', '8', '--scale', '0.005']).status, 0);
  emulator = await startEmulator(bundle, { tierScale: 1000 });
  writeFileSync(join(dir, 'convene.config.json'), JSON.stringify({ ...emulator.config(), watch: { intervalSeconds: 1, port: 0, signingSecret: SECRET } }));
});

test.after(async () => {
  await emulator.close();
});

test('watch collects a new message within an interval and takes signed event pushes', async () => {
  const channel = emulator.store.channels.find((c) => c.kind === 'public')!.id;
  const child = spawn(process.execPath, [cliPath, 'watch', '--config', join(dir, 'convene.config.json'), '--db', db, '--ticks', '3'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const seen = (re: RegExp): Promise<RegExpMatchArray> =>
    new Promise((resolve) => {
      const check = (): void => {
        const m = re.exec(out);
        if (m) resolve(m);
        else setTimeout(check, 20);
      };
      check();
    });
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));

  const [, url] = await seen(/listening for Slack events at (\S+)/);
  const verification = await post(url!, JSON.stringify({ type: 'url_verification', challenge: 'c-123' }));
  assert.equal(JSON.parse(verification.body), { challenge: 'c-123' });
  const event = JSON.stringify({
    type: 'event_callback',
    event_id: 'Ev1',
    event: { type: 'message', channel, user: emulator.store.users[0]!['id'], ts: '1893456000.000100', text: 'can we meet tomorrow at 3pm to go over the roadmap?' },
  });
  assert.is((await post(url!, event)).status, 200);
  assert.is((await post(url!, event, 'v0=forged')).status, 401);

  await seen(/^tick 1:/m);
  emulator.store.postMessage(channel, { type: 'message', user: emulator.store.users[0]!['id'], ts: '1893456100.000200', text: 'polled while watching' });
  assert.is(await exited, 0, out);
  assert.match(out, /1 pushes refused so far/);

  const rows = JSON.parse(
    convene(['query', `SELECT ts, text FROM messages WHERE ts IN ('1893456000.000100', '1893456100.000200') ORDER BY ts`, '--db', db, '--format', 'json']).stdout,
  ) as Array<{ ts: string; text: string }>;
  assert.equal(rows.map((r) => r.ts), ['1893456000.000100', '1893456100.000200']);
  const signal = JSON.parse(convene(['query', `SELECT kind FROM signals WHERE ts = '1893456000.000100'`, '--db', db, '--format', 'json']).stdout) as unknown[];
  assert.equal(signal, [{ kind: 'propose' }]);
});

test.run();
