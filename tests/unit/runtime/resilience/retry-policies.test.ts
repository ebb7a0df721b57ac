import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConveneError, type ErrorCode } from '../../../../src/core/errors.js';
import { LimitedCallGate, type CallFailure } from '../../../../src/runtime/limits/call-gate.js';
import { BreakerSet } from '../../../../src/runtime/resilience/breakers.js';
import { BreakersConfig, ResilienceConfig, RetryConfig } from '../../../../src/runtime/resilience/config.js';

function virtualTime() {
  let now = 0;
  const slept: number[] = [];
  return { clock: () => now, sleep: async (ms: number) => void (slept.push(ms), (now += ms)), slept };
}

async function failing(gate: LimitedCallGate, api: string, errors: ConveneError[]): Promise<{ attempts: number; code: string }> {
  let attempts = 0;
  const code = await gate
    .call(api, 'm', async () => {
      throw errors[Math.min(attempts++, errors.length - 1)]!;
    })
    .then(
      () => 'ok',
      (e: unknown) => (e as ConveneError).code,
    );
  return { attempts, code };
}

test('auth, scope and bad-input errors are tried once, even when their class is mapped to a retrying policy', async () => {
  const t = virtualTime();
  const retry = RetryConfig.parse({ classes: { 'rate-limit': 'rate-limit', transient: 'transient', auth: 'transient', scope: 'transient', input: 'transient' } });
  const gate = new LimitedCallGate({ limits: { maxAttempts: 5 }, retry, clock: t.clock, sleep: t.sleep });
  for (const code of ['SLACK_AUTH', 'GOOGLE_AUTH', 'SLACK_MISSING_SCOPE', 'INPUT_MALFORMED_JSON'] as ErrorCode[]) {
    assert.equal(await failing(gate, 'slack', [new ConveneError(code, 'no')]), { attempts: 1, code });
  }
  assert.equal(t.slept, []);
});

test('each class is retried by its own named policy: attempts, back-off and jitter', async () => {
  const t = virtualTime();
  const retry = RetryConfig.parse({
    policies: { patient: { maxAttempts: 4, backoffMs: 100, maxBackoffMs: 250, jitter: 'none' }, brief: { maxAttempts: 2, backoffMs: 7, jitter: 'full' } },
    classes: { transient: 'patient', 'rate-limit': 'brief' },
  });
  const gate = new LimitedCallGate({ retry, clock: t.clock, sleep: t.sleep, random: () => 0.5 });
  assert.equal(await failing(gate, 'calendar', [new ConveneError('GOOGLE_UNAVAILABLE', '503')]), { attempts: 4, code: 'GOOGLE_UNAVAILABLE' });
  // No jitter: 100, 200, then capped at 250.
  assert.equal(t.slept, [100, 200, 250]);
  t.slept.length = 0;
  assert.equal(await failing(gate, 'calendar', [new ConveneError('GOOGLE_RATE_LIMITED', '429')]), { attempts: 2, code: 'GOOGLE_RATE_LIMITED' });
  // Full jitter over [0, 7): half of it with random() = 0.5.
  assert.equal(t.slept, [3.5]);
});

test('Retry-After is honoured when the policy says so, and ignored for back-off when it does not', async () => {
  const limited = (): ConveneError => Object.assign(new ConveneError('SLACK_RATE_LIMITED', 'slow down'), { retryAfterMs: 9_000 });
  const t1 = virtualTime();
  const honours = new LimitedCallGate({ limits: { maxAttempts: 2 }, clock: t1.clock, sleep: t1.sleep });
  await failing(honours, 'slack', [limited()]);
  assert.equal(t1.slept, [9_000]);
  const t2 = virtualTime();
  const retry = RetryConfig.parse({ policies: { 'rate-limit': { retryAfter: false, backoffMs: 100, jitter: 'none' } } });
  const ignores = new LimitedCallGate({ limits: { maxAttempts: 2 }, retry, clock: t2.clock, sleep: t2.sleep });
  await failing(ignores, 'slack', [limited()]);
  // The back-off, then the wait for a token of the bucket the 429 drained.
  assert.is(t2.slept[0], 100);
  assert.ok(!t2.slept.includes(9_000), t2.slept.join());
});

test('a class with no policy is not retried', async () => {
  const t = virtualTime();
  const gate = new LimitedCallGate({ retry: RetryConfig.parse({ classes: { 'rate-limit': 'rate-limit' } }), clock: t.clock, sleep: t.sleep });
  assert.equal(await failing(gate, 'drive', [new ConveneError('GOOGLE_UNAVAILABLE', '503')]), { attempts: 1, code: 'GOOGLE_UNAVAILABLE' });
});

test('retries stop as soon as the API\'s breaker opens: the call fails with BREAKER_OPEN, and every failed attempt is reported', async () => {
  const t = virtualTime();
  const failures: CallFailure[] = [];
  const breakers = new BreakerSet(BreakersConfig.parse({ consecutiveFailures: 3 }));
  const gate = new LimitedCallGate({ limits: { maxAttempts: 10 }, breakers, clock: t.clock, sleep: t.sleep, onFailure: (f) => failures.push(f) });
  const r = await failing(gate, 'slack', [new ConveneError('SLACK_UNAVAILABLE', '503')]);
  assert.equal(r, { attempts: 3, code: 'BREAKER_OPEN' });
  assert.equal(failures.map((f) => [f.error.code, f.attempt, f.final]), [['SLACK_UNAVAILABLE', 1, false], ['SLACK_UNAVAILABLE', 2, false], ['SLACK_UNAVAILABLE', 3, false], ['BREAKER_OPEN', 4, true]]);
  // Other APIs have breakers of their own.
  assert.is(breakers.get('google-calendar').state(), 'closed');
  assert.is(await gate.call('calendar', 'events.list', async () => 'events'), 'events');
});

test('a retry config naming a policy that does not exist is refused with its key path', () => {
  const r = ResilienceConfig.safeParse({ retry: { classes: { transient: 'gentle' } } });
  assert.is(r.success, false);
  assert.match(JSON.stringify(r.error?.issues), /classes.*transient|gentle/);
  assert.match(r.error!.issues[0]!.message, /"gentle", which is not in resilience\.retry\.policies/);
});

test.run();
