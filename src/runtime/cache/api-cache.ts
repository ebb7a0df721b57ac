/**
 * The API answer cache of a `convene run`: the tiered cache (LRU in memory, keyv/sqlite on
 * disk beside the database) holding API answers with their validators and lifetimes, so that
 * a repeated run with no upstream change asks the APIs only what they can revalidate cheaply.
 * See core/api-answers.ts for the freshness rules; `cache` in the configuration for the settings.
 */
import { z } from 'zod';
import type { AnswerRequest, ApiAnswers, Conditional } from '../../core/api-answers.js';
import { cacheKey, TieredCache, type CacheLevel, type CacheResult } from './tiered-cache.js';

const DURATION = /^\d+(\.\d+)?\s*(ms|s|m|h|d)$/;

export const CacheConfig = z.object({
  enabled: z.boolean().default(true).describe('Cache API answers between runs (Slack, Google) so that a repeated `convene run` asks only what changed.'),
  file: z.string().min(1).optional().describe('The SQLite file of the cache\'s disk level; absent: beside the database (`<db>.api-cache.sqlite`; memory only for `:memory:`).'),
  maxAge: z.string().regex(DURATION, 'a duration such as 15m').default('15m').describe('The longest an API answer without a validator (Slack history, users, channels, team; Drive changes) is served without asking again. `0s`: always ask.'),
  activityFactor: z.number().min(0).default(0.1).describe('A channel\'s history is fresh for min(maxAge, activityFactor × the time since its newest message): a channel quiet for an hour is asked again after 6 minutes at 0.1. Nothing is missed, only seen later: the next check after the lifetime reads everything new since the cursor.'),
  fresh: z.boolean().default(false).describe('Ask every API again on every run (answers with an ETag are still revalidated); `convene run --fresh` does this for one run.'),
  inWatch: z.boolean().default(false).describe('Serve answers within their lifetime in `convene watch` too, relying on Slack Events API pushes (which make their channel stale at once) for what is new; off: watch asks every channel on every interval.'),
  maxEntries: z.number().int().min(1).default(20_000).describe('Answers kept in memory (the disk level keeps every one).'),
});
export type CacheConfig = z.infer<typeof CacheConfig>;

export function parseCacheDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) throw new RangeError(`'${text}' is not a duration such as 15m`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'ms' | 's' | 'm' | 'h' | 'd']);
}

/** Where the disk level lives: the configured file, else beside the database (memory only for an in-memory database). */
export function cacheFileFor(config: CacheConfig, dbPath: string): string | null {
  if (config.file !== undefined) return config.file;
  if (dbPath === ':memory:' || dbPath === '') return null;
  return `${dbPath.replace(/\.duckdb$/, '')}.api-cache.sqlite`;
}

/** An answer as stored: the value, its ETag (when the API gave one) and its lifetime. */
interface Answer {
  readonly value: unknown;
  readonly etag: string | null;
  /** Null: served only after revalidation. */
  readonly lifetimeMs: number | null;
}

export interface ApiCacheOptions {
  readonly maxAgeMs: number;
  readonly activityFactor: number;
  /** No lifetime hits: every answer without a validator is asked again. */
  readonly fresh: boolean;
  readonly diskPath: string | null;
  readonly maxEntries?: number;
  readonly clock?: () => number;
}

/** One API method's lookups in a run. */
export interface MethodCounts {
  hits: number;
  revalidated: number;
  misses: number;
}

export interface ApiCacheStats {
  lookups: number;
  /** Served without a request. */
  hits: number;
  /** Served after a 304. */
  revalidated: number;
  /** Asked, and the answer stored (misses, stale entries, and every lifetime lookup with `fresh`). */
  misses: number;
  /** (hits + revalidated) / lookups; 0 before the first lookup. */
  ratio: number;
  byMethod: Record<string, MethodCounts>;
}

export class ApiCache implements ApiAnswers {
  readonly maxAgeMs: number;
  readonly activityFactor: number;
  private readonly cache: TieredCache<Answer>;
  private readonly clock: () => number;
  private readonly byMethod: Record<string, MethodCounts> = {};

