/**
 * A two-level cache: an in-memory LRU in front of keyv with @keyv/sqlite on disk, so what one
 * process learned (an API page, a resolved identity, a query's rows) serves the next one.
 *
 * Freshness: an entry is stored with a validator, whatever tells its source's state (an ETag,
 * a sync token, a cursor, a database version). A lookup that names a different validator finds
 * the entry stale: it is dropped from both levels and counted as `stale`, never served.
 *
 * Every lookup is counted in `convene_cache_requests_total` (cache, level, result) and the
 * ratio of hits to lookups per cache is kept in `convene_cache_hit_ratio`.
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

export type Lookup<V> = { hit: true; value: V; level: CacheLevel } | { hit: false; stale: boolean };

export interface CacheStats {
  lookups: number;
  hits: number;
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
  private readonly counts = { lookups: 0, memoryHits: 0, diskHits: 0, misses: 0, stale: 0 };

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
    this.counts.lookups++;
    const fromMemory = this.memory.get(key);
    if (fromMemory !== undefined) {
      if (this.fresh(fromMemory, validator)) return this.hit(fromMemory.value, 'memory');
      return this.staleEntry(key, 'memory');
    }
    const fromDisk = this.disk ? await this.disk.get(key) : undefined;
    if (fromDisk !== undefined && fromDisk !== null) {
      if (this.fresh(fromDisk, validator)) {
        this.memory.set(key, fromDisk);
        return this.hit(fromDisk.value, 'disk');
      }
      return this.staleEntry(key, 'disk');
    }
    this.counts.misses++;
    this.count(this.disk ? 'disk' : 'memory', 'miss');
    return { hit: false, stale: false };
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
    const hits = this.counts.memoryHits + this.counts.diskHits;
    return { ...this.counts, hits, ratio: this.counts.lookups === 0 ? 0 : hits / this.counts.lookups };
  }

  async close(): Promise<void> {
    this.memory.clear();
    await this.disk?.disconnect();
  }

  private fresh(entry: Stored<V>, validator: string | null | undefined): boolean {
    if (validator !== undefined && entry.validator !== validator) return false;
    return this.options.ttlMs === undefined || this.clock() - entry.storedAt <= this.options.ttlMs;
  }

  private hit(value: V, level: CacheLevel): Lookup<V> {
    if (level === 'memory') this.counts.memoryHits++;
    else this.counts.diskHits++;
    this.count(level, 'hit');
    return { hit: true, value, level };
  }

  private async staleEntry(key: string, level: CacheLevel): Promise<Lookup<V>> {
    this.counts.stale++;
    this.count(level, 'stale');
    await this.delete(key);
    return { hit: false, stale: true };
  }

  private count(level: CacheLevel, result: 'hit' | 'miss' | 'stale'): void {
    cacheRequests.inc({ cache: this.options.name, level, result });
    cacheHitRatio.set({ cache: this.options.name }, this.stats().ratio);
  }
}

/** A cache key from parts: the order of an object's keys does not matter. */
export function cacheKey(...parts: unknown[]): string {
  return JSON.stringify(parts, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined).sort(([a], [b]) => (a < b ? -1 : 1))) : v,
  );
}
