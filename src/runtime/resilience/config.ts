/**
 * The `resilience` section of the configuration: circuit breakers per external API, named
 * retry policies chosen by error class, and alert rules. This schema is the only place these
 * defaults are written.
 */
import { z } from 'zod';
import { ERROR_CLASSES } from '../../core/errors.js';

/** One breaker per external API; the call gate's api names map onto these. */
export const BREAKER_NAMES = ['slack', 'google-calendar', 'google-drive', 'google-directory'] as const;
export type BreakerName = (typeof BREAKER_NAMES)[number];

const BREAKER_OF_API: Readonly<Record<string, BreakerName>> = { slack: 'slack', calendar: 'google-calendar', drive: 'google-drive', directory: 'google-directory' };

/** The breaker that guards an api of the call gate ('calendar' → 'google-calendar'); null for an api without one. */
export function breakerOfApi(api: string): BreakerName | null {
  return BREAKER_OF_API[api] ?? null;
}

export function isBreakerName(name: string): name is BreakerName {
  return (BREAKER_NAMES as readonly string[]).includes(name);
}

const breakerFields = {
  failureRate: z.number().gt(0).max(1).describe('Open when at least this share of the calls in the sampling window failed (and the window saw minVolume calls).'),
  samplingMs: z.number().int().min(100).describe('The sliding window over which the failure rate is measured, in ms.'),
  minVolume: z.number().int().min(1).describe('Calls the window must hold before the failure rate may open the breaker.'),
  consecutiveFailures: z.number().int().min(1).describe('Open after this many failed calls in a row, whatever the rate.'),
  slowCallMs: z.number().int().min(1).nullable().describe('A call that succeeds but takes longer than this counts as a failure; null: never.'),
  halfOpenAfterMs: z.number().int().min(1).describe('First wait, once open, before one probe call is let through (half-open); doubles after each failed probe.'),
  maxHalfOpenAfterMs: z.number().int().min(1).describe('The longest wait between probes.'),
};

export const BreakerSettings = z.object({
  failureRate: breakerFields.failureRate.default(0.5),
  samplingMs: breakerFields.samplingMs.default(60_000),
  minVolume: breakerFields.minVolume.default(20),
  consecutiveFailures: breakerFields.consecutiveFailures.default(5),
  slowCallMs: breakerFields.slowCallMs.default(null),
  halfOpenAfterMs: breakerFields.halfOpenAfterMs.default(30_000),
  maxHalfOpenAfterMs: breakerFields.maxHalfOpenAfterMs.default(600_000),
});
export type BreakerSettings = z.infer<typeof BreakerSettings>;

export const BreakersConfig = BreakerSettings.extend({
  apis: z
    .partialRecord(z.enum(BREAKER_NAMES), z.object(breakerFields).partial())
    .default({})
    .describe('Per-breaker overrides of the settings above, e.g. { "slack": { "consecutiveFailures": 3 } }.'),
});
export type BreakersConfig = z.infer<typeof BreakersConfig>;

/** A breaker's effective settings: the shared ones with its own overrides. */
export function breakerSettings(config: BreakersConfig, name: BreakerName): BreakerSettings {
  const { apis, ...shared } = config;
  return { ...shared, ...Object.fromEntries(Object.entries(apis[name] ?? {}).filter(([, v]) => v !== undefined)) };
}

/** A retry policy; absent fields take `limits.maxAttempts`, `limits.backoffMs` and `limits.maxBackoffMs`. */
export const RetryPolicy = z.object({
  maxAttempts: z.number().int().min(1).optional().describe('Attempts, the first included.'),
  backoffMs: z.number().int().min(0).optional().describe('First back-off; doubles per attempt.'),
  maxBackoffMs: z.number().int().min(0).optional().describe('The longest back-off.'),
  jitter: z.enum(['full', 'half', 'none']).default('half').describe('full: a wait in [0, d); half: in [d/2, d); none: d.'),
  retryAfter: z.boolean().default(true).describe('Wait as long as the server\'s Retry-After says, when it says.'),
});
export type RetryPolicy = z.infer<typeof RetryPolicy>;

const DEFAULT_POLICIES: Record<string, z.input<typeof RetryPolicy>> = { 'rate-limit': {}, transient: {} };

export const RetryConfig = z
  .object({
    policies: z
      .record(z.string(), RetryPolicy)
      .default({})
      // Policies given in the config are added to (or replace) the built-in `rate-limit` and `transient`.
      .transform((given) => ({ ...Object.fromEntries(Object.entries(DEFAULT_POLICIES).map(([k, v]) => [k, RetryPolicy.parse(v)])), ...given }))
      .describe('Named retry policies, added to the built-in "rate-limit" and "transient" (which take limits.maxAttempts, backoffMs and maxBackoffMs); "none" means one attempt.'),
    classes: z
      .partialRecord(z.enum(ERROR_CLASSES), z.string())
      .default({ 'rate-limit': 'rate-limit', transient: 'transient' })
      .describe('The policy each error class uses; a class not named here is not retried. Errors that are not retryable (auth, scope, input) are never retried, whatever their policy.'),
  })
  .superRefine((r, ctx) => {
    for (const [cls, name] of Object.entries(r.classes)) {
      if (name !== undefined && !(name in r.policies) && name !== 'none') ctx.addIssue({ code: 'custom', path: ['classes', cls], message: `names the policy "${name}", which is not in resilience.retry.policies` });
    }
  });
export type RetryConfig = z.infer<typeof RetryConfig>;

export const AlertRules = z.object({
  errorRateAbove: z.number().min(0).max(1).nullable().default(0.05).describe('Alert when a run\'s error rate (errors / (records read + API attempts)) is above this; null: off.'),
  breakerOpenLongerThanMs: z.number().int().min(0).nullable().default(900_000).describe('Alert when a breaker has been open (or forced open) longer than this; null: off.'),
  throughputBelowRatio: z.number().min(0).max(1).nullable().default(0.5).describe('Alert when a run read records slower than this share of the median of the last five runs of its kind; null: off.'),
  runStatuses: z.array(z.enum(['partial', 'failed'])).default(['partial', 'failed']).describe('Alert when a run ends with one of these statuses.'),
  memoryAboveRatio: z.number().gt(0).max(1).nullable().default(0.9).describe('Alert when memory passes this share of the ceiling: the run\'s peak resident memory against resources.memoryCeilingMB, or without one the heap in use against the V8 heap limit; null: off.'),
});
export type AlertRules = z.infer<typeof AlertRules>;

export const AlertsConfig = z.object({
  webhookUrl: z.string().url().optional().describe('Where alerts are POSTed as Slack incoming-webhook JSON ({ text, blocks }); absent: alerts are only logged.'),
  timeoutMs: z.number().int().min(100).default(5_000).describe('How long one webhook POST may take.'),
  repeatMinutes: z.number().min(0).default(60).describe('While a rule keeps firing in one process (convene watch, tick after tick), post it again only after this long; it is still logged each time. 0: every time.'),
  rules: AlertRules.default(AlertRules.parse({})).describe('When to alert.'),
});
export type AlertsConfig = z.infer<typeof AlertsConfig>;

export const ResilienceConfig = z.object({
  breakers: BreakersConfig.default(BreakersConfig.parse({})).describe('Circuit breakers, one per external API.'),
  retry: RetryConfig.default(RetryConfig.parse({})).describe('Retry policies by error class.'),
  alerts: AlertsConfig.default(AlertsConfig.parse({})).describe('Alerts after each run.'),
});
export type ResilienceConfig = z.infer<typeof ResilienceConfig>;
