/** The tiered cache: an LRU in memory, SQLite on disk, freshness by validator, hit ratio as a metric. */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LruMap } from '../../../../src/runtime/cache/lru.js';
import { cacheKey, TieredCache } from '../../../../src/runtime/cache/tiered-cache.js';
import { metricsRegistry } from '../../../../src/runtime/telemetry/metrics.js';
import { scratch } from '../../../support/paths.js';

async function metricValue(name: string, labels: Record<string, string>): Promise<number | undefined> {
  const metric = (await metricsRegistry.getMetricsAsJSON()).find((m) => m.name === name);
  const value = metric?.values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
  return value?.value;
}

test('the LRU evicts the least recently used entry, and a read makes an entry recent', () => {
  const lru = new LruMap<number>(2);
  lru.set('a', 1);
  lru.set('b', 2);
  assert.is(lru.get('a'), 1);
  lru.set('c', 3);
  assert.is(lru.get('b'), undefined);
  assert.is(lru.get('a'), 1);
  assert.is(lru.get('c'), 3);
  assert.is(lru.size, 2);
});

test('a second lookup is a memory hit; a changed validator finds the entry stale and drops it', async () => {
  const cache = new TieredCache<string>({ name: 'test-memory' });
  assert.equal(await cache.get('k', 'etag-1'), { hit: false, stale: false });
  await cache.set('k', 'page one', 'etag-1');
  assert.equal(await cache.get('k', 'etag-1'), { hit: true, value: 'page one', level: 'memory' });
  assert.equal(await cache.get('k', 'etag-2'), { hit: false, stale: true });
  // Dropped: not served again even for the old validator.
  assert.equal(await cache.get('k', 'etag-1'), { hit: false, stale: false });
  assert.equal(cache.stats(), { lookups: 4, memoryHits: 1, diskHits: 0, misses: 2, stale: 1, hits: 1, revalidated: 0, ratio: 0.25 });
  assert.is(await metricValue('convene_cache_requests_total', { cache: 'test-memory', level: 'memory', result: 'stale' }), 1);
  assert.is(await metricValue('convene_cache_hit_ratio', { cache: 'test-memory' }), 0.25);
});

test('what one process stored on disk serves the next one, and lands in its memory level', async () => {
  const diskPath = join(scratch('convene-cache-'), 'cache.sqlite');
  const first = new TieredCache<{ rows: number[] }>({ name: 'test-disk', diskPath });
  await first.set('users.list', { rows: [1, 2, 3] }, 'cursor-9');
  await first.close();
  const second = new TieredCache<{ rows: number[] }>({ name: 'test-disk', diskPath });
  assert.equal(await second.get('users.list', 'cursor-9'), { hit: true, value: { rows: [1, 2, 3] }, level: 'disk' });
  assert.equal(await second.get('users.list', 'cursor-9'), { hit: true, value: { rows: [1, 2, 3] }, level: 'memory' });
  assert.equal(await second.get('users.list', 'cursor-10'), { hit: false, stale: true });
  await second.close();
  const third = new TieredCache<{ rows: number[] }>({ name: 'test-disk', diskPath });
  assert.equal(await third.get('users.list', 'cursor-9'), { hit: false, stale: false }, 'the stale entry was deleted on disk too');
  await third.close();
});

test('an entry older than the TTL is not served', async () => {
  let now = 1_000;
  const cache = new TieredCache<number>({ name: 'test-ttl', ttlMs: 500, clock: () => now });
  await cache.set('k', 7);
  now = 1_400;
  assert.equal(await cache.get('k'), { hit: true, value: 7, level: 'memory' });
  now = 1_600;
  assert.equal(await cache.get('k'), { hit: false, stale: true });
});

test('getOrLoad loads once per validator', async () => {
  const cache = new TieredCache<number>({ name: 'test-load' });
  let loads = 0;
  const load = async (): Promise<number> => ++loads;
  assert.is(await cache.getOrLoad('k', 'v1', load), 1);
  assert.is(await cache.getOrLoad('k', 'v1', load), 1);
  assert.is(await cache.getOrLoad('k', 'v2', load), 2);
  assert.is(loads, 2);
});

test('cache keys ignore the order of object keys and undefined values', () => {
  assert.is(cacheKey('history', { channel: 'C1', cursor: undefined, limit: 200 }), cacheKey('history', { limit: 200, channel: 'C1' }));
  assert.is.not(cacheKey('history', { channel: 'C1' }), cacheKey('history', { channel: 'C2' }));
});

test.run();
