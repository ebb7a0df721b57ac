/** The API answer cache: lifetimes (adaptive to a channel's activity), ETag revalidation, invalidation, fresh mode. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { scratch } from '../../../support/paths.js';
import { activityLifetime, type AnswerRequest } from '../../../../src/core/api-answers.js';
import { ApiCache, cacheFileFor, CacheConfig, parseCacheDuration } from '../../../../src/runtime/cache/api-cache.js';

const MIN = 60_000;
const history = (validator = 'v1'): AnswerRequest => ({ api: 'slack', method: 'conversations.history', key: 'C1', validator, scope: 'C1' });

function cacheAt(clock: { now: number }, fresh = false): ApiCache {
  return new ApiCache({ maxAgeMs: 15 * MIN, activityFactor: 0.1, fresh, diskPath: null, clock: () => clock.now });
}

test('a channel is fresh for min(maxAge, factor × time since its newest message)', () => {
  assert.is(activityLifetime(0, 60 * MIN, 15 * MIN, 0.1), 6 * MIN);
  assert.is(activityLifetime(0, 24 * 60 * MIN, 15 * MIN, 0.1), 15 * MIN);
  assert.is(activityLifetime(null, 0, 15 * MIN, 0.1), 15 * MIN);
  assert.is(activityLifetime(10 * MIN, 0, 15 * MIN, 0.1), 0, 'a newest message in the future: always asked');
});

test('an answer is served within its lifetime and asked again after it', async () => {
  const clock = { now: 0 };
  const cache = cacheAt(clock);
  let asked = 0;
  const load = async (): Promise<string> => `answer ${++asked}`;
  assert.is(await cache.withLifetime(history(), load, () => 5 * MIN), 'answer 1');
  clock.now = 5 * MIN;
  assert.is(await cache.withLifetime(history(), load, () => 5 * MIN), 'answer 1');
  clock.now = 5 * MIN + 1;
  assert.is(await cache.withLifetime(history(), load, () => 5 * MIN), 'answer 2');
  const s = cache.stats();
  assert.equal([s.lookups, s.hits, s.revalidated, s.misses], [3, 1, 0, 2]);
  assert.equal(s.byMethod['slack:conversations.history'], { hits: 1, revalidated: 0, misses: 2 });
  await cache.close();
});

test('a maxAge lowered since an answer was stored applies at once', async () => {
  const clock = { now: 0 };
  const file = join(scratch('convene-api-cache-'), 'c.sqlite');
  const open = (maxAgeMs: number): ApiCache => new ApiCache({ maxAgeMs, activityFactor: 0.1, fresh: false, diskPath: file, clock: () => clock.now });
  const first = open(15 * MIN);
  await first.withLifetime(history(), async () => 'stored', () => 15 * MIN);
  await first.close();
  clock.now = MIN;
  const lowered = open(0);
  assert.is(await lowered.withLifetime(history(), async () => 'asked', () => 0), 'asked');
  await lowered.close();
});

test('a changed validator (the cursor moved) replaces the entry', async () => {
  const clock = { now: 0 };
  const cache = cacheAt(clock);
  await cache.withLifetime(history('cursor-1'), async () => 'old', () => 15 * MIN);
  assert.is(await cache.withLifetime(history('cursor-2'), async () => 'new', () => 15 * MIN), 'new');
  assert.is(await cache.withLifetime(history('cursor-2'), async () => 'never', () => 15 * MIN), 'new');
  assert.is(await cache.withLifetime(history('cursor-1'), async () => 'asked', () => 15 * MIN), 'asked', 'the old entry is gone');
  await cache.close();
});

test('an invalidation of the channel (a pushed event) makes its entry stale at once; other channels stay fresh', async () => {
  const clock = { now: 0 };
  const cache = cacheAt(clock);
  const other: AnswerRequest = { ...history(), key: 'C2', scope: 'C2' };
  await cache.withLifetime(history(), async () => 'before', () => 15 * MIN);
  await cache.withLifetime(other, async () => 'other', () => 15 * MIN);
  clock.now = 1000;
  await cache.invalidate('C1');
  clock.now = 2000;
  assert.is(await cache.withLifetime(history(), async () => 'after', () => 15 * MIN), 'after');
  assert.is(await cache.withLifetime(other, async () => 'asked', () => 15 * MIN), 'other');
  clock.now = 3000;
  assert.is(await cache.withLifetime(history(), async () => 'asked', () => 15 * MIN), 'after', 'stored after the invalidation: fresh again');
  await cache.close();
});

test('fresh mode asks every answer without a validator again, and stores what it got for the next run', async () => {
  const file = join(scratch('convene-api-cache-'), 'c.sqlite');
  const clock = { now: 0 };
  const open = (fresh: boolean): ApiCache => new ApiCache({ maxAgeMs: 15 * MIN, activityFactor: 0.1, fresh, diskPath: file, clock: () => clock.now });
  const warm = open(false);
  await warm.withLifetime(history(), async () => 'first', () => 15 * MIN);
  await warm.close();
  const fresh = open(true);
  assert.is(await fresh.withLifetime(history(), async () => 'asked', () => 15 * MIN), 'asked');
  assert.is(await fresh.withLifetime(history(), async () => 'asked again', () => 15 * MIN), 'asked again');
  assert.equal([fresh.stats().hits, fresh.stats().misses], [0, 2]);
  await fresh.close();
  const next = open(false);
  assert.is(await next.withLifetime(history(), async () => 'never', () => 15 * MIN), 'asked again');
  await next.close();
});

test('an ETag answer is revalidated: served from the cache on not modified, replaced on a new body', async () => {
  const cache = cacheAt({ now: 0 });
  const req: AnswerRequest = { api: 'calendar', method: 'events.list', key: 'cal-1', validator: 'sync-1' };
  const sent: Array<string | null> = [];
  let body = 'v1';
  const load = async (etag: string | null) => {
    sent.push(etag);
    return etag === `"${body}"` ? ({ notModified: true } as const) : ({ notModified: false, value: body, etag: `"${body}"` } as const);
  };
  assert.is(await cache.withEtag(req, load), 'v1');
  assert.is(await cache.withEtag(req, load), 'v1');
  body = 'v2';
  assert.is(await cache.withEtag(req, load), 'v2');
  assert.equal(sent, [null, '"v1"', '"v1"']);
  const s = cache.stats();
  assert.equal([s.lookups, s.hits, s.revalidated, s.misses, s.ratio], [3, 0, 1, 2, 1 / 3]);
  await cache.close();
});

test('the disk level carries answers and invalidations from one run (process) to the next', async () => {
  const file = join(scratch('convene-api-cache-'), 'c.sqlite');
  const clock = { now: 0 };
  const first = new ApiCache({ maxAgeMs: 15 * MIN, activityFactor: 0.1, fresh: false, diskPath: file, clock: () => clock.now });
  await first.withLifetime(history(), async () => 'stored', () => 15 * MIN);
  await first.withLifetime({ ...history(), key: 'C2', scope: 'C2' }, async () => 'two', () => 15 * MIN);
  await first.close();
  clock.now = MIN;
  const second = new ApiCache({ maxAgeMs: 15 * MIN, activityFactor: 0.1, fresh: false, diskPath: file, clock: () => clock.now });
  assert.is(await second.withLifetime(history(), async () => 'asked', () => 15 * MIN), 'stored');
  await second.invalidate('C2');
  await second.close();
  clock.now = 2 * MIN;
  const third = new ApiCache({ maxAgeMs: 15 * MIN, activityFactor: 0.1, fresh: false, diskPath: file, clock: () => clock.now });
  assert.is(await third.withLifetime({ ...history(), key: 'C2', scope: 'C2' }, async () => 'asked', () => 15 * MIN), 'asked');
  await third.close();
});

test('config: defaults a user would accept, durations, and the file beside the database', () => {
  const c = CacheConfig.parse({});
  assert.equal([c.enabled, c.maxAge, c.activityFactor, c.fresh, c.inWatch], [true, '15m', 0.1, false, false]);
  assert.is(parseCacheDuration('15m'), 15 * MIN);
  assert.is(parseCacheDuration('0s'), 0);
  assert.is(cacheFileFor(c, '/data/convene.duckdb'), '/data/convene.api-cache.sqlite');
  assert.is(cacheFileFor(c, ':memory:'), null);
  assert.is(cacheFileFor({ ...c, file: '/x/c.sqlite' }, '/data/convene.duckdb'), '/x/c.sqlite');
  assert.not.ok(CacheConfig.safeParse({ maxAge: '15 minutes' }).success);
});

test.run();
