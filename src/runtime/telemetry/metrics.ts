/**
 * Every Prometheus metric convene exports, in one registry. Components and the runtime record
 * into these; `GET /metrics` serves `metricsRegistry`. Names start with `convene_`, and
 * docs/metrics.md lists each one (a test keeps the two in step).
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export const metricsRegistry = new Registry();
let defaultsCollected = false;

/** Process metrics (CPU, memory, event loop, handles), once per process. */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: metricsRegistry, prefix: 'convene_' });
}

export const recordsIn = new Counter({
  name: 'convene_records_in_total',
  help: 'Records a component received (a source: read; an operator or sink: given to it).',
  labelNames: ['component'] as const,
  registers: [metricsRegistry],
});

export const recordsOut = new Counter({
  name: 'convene_records_out_total',
  help: 'Records a component emitted (a sink: stored).',
  labelNames: ['component'] as const,
  registers: [metricsRegistry],
});

export const stageSeconds = new Histogram({
  name: 'convene_stage_batch_seconds',
  help: 'Time to process and store one batch of a stage.',
  labelNames: ['component'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  registers: [metricsRegistry],
});

export const errorsTotal = new Counter({
  name: 'convene_errors_total',
  help: 'Errors and input problems by component and stable error code.',
  labelNames: ['component', 'code'] as const,
  registers: [metricsRegistry],
});

export const breakerState = new Gauge({
  name: 'convene_breaker_state',
  help: 'Circuit breaker state per external API: 0 closed, 1 half-open, 2 open, 3 forced open (manual).',
  labelNames: ['breaker'] as const,
  registers: [metricsRegistry],
});

export const breakerTransitions = new Counter({
  name: 'convene_breaker_transitions_total',
  help: 'Circuit breaker state changes, by breaker and the state entered.',
  labelNames: ['breaker', 'state'] as const,
  registers: [metricsRegistry],
});

export const queueDepth = new Gauge({
  name: 'convene_queue_depth',
  help: 'Records waiting between a stage and its sink (batches in flight × batch size).',
  labelNames: ['component'] as const,
  registers: [metricsRegistry],
});

export const checkpointLagSeconds = new Gauge({
  name: 'convene_checkpoint_lag_seconds',
  help: 'Seconds since the component last committed a checkpoint.',
  labelNames: ['component'] as const,
  registers: [metricsRegistry],
});

export const checkpointsTotal = new Counter({
  name: 'convene_checkpoints_total',
  help: 'Checkpoints committed.',
  labelNames: ['component'] as const,
  registers: [metricsRegistry],
});

export const intakePausedSeconds = new Counter({
  name: 'convene_intake_paused_seconds_total',
  help: 'Seconds intake was paused because resident memory was above resources.memoryCeilingMB.',
  registers: [metricsRegistry],
});

export const rateLimitWaitSeconds = new Counter({
  name: 'convene_rate_limit_wait_seconds_total',
  help: 'Seconds spent waiting on rate limits (token bucket or Retry-After), by API and method.',
  labelNames: ['api', 'method'] as const,
  registers: [metricsRegistry],
});

export const apiCalls = new Counter({
  name: 'convene_api_calls_total',
  help: 'External API attempts by API, method and outcome (ok, rate_limited, error).',
  labelNames: ['api', 'method', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const cacheRequests = new Counter({
  name: 'convene_cache_requests_total',
  help: 'Cache lookups by cache, level (memory, disk) and result (hit: served without asking the origin, revalidated: served after the origin answered not modified, miss, stale).',
  labelNames: ['cache', 'level', 'result'] as const,
  registers: [metricsRegistry],
});

export const cacheHitRatio = new Gauge({
  name: 'convene_cache_hit_ratio',
  help: 'Served lookups (hit or revalidated) / lookups per cache since the process started (either level).',
  labelNames: ['cache'] as const,
  registers: [metricsRegistry],
});

export const databaseBytes = new Gauge({
  name: 'convene_database_size_bytes',
  help: 'Size of the DuckDB database file (and its WAL).',
  registers: [metricsRegistry],
});

export const runsTotal = new Counter({
  name: 'convene_runs_total',
  help: 'Runs finished, by mode and status (ok, partial, failed).',
  labelNames: ['mode', 'status'] as const,
  registers: [metricsRegistry],
});

export const runInProgress = new Gauge({
  name: 'convene_run_in_progress',
  help: '1 while a run is in progress in this process.',
  registers: [metricsRegistry],
});

export const componentHealth = new Gauge({
  name: 'convene_component_health',
  help: 'Component health: 0 green, 1 yellow, 2 red.',
  labelNames: ['component'] as const,
  registers: [metricsRegistry],
});
