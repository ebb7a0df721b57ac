import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConveneError } from '../../../../src/core/errors.js';
import type { Logger } from '../../../../src/core/logger.js';
import { ApiBreaker, BreakerSet, halfOpenDelay, type BreakerView } from '../../../../src/runtime/resilience/breakers.js';
import { BreakerSettings, BreakersConfig, breakerSettings } from '../../../../src/runtime/resilience/config.js';
import { breakerTransitions, metricsRegistry } from '../../../../src/runtime/telemetry/metrics.js';

const settings = (over: Partial<BreakerSettings> = {}): BreakerSettings => BreakerSettings.parse({ consecutiveFailures: 3, minVolume: 1000, halfOpenAfterMs: 40, maxHalfOpenAfterMs: 1000, ...over });

function recordingLogger(): Logger & { lines: Array<{ level: string; obj: object; msg: string | undefined }> } {
  const lines: Array<{ level: string; obj: object; msg: string | undefined }> = [];
  const log = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj, msg });
  const logger = { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

const unavailable = (): Promise<never> => Promise.reject(new ConveneError('SLACK_UNAVAILABLE', 'conversations.history answered HTTP 503'));
const ok = (): Promise<string> => Promise.resolve('page');
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function codeOf(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: unknown) => (e instanceof ConveneError ? e.code : String(e)),
  );
}

function breaker(over: Partial<BreakerSettings> = {}, forced: 'open' | 'closed' | null = null, snapshot: unknown = null, changes: BreakerView[] = [], logger: Logger = recordingLogger()): ApiBreaker {
  return new ApiBreaker('slack', settings(over), forced, snapshot, logger, (v) => changes.push(v));
}

test('a breaker opens after consecutiveFailures transient failures, then fails fast with BREAKER_OPEN without calling', async () => {
  const changes: BreakerView[] = [];
  const logger = recordingLogger();
  const b = breaker({}, null, null, changes, logger);
  for (let i = 0; i < 3; i++) assert.is(await codeOf(b.execute(unavailable)), 'SLACK_UNAVAILABLE');
  assert.is(b.state(), 'open');
  let called = 0;
  const err = await b.execute(async () => void called++).catch((e: unknown) => e as ConveneError);
  assert.is(called, 0);
  assert.is((err as ConveneError).code, 'BREAKER_OPEN');
  assert.match((err as ConveneError).message, /last: conversations\.history answered HTTP 503/);
  assert.equal(changes.map((c) => c.state), ['open']);
  const line = logger.lines.find((l) => l.msg === 'circuit breaker slack opened');
  assert.ok(line && line.level === 'warn', JSON.stringify(logger.lines));
});

test('auth, scope, bad-input and rate-limit errors do not count against the API', async () => {
  const b = breaker();
  for (const code of ['SLACK_AUTH', 'SLACK_MISSING_SCOPE', 'INPUT_MALFORMED_RECORD', 'SLACK_RATE_LIMITED', 'SLACK_AUTH'] as const) {
    assert.is(await codeOf(b.execute(() => Promise.reject(new ConveneError(code, 'no')))), code);
  }
  assert.is(b.state(), 'closed');
});

test('a success in between resets the consecutive count', async () => {
  const b = breaker();
  for (let i = 0; i < 5; i++) {
    await codeOf(b.execute(unavailable));
    await codeOf(b.execute(unavailable));
    assert.is(await codeOf(b.execute(ok)), 'ok');
  }
  assert.is(b.state(), 'closed');
});

test('the failure rate opens the breaker once the window holds minVolume calls, not before', async () => {
  const b = breaker({ consecutiveFailures: 100, failureRate: 0.5, minVolume: 8, samplingMs: 10_000 });
  // Alternating: 50 % failures, never more than one in a row.
  for (let i = 0; i < 3; i++) {
    await codeOf(b.execute(unavailable));
    await codeOf(b.execute(ok));
  }
  assert.is(b.state(), 'closed', 'six calls are under minVolume');
  for (let i = 0; i < 2 && b.state() === 'closed'; i++) {
    await codeOf(b.execute(unavailable));
    await codeOf(b.execute(ok));
  }
  assert.is(b.state(), 'open');
});

test('a slow success counts as a failure when slowCallMs is set, and still returns its result', async () => {
  const b = breaker({ consecutiveFailures: 2, slowCallMs: 5 });
  const slow = async (): Promise<string> => {
    await sleep(20);
    return 'late page';
  };
  assert.is(await b.execute(slow), 'late page');
  assert.is(b.state(), 'closed');
  assert.is(await b.execute(slow), 'late page');
  assert.is(b.state(), 'open');
  assert.match(b.view().lastFailure ?? '', /over slowCallMs 5/);
});

