/**
 * convene's configuration: the global settings and one section per component. Each schema
 * here (and each component's own config schema) is the only place its defaults are written.
 *
 * Per-component sections inherit the global `defaults` for the keys their schema knows
 * (for example `concurrency` or `timeoutMs`) and may override them.
 */
import { z } from 'zod';
import { DEFAULTS } from './defaults.js';
import { LimitsConfig } from '../runtime/limits/tiers.js';
import { CheckpointsConfig, LOG_FORMATS, ResourcesConfig } from '../runtime/settings.js';
import { ResilienceConfig } from '../runtime/resilience/config.js';
import { CacheConfig } from '../runtime/cache/api-cache.js';

export const DuckdbConfig = z.object({
  memoryLimit: z.string().regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'a size such as 512MB').optional().describe('DuckDB memory_limit for replay, run and watch, e.g. \'512MB\'; absent: 128MB (DuckDB spills to disk beyond it).'),
  threads: z.number().int().min(1).max(256).optional().describe('DuckDB threads; absent: one per core.'),
  mergeRows: z.number().int().min(1).max(10_000_000).default(20_000).describe('Rows the sink stages before it merges them into the tables in one transaction (a checkpoint merges earlier).'),
  settings: z
    .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
    .refine((s) => Object.keys(s).every((k) => !RESERVED_DUCKDB_SETTINGS.has(duckdbSettingName(k))), {
      message: 'memory_limit, threads and access_mode have their own keys (duckdb.memoryLimit, duckdb.threads) or are set by convene',
    })
    .optional()
    .describe('Other DuckDB settings for replay, run and watch, by DuckDB\'s name (camelCase is read as snake_case), e.g. {"allocator_flush_threshold": "16MB"}; convene sets checkpoint_threshold to 64MB unless named here; see docs/performance.md for what some cost.'),
});

/** Settings `duckdb.settings` may not name: convene sets them from their own keys or itself. */
const RESERVED_DUCKDB_SETTINGS = new Set(['memory_limit', 'max_memory', 'threads', 'worker_threads', 'access_mode']);

/** A DuckDB setting's name from a config key: `allocatorFlushThreshold` (as environment names arrive) is `allocator_flush_threshold`. */
export function duckdbSettingName(key: string): string {
  return key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export type DuckdbConfig = z.infer<typeof DuckdbConfig>;

/** Settings every component section inherits unless it sets its own. */
export const ComponentDefaults = z.object({
  concurrency: z.number().int().min(1).max(64).optional().describe('Channels, calendars or files a source reads at the same time.'),
  timeoutMs: z.number().int().min(100).optional().describe('How long one external call may take.'),
});

export const ArchiveConfig = z.object({
  dir: z.string().min(1).optional().describe('Archive each run under <dir>/<run-id>/ (tables as zstd Parquet, the report, a manifest); absent: no archives.'),
  keep: z.number().int().min(1).optional().describe('Keep at most this many archives, newest first.'),
  maxAge: z.string().regex(/^\d+(\.\d+)?\s*[smhdw]$/, 'a duration such as 30d').optional().describe('Remove archives older than this, e.g. 30d.'),
  maxSize: z.string().regex(/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB)$/i, 'a size such as 2GB').optional().describe('Keep the newest archives that together fit in this size, e.g. 2GB.'),
});

export const WatchConfig = z.object({
  intervalSeconds: z.number().min(0.1).default(60).describe('How often `convene watch` collects what changed.'),
  host: z.string().default('127.0.0.1').describe('Where `convene watch` listens for Slack Events API pushes (POST /slack/events).'),
  port: z.number().int().min(0).max(65535).default(8788).describe('Its port; 0 picks a free one.'),
  signingSecret: z.string().optional().describe('The Slack app\'s signing secret, to check pushed events (SLACK_SIGNING_SECRET); absent: no events endpoint.'),
  allowedLatenessSeconds: z.number().min(0).default(3600).describe('How late a message may arrive and still change a meeting\'s metrics: a meeting is final once the watermark (newest message time seen minus this) has passed its last message.'),
});

export const RootConfig = z
  .object({
    db: z.string().min(1).default(DEFAULTS.db).describe('The convene database file.'),
    batchSize: z.number().int().min(1).max(1_000_000).default(DEFAULTS.batchSize).describe('Records per database transaction.'),
    logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'silent']).default(DEFAULTS.logLevel).describe('Log level for the log lines on stderr.'),
    logFormat: z.enum(LOG_FORMATS).default('text').describe('Log lines on stderr and progress steps: text for people, json (one object a line) for log collectors; `--log-format` overrides.'),
    checkpoints: CheckpointsConfig.default(CheckpointsConfig.parse({})).describe('How often a stage commits a checkpoint with its data.'),
    resources: ResourcesConfig.default(ResourcesConfig.parse({})).describe('Memory ceiling for intake, and run history kept for rollbacks.'),
    duckdb: DuckdbConfig.default(DuckdbConfig.parse({})).describe('DuckDB settings for the database file.'),
    limits: LimitsConfig.default(LimitsConfig.parse({})).describe('Rate limits and retries for external APIs: the Slack tier profile, time compression for the emulator, attempts and back-off.'),
    watch: WatchConfig.default(WatchConfig.parse({})).describe('Continuous collection.'),
    resilience: ResilienceConfig.default(ResilienceConfig.parse({})).describe('Circuit breakers per external API, retry policies by error class, and alerts.'),
    archive: ArchiveConfig.default({}).describe('Archives of runs and their retention.'),
    cache: CacheConfig.default(CacheConfig.parse({})).describe('API answers cached between runs: served while fresh (Slack: a lifetime adaptive to the channel\'s activity; Drive changes: a lifetime) or after revalidation (Google ETags).'),
    defaults: ComponentDefaults.default({}).describe('Settings every component section inherits unless it sets its own.'),
    sources: z.record(z.string(), z.record(z.string(), z.unknown())).default({}).describe('One section per source type (see `convene config print` and docs/config.md), e.g. "slack-web".'),
  })
  .strict();
export type RootConfig = z.infer<typeof RootConfig>;
