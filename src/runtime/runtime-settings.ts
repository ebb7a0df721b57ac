/**
 * Turns the runtime's config sections into what a job uses: the checkpoint interval, the
 * memory ceiling (with its log and metric), and the progress reporter.
 */
import { getHeapStatistics } from 'node:v8';
import type { Logger } from '../core/logger.js';
import type { Database, OpenOptions } from '../sinks/duckdb/database.js';
import { duckdbSettingName, type DuckdbConfig } from '../config/schema.js';
import type { JobSettings } from './job.js';
import type { Progress } from './progress/progress.js';
import { MemoryCeiling } from './resources/memory-ceiling.js';
import type { CheckpointsConfig, ResourcesConfig } from './settings.js';
import { intakePausedSeconds } from './telemetry/metrics.js';

export interface RuntimeSettings {
  checkpoints?: CheckpointsConfig;
  resources?: Pick<ResourcesConfig, 'memoryCeilingMB' | 'memoryCheckMs' | 'maxPauseSeconds'> & Partial<Pick<ResourcesConfig, 'parseWorkers'>>;
  /** Runs whose replaced rows are kept for `convene rollback`. */
  keepRunHistory?: number;
}

export function jobSettings(settings: RuntimeSettings | undefined, logger: Logger, reporter: Progress | undefined, expected: Record<string, number>): JobSettings {
  const out: JobSettings = { expected };
  if (reporter) out.reporter = reporter;
  const cp = settings?.checkpoints;
  if (cp) out.checkpointEvery = { records: cp.everyRecords, seconds: cp.everySeconds };
  const r = settings?.resources;
  if (r?.memoryCeilingMB !== undefined) {
    out.ceiling = new MemoryCeiling({
      ceilingBytes: r.memoryCeilingMB * 1024 * 1024,
      checkMs: r.memoryCheckMs,
      maxPauseMs: r.maxPauseSeconds * 1000,
      logger: logger.child({ component: 'memory-ceiling' }),
      onPause: (ms) => intakePausedSeconds.inc(ms / 1000),
    });
  }
  return out;
}

/** Logs DuckDB's memory_limit and threads as the open database has them (the config's, when set). */
export async function logDuckdbSettings(db: Database, logger: Logger): Promise<void> {
  const row = (await db.all("SELECT current_setting('memory_limit') AS memory_limit, current_setting('threads') AS threads, current_setting('checkpoint_threshold') AS checkpoint_threshold"))[0] ?? {};
  // The V8 heap limit beside it: bin/convene.js sets it for the pipeline's process (resources.heapLimitMB).
  const heapLimitMB = Math.round(getHeapStatistics().heap_size_limit / 1048576);
  logger.info({ component: 'duckdb', memoryLimit: String(row['memory_limit']), threads: Number(row['threads']), checkpointThreshold: String(row['checkpoint_threshold']), heapLimitMB }, 'database settings');
}

/**
 * DuckDB's buffer pool when the config names none. DuckDB's own default is 80 % of the
 * machine's memory, which it fills with cached blocks of a growing database; the pipeline's
 * statements (merges of staged rows, read-backs, checksums) run within this and spill to disk
 * beyond it. With staging tables of `duckdb.mergeRows` (20,000) rows, 128MB replayed scale 10
 * as fast as 256MB did with 50,000; at 64MB the merges of a scale-1 replay ran out of memory.
 */
export const DEFAULT_DUCKDB_MEMORY_LIMIT = '128MB';

/**
 * DuckDB settings convene gives replay, run and watch unless `duckdb.settings` names them.
 *
 * `checkpoint_threshold`: DuckDB writes the tables' new rows from its write-ahead log into the
 * database file (a checkpoint) when a commit leaves more than this in the log; its own default
 * is 16MB. A merge of the staged rows commits a few MB, so at 16MB every third or fourth merge
 * checkpointed; the commits took 11.8 s of a scale-1 replay's 24.6 s of merging. At 32MB and
 * 64MB the replay used about 9 % less CPU; 4MB was slower, and 128MB and more gained nothing
 * (docs/performance.md, seventh round).
 */
export const DEFAULT_DUCKDB_SETTINGS: Readonly<Record<string, string>> = { checkpoint_threshold: '64MB' };

/** How replay, run and watch open their database: the config's DuckDB limits and settings, or convene's defaults. */
export function duckdbOpenOptions(config: Pick<DuckdbConfig, 'memoryLimit' | 'threads' | 'settings'>): OpenOptions {
  const given = Object.fromEntries(Object.entries(config.settings ?? {}).map(([k, v]) => [duckdbSettingName(k), v]));
  const settings = { ...DEFAULT_DUCKDB_SETTINGS, ...given };
  return { memoryLimit: config.memoryLimit ?? DEFAULT_DUCKDB_MEMORY_LIMIT, ...(config.threads ? { threads: config.threads } : {}), settings };
}