  constructor(private readonly options: ApiCacheOptions) {
    this.maxAgeMs = options.maxAgeMs;
    this.activityFactor = options.activityFactor;
    this.clock = options.clock ?? Date.now;
    this.cache = new TieredCache<Answer>({ name: 'api', diskPath: options.diskPath, maxEntries: options.maxEntries ?? 20_000, clock: this.clock });
  }

  now(): number {
    return this.clock();
  }

  async withLifetime<T>(request: AnswerRequest, load: () => Promise<T>, lifetimeMs: (value: T) => number): Promise<T> {
    const found = await this.cache.peek(request.key, request.validator);
    if (found !== null && !this.options.fresh && found.value.lifetimeMs !== null) {
      const age = this.clock() - found.storedAt;
      const invalidated = request.scope === undefined ? null : await this.invalidatedAt(request.scope);
      // A maxAge lowered since the answer was stored applies at once.
      if (age <= Math.min(found.value.lifetimeMs, this.maxAgeMs) && (invalidated === null || invalidated < found.storedAt)) {
        this.count(request, found.level, 'hit');
        return found.value.value as T;
      }
    }
    const value = await load();
    this.count(request, 'memory', found === null ? 'miss' : 'stale');
    await this.cache.set(request.key, { value, etag: null, lifetimeMs: lifetimeMs(value) }, request.validator);
    return value;
  }

  async withEtag<T>(request: AnswerRequest, load: (etag: string | null) => Promise<Conditional<T>>): Promise<T> {
    const found = await this.cache.peek(request.key, request.validator);
    const etag = found?.value.etag ?? null;
    const answer = await load(etag);
    if (answer.notModified) {
      if (found !== null) {
        this.count(request, found.level, 'revalidated');
        return found.value.value as T;
      }
      // Not modified without a cached answer cannot be served: ask plainly.
      const plain = await load(null);
      if (plain.notModified) throw new RangeError(`${request.api} ${request.method} answered 304 to a request without If-None-Match`);
      return this.store(request, plain.value, plain.etag, 'miss');
    }
    return this.store(request, answer.value, answer.etag, found === null ? 'miss' : 'stale');
  }

  /** Makes every answer stored under `scope` (a Slack channel) before now stale: an event said it changed. */
  async invalidate(scope: string): Promise<void> {
    await this.cache.set(cacheKey('invalidated', scope), { value: this.clock(), etag: null, lifetimeMs: null }, null);
  }

  stats(): ApiCacheStats {
    const methods = Object.values(this.byMethod);
    const sum = (f: (m: MethodCounts) => number): number => methods.reduce((s, m) => s + f(m), 0);
    const hits = sum((m) => m.hits);
    const revalidated = sum((m) => m.revalidated);
    const misses = sum((m) => m.misses);
    const lookups = hits + revalidated + misses;
    return { lookups, hits, revalidated, misses, ratio: lookups === 0 ? 0 : (hits + revalidated) / lookups, byMethod: structuredClone(this.byMethod) };
  }

  close(): Promise<void> {
    return this.cache.close();
  }

  private async invalidatedAt(scope: string): Promise<number | null> {
    const marker = await this.cache.peek(cacheKey('invalidated', scope), null);
    return marker === null || typeof marker.value.value !== 'number' ? null : marker.value.value;
  }

  private async store<T>(request: AnswerRequest, value: T, etag: string | null, result: CacheResult): Promise<T> {
    this.count(request, 'memory', result);
    // Without an ETag the answer cannot be revalidated: it is stored only to be replaced.
    await this.cache.set(request.key, { value, etag, lifetimeMs: null }, request.validator);
    return value;
  }

  private count(request: AnswerRequest, level: CacheLevel, result: CacheResult): void {
    this.cache.record(level, result);
    const id = `${request.api}:${request.method}`;
    const m = (this.byMethod[id] ??= { hits: 0, revalidated: 0, misses: 0 });
    if (result === 'hit') m.hits++;
    else if (result === 'revalidated') m.revalidated++;
    else m.misses++;
  }
}
