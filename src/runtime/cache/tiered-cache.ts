/**
 * A two-level cache: an in-memory LRU in front of keyv with @keyv/sqlite on disk, so what one
 * process learned (an API page, a resolved identity, a query's rows) serves the next one.
 *
 * Freshness: an entry is stored with a validator, whatever tells its source's state (an ETag,
 * a sync token, a cursor, a database version). A lookup that names a different validator finds
 * the entry stale: it is dropped from both levels and counted as `stale`, never served.
 *
 * Every lookup is counted in `convene_cache_requests_total` (cache, level, result) and the
 * ratio of hits to lookups per cache is kept in `convene_cache_hit_ratio`. A cache whose
 * entries are served after asking their origin whether they changed (an HTTP 304) counts
 * those as `revalidated`, apart from `hit` (served without asking): both are served.
 */
import Keyv from 'keyv';
import KeyvSqlite from '@keyv/sqlite';
import { cacheHitRatio, cacheRequests } from '../telemetry/metrics.js';
import { LruMap } from './lru.js';

export interface TieredCacheOptions {
  /** The cache's name in metrics and its namespace on disk. */
  name: string;
  /** Entries kept in memory (default 10,000). */
  maxEntries?: number;
  /** The SQLite file of the disk level; absent or null: memory only. */
  diskPath?: string | null;
  /** Entries older than this are not served (default: no age limit, freshness by validator only). */
  ttlMs?: number;
  clock?: () => number;
}

/** What is stored: the value, the validator it was fresh for, and when it was stored. */
interface Stored<V> {
  value: V;
  validator: string | null;
  storedAt: number;
}

export type CacheLevel = 'memory' | 'disk';

export type CacheResult = 'hit' | 'revalidated' | 'miss' | 'stale';

/** An entry found for its validator, whatever its age: the caller judges its freshness. */
export interface Found<V> {
  readonly value: V;
  readonly storedAt: number;
  readonly level: CacheLevel;
}

export type Lookup<V> = { hit: true; value: V; level: CacheLevel } | { hit: false; stale: boolean };

export interface CacheStats {
  lookups: number;
  /** Served: memory and disk hits, revalidated ones included. */
  hits: number;
  /** Served after the origin said the entry had not changed. */
  revalidated: number;
  memoryHits: number;
  diskHits: number;
  misses: number;
  stale: number;
  /** hits / lookups, 0 before the first lookup. */
  ratio: number;
}

export class TieredCache<V> {
  private readonly memory: LruMap<Stored<V>>;
  private readonly disk: Keyv<Stored<V>> | null;
  private readonly clock: () => number;
  private readonly counts = { lookups: 0, memoryHits: 0, diskHits: 0, revalidated: 0, misses: 0, stale: 0 };

  constructor(private readonly options: TieredCacheOptions) {
    this.memory = new LruMap(options.maxEntries ?? 10_000);
    this.clock = options.clock ?? Date.now;
    this.disk = options.diskPath ? new Keyv<Stored<V>>({ store: new KeyvSqlite({ uri: `sqlite://${options.diskPath}`, table: 'convene_cache', busyTimeout: 5000 }), namespace: options.name }) : null;
  }

  get name(): string {
    return this.options.name;
  }

  /**
   * The entry for `key` if it is fresh: stored for this `validator` (when one is given) and
   * younger than the TTL. Memory first, then disk (a disk hit is kept in memory too).
   */
  async get(key: string, validator?: string | null): Promise<Lookup<V>> {
    const found = await this.find(key, validator);
    if (found === null) {
      this.record(this.disk ? 'disk' : 'memory', 'miss');
      return { hit: false, stale: false };
    }
    if ('stale' in found) {
      this.record(found.stale, 'stale');
      return { hit: false, stale: true };
    }
    if (this.options.ttlMs !== undefined && this.clock() - found.storedAt > this.options.ttlMs) {
      this.record(found.level, 'stale');
      await this.delete(key);
      return { hit: false, stale: true };
    }
    this.record(found.level, 'hit');
    return { hit: true, value: found.value, level: found.level };
  }

  /**
   * The entry for `key` stored for `validator` (when one is given), whatever its age, without
   * counting a lookup: for a caller that decides freshness itself and then calls `record`.
   * An entry stored for another validator is dropped from both levels.
   */
  async peek(key: string, validator?: string | null): Promise<Found<V> | null> {
    const found = await this.find(key, validator);
    return found === null || 'stale' in found ? null : found;
  }

  /** Counts one lookup decided by the caller (after `peek`). */
  record(level: CacheLevel, result: CacheResult): void {
    this.counts.lookups++;
    if (result === 'hit') {
      if (level === 'memory') this.counts.memoryHits++;
      else this.counts.diskHits++;
    } else if (result === 'revalidated') this.counts.revalidated++;
    else if (result === 'miss') this.counts.misses++;
    else this.counts.stale++;
    cacheRequests.inc({ cache: this.options.name, level, result });
    cacheHitRatio.set({ cache: this.options.name }, this.stats().ratio);
  }

  private async find(key: string, validator: string | null | undefined): Promise<Found<V> | { stale: CacheLevel } | null> {
    const fromMemory = this.memory.get(key);
    if (fromMemory !== undefined) {
      if (validator === undefined || fromMemory.validator === validator) return { value: fromMemory.value, storedAt: fromMemory.storedAt, level: 'memory' };
      await this.delete(key);
      return { stale: 'memory' };
    }
    const fromDisk = this.disk ? await this.disk.get(key) : undefined;
    if (fromDisk !== undefined && fromDisk !== null) {
      if (validator === undefined || fromDisk.validator === validator) {
        this.memory.set(key, fromDisk);
        return { value: fromDisk.value, storedAt: fromDisk.storedAt, level: 'disk' };
      }
      await this.delete(key);
      return { stale: 'disk' };
    }
    return null;
  }

  async set(key: string, value: V, validator: string | null = null): Promise<void> {
    const stored: Stored<V> = { value, validator, storedAt: this.clock() };
    this.memory.set(key, stored);
    if (this.disk) await this.disk.set(key, stored);
  }

  async delete(key: string): Promise<void> {
    this.memory.delete(key);
    if (this.disk) await this.disk.delete(key);
  }

  /** The fresh entry, or what `load` gives (then stored for `validator`). */
  async getOrLoad(key: string, validator: string | null, load: () => Promise<V>): Promise<V> {
    const found = await this.get(key, validator);
    if (found.hit) return found.value;
    const value = await load();
    await this.set(key, value, validator);
    return value;
  }

  stats(): CacheStats {
    const hits = this.counts.memoryHits + this.counts.diskHits + this.counts.revalidated;
    return { ...this.counts, hits, ratio: this.counts.lookups === 0 ? 0 : hits / this.counts.lookups };
  }

  async close(): Promise<void> {
    this.memory.clear();
    await this.disk?.disconnect();
  }
}

/** A cache key from parts: the order of an object's keys does not matter. */
export function cacheKey(...parts: unknown[]): string {
  return JSON.stringify(parts, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
