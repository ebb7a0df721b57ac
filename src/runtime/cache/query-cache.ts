/**
 * Repeated read-only queries against a convene database, answered from the tiered cache while
 * the database has not changed. Every write to a convene database belongs to a run (replay,
 * run, watch), so the `runs` table dates the data: the number of runs and the latest start and
 * finish form the validator. A new run makes every cached result stale; while a run is still
 * writing, nothing is cached or served.
 */
import type { Database, Row, SqlParam } from '../../sinks/duckdb/database.js';
import { cacheKey, TieredCache, type TieredCacheOptions } from './tiered-cache.js';

/** Rows as JSON: BIGINT and TIMESTAMPTZ values (bigint, Date) survive the disk level. */
function encodeRows(rows: readonly Row[]): string {
  return JSON.stringify(rows, function (this: Record<string, unknown>, key: string, v: unknown) {
    const raw = this[key];
    if (typeof raw === 'bigint') return { $bigint: raw.toString() };
    if (raw instanceof Date) return { $date: raw.getTime() };
    return v;
  });
}

function decodeRows(text: string): Row[] {
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if (typeof o['$bigint'] === 'string' && Object.keys(o).length === 1) return BigInt(o['$bigint']);
      if (typeof o['$date'] === 'number' && Object.keys(o).length === 1) return new Date(o['$date']);
    }
    return v;
  }) as Row[];
}

export class QueryCache {
  private readonly cache: TieredCache<string>;

  constructor(options: Omit<TieredCacheOptions, 'name'> & { name?: string } = {}) {
    this.cache = new TieredCache<string>({ ...options, name: options.name ?? 'query' });
  }

  /** The database's data version, or null while a run is writing (then nothing is cached). */
  async version(db: Database): Promise<string | null> {
    const rows = await db.all(
      `SELECT count(*) AS runs, count(*) FILTER (WHERE status = 'running') AS running, max(started_at) AS started, max(finished_at) AS finished FROM runs`,
    );
    const r = rows[0] ?? {};
    if (Number(r['running'] ?? 0) > 0) return null;
    const time = (v: unknown): number | null => (v instanceof Date ? v.getTime() : null);
    return `${String(r['runs'] ?? 0)}:${time(r['started'])}:${time(r['finished'])}`;
  }

  /** `db.all(sql, params)`, from the cache when the database is unchanged since it was stored. */
  async all(db: Database, sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
    const version = await this.version(db);
    if (version === null) return db.all(sql, params);
    const key = cacheKey(db.path, sql, params.map((p) => (typeof p === 'bigint' ? `${p}n` : p)));
    return decodeRows(await this.cache.getOrLoad(key, version, async () => encodeRows(await db.all(sql, params))));
  }

  stats(): ReturnType<TieredCache<string>['stats']> {
    return this.cache.stats();
  }

  close(): Promise<void> {
    return this.cache.close();
  }
}