test('after halfOpenAfterMs one probe goes through: success closes the breaker, a failed probe doubles the wait', async () => {
  const changes: BreakerView[] = [];
  const b = breaker({ consecutiveFailures: 1 }, null, null, changes);
  await codeOf(b.execute(unavailable));
  const first = b.view();
  assert.is(first.state, 'open');
  assert.is(first.probeAt! - first.openedAt!, 40);
  assert.is(await codeOf(b.execute(ok)), 'BREAKER_OPEN');
  await sleep(50);
  // The probe fails: open again, for twice as long.
  assert.is(await codeOf(b.execute(unavailable)), 'SLACK_UNAVAILABLE');
  const second = b.view();
  assert.is(second.state, 'open');
  assert.is(second.openings, 2);
  assert.is(second.probeAt! - second.openedAt!, 80);
  await sleep(50);
  assert.is(await codeOf(b.execute(ok)), 'BREAKER_OPEN', 'still within the doubled wait');
  await sleep(40);
  assert.is(await b.execute(ok), 'page');
  assert.is(b.state(), 'closed');
  assert.equal(changes.map((c) => c.state), ['open', 'half-open', 'open', 'half-open', 'closed']);
});

test('half-open waits double up to maxHalfOpenAfterMs', () => {
  const s = { halfOpenAfterMs: 30_000, maxHalfOpenAfterMs: 100_000 };
  assert.equal([1, 2, 3, 4, 5].map((n) => halfOpenDelay(s, n)), [30_000, 60_000, 100_000, 100_000, 100_000]);
});

test('forced open fails every call without making it; forced closed lets failures through and never opens', async () => {
  const open = breaker({}, 'open');
  assert.is(open.state(), 'forced-open');
  let called = 0;
  const err = await open.execute(async () => void called++).catch((e: unknown) => e as ConveneError);
  assert.is(called, 0);
  assert.match((err as ConveneError).message, /forced open \(convene breaker open\)/);
  const closed = breaker({}, 'closed');
  for (let i = 0; i < 10; i++) assert.is(await codeOf(closed.execute(unavailable)), 'SLACK_UNAVAILABLE');
  assert.is(closed.state(), 'forced-closed');
});

test('a breaker restored from its stored snapshot is still open, and closed again once its probe succeeds', async () => {
  const b = breaker({ consecutiveFailures: 1, halfOpenAfterMs: 30 });
  await codeOf(b.execute(unavailable));
  const stored = JSON.parse(JSON.stringify(b.view().snapshot)) as unknown;
  const next = breaker({ consecutiveFailures: 1, halfOpenAfterMs: 30 }, null, stored);
  assert.is(next.state(), 'open');
  assert.is(await codeOf(next.execute(ok)), 'BREAKER_OPEN');
  await sleep(40);
  assert.is(await next.execute(ok), 'page');
  assert.is(next.state(), 'closed');
});

test('every state change is counted in convene_breaker_transitions_total and shown in convene_breaker_state', async () => {
  const before = (await breakerTransitions.get()).values.find((v) => v.labels['breaker'] === 'google-drive' && v.labels['state'] === 'open')?.value ?? 0;
  const set = new BreakerSet(BreakersConfig.parse({ consecutiveFailures: 1 }));
  const drive = set.forApi('drive')!;
  assert.is(drive.name, 'google-drive');
  await codeOf(drive.execute(() => Promise.reject(new ConveneError('GOOGLE_UNAVAILABLE', '503'))));
  const after = (await breakerTransitions.get()).values.find((v) => v.labels['breaker'] === 'google-drive' && v.labels['state'] === 'open')?.value ?? 0;
  assert.is(after - before, 1);
  const gauge = await metricsRegistry.getSingleMetric('convene_breaker_state')!.get();
  assert.is(gauge.values.find((v) => v.labels['breaker'] === 'google-drive')?.value, 2);
  assert.is(set.forApi('unknown-api'), null);
});

test('per-breaker overrides take precedence over the shared settings', () => {
  const config = BreakersConfig.parse({ consecutiveFailures: 7, apis: { slack: { consecutiveFailures: 2 } } });
  assert.is(breakerSettings(config, 'slack').consecutiveFailures, 2);
  assert.is(breakerSettings(config, 'google-calendar').consecutiveFailures, 7);
  assert.is(breakerSettings(config, 'slack').failureRate, 0.5);
});

test.run();
