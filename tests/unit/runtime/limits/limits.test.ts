import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConveneError } from '../../../../src/core/errors.js';
import { LimitedCallGate, parseLimits } from '../../../../src/runtime/limits/call-gate.js';
import { estimatePlan } from '../../../../src/runtime/limits/plan.js';
import { methodLimit, minimumMillis } from '../../../../src/runtime/limits/tiers.js';
import { TokenBucket } from '../../../../src/runtime/limits/token-bucket.js';
import { drawFault, parseFaults, seededRandom } from '../../../../src/emulate/faults.js';

/** Virtual time: sleeping advances the clock at once. */
function virtualTime() {
  let now = 0;
  const slept: number[] = [];
  return {
    clock: () => now,
    sleep: async (ms: number) => {
      slept.push(ms);
      now += ms;
    },
    slept,
  };
}

function rateLimited(retryAfterMs: number): ConveneError {
  return Object.assign(new ConveneError('SLACK_RATE_LIMITED', 'slow down'), { retryAfterMs });
}

test('a Tier 3 bucket lets the burst through, then paces calls at 50 per minute', async () => {
  const t = virtualTime();
  const bucket = new TokenBucket(5, 50, t.clock);
  const waits: number[] = [];
  for (let i = 0; i < 8; i++) waits.push(await bucket.take(t.sleep));
  assert.equal(waits.slice(0, 5), [0, 0, 0, 0, 0]);
  assert.equal(waits.slice(5), [1200, 1200, 1200]);
});

test('the non-marketplace profile limits history and replies to 1 a minute and 15 per page', () => {
  assert.equal(methodLimit('slack', 'conversations.history', 'non-marketplace'), { tier: 'non-marketplace', perMinute: 1, burst: 1, pageLimit: 15 });
  assert.is(methodLimit('slack', 'conversations.replies', 'internal').perMinute, 50);
  assert.is(methodLimit('slack', 'users.list', 'non-marketplace').perMinute, 20);
});

test('the call gate waits for Retry-After (scaled by tierScale) and then succeeds', async () => {
  const t = virtualTime();
  const gate = new LimitedCallGate({ limits: { tierScale: 2 }, clock: t.clock, sleep: t.sleep });
  let attempts = 0;
  const result = await gate.call('slack', 'conversations.history', async () => {
    attempts++;
    if (attempts < 3) throw rateLimited(30_000);
    return 'page';
  });
  assert.is(result, 'page');
  assert.is(attempts, 3);
  assert.ok(t.slept.filter((ms) => ms === 15_000).length === 2, `slept ${t.slept.join(',')}`);
  const s = gate.stats()['slack:conversations.history']!;
  assert.equal({ calls: s.calls, attempts: s.attempts, rateLimited: s.rateLimited, failures: s.failures }, { calls: 1, attempts: 3, rateLimited: 2, failures: 0 });
});

test('the call gate does not retry a permanent error, and gives up on a transient one after maxAttempts', async () => {
  const t = virtualTime();
  const gate = new LimitedCallGate({ limits: { maxAttempts: 3, backoffMs: 100 }, clock: t.clock, sleep: t.sleep, random: () => 0.5 });
  let calls = 0;
  const auth = await gate.call('slack', 'auth.test', async () => {
    calls++;
    throw new ConveneError('SLACK_AUTH', 'invalid_auth');
  }).catch((e: unknown) => e);
  assert.is((auth as ConveneError).code, 'SLACK_AUTH');
  assert.is(calls, 1);
  calls = 0;
  const flaky = await gate.call('calendar', 'events.list', async () => {
    calls++;
    throw new ConveneError('GOOGLE_UNAVAILABLE', '503');
  }).catch((e: unknown) => e);
  assert.is((flaky as ConveneError).code, 'GOOGLE_UNAVAILABLE');
  assert.is(calls, 3);
  // Exponential back-off with jitter in the upper half: 75 then 150 ms.
  assert.equal(t.slept, [75, 150]);
});

test('limits config errors name the key', () => {
  const err = (() => {
    try {
      parseLimits({ profile: 'marketplace' });
      return null;
    } catch (e) {
      return e as ConveneError;
    }
  })();
  assert.is(err?.code, 'CONFIG_INVALID');
  assert.match(err!.message, 'limits.profile');
});

test('the plan counts pages per channel and thread and bounds the time by the slowest method', () => {
  const plan = estimatePlan({ slack: { users: 250, pageLimit: 100, channels: [{ topLevel: 250, threads: [3, 120] }, { topLevel: 0, threads: [] }] } }, { profile: 'internal', tierScale: 1 });
  const calls = Object.fromEntries(plan.methods.map((m) => [m.method, m.calls]));
  assert.equal(calls, { 'auth.test': 1, 'users.list': 3, 'conversations.list': 1, 'conversations.history': 4, 'conversations.replies': 3 });
  const restricted = estimatePlan({ slack: { users: 1, pageLimit: 100, channels: [{ topLevel: 150, threads: [] }] } }, { profile: 'non-marketplace', tierScale: 1 });
  const history = restricted.methods.find((m) => m.method === 'conversations.history')!;
  assert.is(history.calls, 10);
  // One call a minute after the first: nine minutes at least.
  assert.is(history.minimumMs, 9 * 60_000);
  assert.is(restricted.minimumMs, 9 * 60_000);
  assert.is(minimumMillis(10, methodLimit('slack', 'conversations.history', 'non-marketplace'), 60), 9 * 1000);
});

test('fault specs parse kind=probability and a seed repeats the same faults', () => {
  assert.equal(parseFaults('5xx=0.08, 429=0.05'), { '5xx': 0.08, '429': 0.05 });
  assert.throws(() => parseFaults('404=0.1'), (e: unknown) => e instanceof ConveneError && e.code === 'CONFIG_INVALID');
  assert.throws(() => parseFaults('5xx=2'));
  const spec = parseFaults('5xx=0.3,timeout=0.2');
  const draw = (seed: number) => {
    const r = seededRandom(seed);
    return Array.from({ length: 50 }, () => drawFault(spec, r));
  };
  assert.equal(draw(4), draw(4));
  assert.not.equal(draw(4), draw(5));
  const kinds = new Set(draw(4));
  assert.ok(kinds.has('5xx') && kinds.has('timeout') && kinds.has(null));
});

test.run();
