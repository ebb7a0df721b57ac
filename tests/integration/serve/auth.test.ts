/** Who may reach the monitoring server: loopback by default, a token otherwise. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { request } from 'node:http';
import { checkBinding } from '../../../src/serve/server.js';
import { convene } from '../../support/cli.js';
import { getJson, replayedDatabase, serve } from './serve-support.js';

test('a non-loopback address without a token is refused at start, with exit 2 and the reason', () => {
  assert.throws(() => checkBinding('0.0.0.0', null), /refusing to listen on 0\.0\.0\.0 without a token/);
  assert.throws(() => checkBinding('192.0.2.1', null), /without a token/);
  checkBinding('127.0.0.1', null);
  checkBinding('::1', null);
  checkBinding('localhost', null);
  checkBinding('0.0.0.0', 'a-long-enough-token');
  assert.throws(() => checkBinding('0.0.0.0', 'short'), /at least 8 characters/);
  const r = convene(['serve', '--db', replayedDatabase(), '--host', '0.0.0.0', '--port', '0'], { env: { CONVENE_TOKEN: '' } });
  assert.is(r.status, 2);
  assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0 without a token/);
});

test('with a token every request needs Authorization: Bearer, and a browser gets a cookie from /?token=', async () => {
  const token = 'tok-0123456789abcdef';
  const s = await serve(replayedDatabase(), { token });
  try {
    for (const path of ['/api/status', '/metrics', '/', '/api/meetings']) {
      const r = await getJson(s.url + path);
      assert.is(r.status, 401, path);
      assert.match(String(r.body['error']), /missing or wrong token/);
    }
    assert.is((await getJson(`${s.url}/api/status`, { headers: { authorization: 'Bearer wrong-token-xyz' } })).status, 401);
    assert.is((await getJson(`${s.url}/api/status`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.is((await fetch(`${s.url}/metrics`, { headers: { authorization: `Bearer ${token}` } })).status, 200);
    const login = await fetch(`${s.url}/?token=${token}`, { redirect: 'manual' });
    assert.is(login.status, 303);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    assert.match(login.headers.get('set-cookie') ?? '', /HttpOnly; SameSite=Strict/);
    assert.is((await fetch(`${s.url}/api/status`, { headers: { cookie } })).status, 200);
    assert.is((await fetch(`${s.url}/?token=wrong-token-xyz`, { redirect: 'manual' })).status, 401);
  } finally {
    await s.close();
  }
});

test('without a token, requests addressed to another host name are refused (DNS rebinding)', async () => {
  const s = await serve(replayedDatabase());
  try {
    const port = new URL(s.url).port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/status', headers: { host: `attacker.example:${port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.is(status, 421);
    assert.is((await fetch(`http://localhost:${port}/api/status`)).status, 200);
  } finally {
    await s.close();
  }
});

test.run();
