import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Message } from '../../../../src/core/records.js';
import { eventToEnvelopes, signSlackRequest, verifySlackSignature } from '../../../../src/runtime/watch/slack-events.logic.js';

const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const body = 'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&command=%2Fweather';

test('accepts the signature Slack computes: v0= HMAC-SHA256 of v0:timestamp:body', () => {
  const sig = signSlackRequest(secret, '1531420618', body);
  assert.match(sig, /^v0=[0-9a-f]{64}$/);
  assert.equal(verifySlackSignature(secret, '1531420618', body, sig, 1531420618 + 60), { ok: true });
});

test('refuses a changed body, a wrong secret, a missing header and a request over five minutes old', () => {
  const sig = signSlackRequest(secret, '1531420618', body);
  assert.is(verifySlackSignature(secret, '1531420618', body + 'x', sig, 1531420618).ok, false);
  assert.is(verifySlackSignature('other', '1531420618', body, sig, 1531420618).ok, false);
  assert.is(verifySlackSignature(secret, undefined, body, sig, 1531420618).ok, false);
  const old = verifySlackSignature(secret, '1531420618', body, sig, 1531420618 + 301);
  assert.equal(old, { ok: false, reason: 'the request is more than five minutes old' });
});

test('a message event, a changed one and a deleted one become message records', () => {
  const at = (event: Record<string, unknown>): Message => eventToEnvelopes({ type: 'event_callback', event_id: 'Ev', event: { type: 'message', channel: 'C1', ...event } })[0]!.payload as Message;
  assert.is(at({ user: 'U1', ts: '1700000000.000100', text: 'sync at 3?' }).text, 'sync at 3?');
  const changed = at({ subtype: 'message_changed', message: { type: 'message', user: 'U1', ts: '1700000000.000100', text: 'sync at 4?' }, previous_message: { text: 'sync at 3?' } });
  assert.equal([changed.ts, changed.text], ['1700000000.000100', 'sync at 4?']);
  const deleted = at({ subtype: 'message_deleted', deleted_ts: '1700000000.000100', previous_message: { type: 'message', user: 'U1', ts: '1700000000.000100', text: 'sync at 4?' } });
  assert.equal([deleted.ts, deleted.subtype, deleted.text], ['1700000000.000100', 'tombstone', 'This message was deleted.']);
  assert.equal(eventToEnvelopes({ type: 'event_callback', event: { type: 'reaction_added' } }), []);
});

test.run();
