/**
 * Request-rate limits per API method. Slack publishes tiers per method (per workspace, per
 * app); Google publishes per-minute quotas per user and project. Both the runtime's call gate
 * and the emulator read this one table, so a run against the emulator meets the limits that
 * `convene plan` estimates with.
 */
import { z } from 'zod';

export const LIMIT_PROFILES = ['internal', 'non-marketplace'] as const;
export type LimitsProfile = (typeof LIMIT_PROFILES)[number];

export const LimitsConfig = z.object({
  /**
   * `internal`: a customer-built app (Slack Tiers 2/3/4). `non-marketplace`: a commercially
   * distributed app outside the Slack Marketplace, limited since 2025 to 1 request per minute
   * and 15 objects per page for conversations.history and conversations.replies.
   */
  profile: z.enum(LIMIT_PROFILES).default('internal'),
  /**
   * Compresses time: rates are multiplied and Retry-After waits divided by this factor. 1 for
   * real APIs; the emulator's `--tier-scale` for runs against it.
   */
  tierScale: z.number().positive().default(1),
  /** Attempts per call, the first included, before a retryable error is given up. */
  maxAttempts: z.number().int().min(1).default(6),
  /** First back-off for retryable errors without Retry-After; doubles per attempt, with jitter. */
  backoffMs: z.number().int().min(0).default(500),
  maxBackoffMs: z.number().int().min(0).default(60_000),
});
export type LimitsConfig = z.infer<typeof LimitsConfig>;

export interface MethodLimit {
  /** The tier or quota name, for logs and the plan. */
  readonly tier: string;
  readonly perMinute: number;
  /** Calls allowed back to back before the rate applies (Slack tolerates short bursts). */
  readonly burst: number;
  /** The most objects one page may ask for under this profile (Slack `limit`). */
  readonly pageLimit: number;
}

const SLACK_TIERS: Readonly<Record<string, number>> = { 'Tier 1': 1, 'Tier 2': 20, 'Tier 3': 50, 'Tier 4': 100, special: 100 };

const SLACK_METHOD_TIERS: Readonly<Record<string, string>> = {
  'auth.test': 'special',
  'team.info': 'Tier 3',
  'users.list': 'Tier 2',
  'conversations.list': 'Tier 2',
  'conversations.history': 'Tier 3',
  'conversations.replies': 'Tier 3',
  'conversations.join': 'Tier 3',
  'conversations.info': 'Tier 3',
};

/** Google quotas per minute: Calendar 600 per user, Directory 2,400, Drive 12,000 per project. */
const GOOGLE_QUOTAS: Readonly<Record<string, number>> = { calendar: 600, directory: 2400, drive: 12_000 };

const RESTRICTED = new Set(['conversations.history', 'conversations.replies']);

function burstOf(perMinute: number): number {
  return Math.max(1, Math.ceil(perMinute / 10));
}

/** The limit that applies to one method of one API under a profile. */
export function methodLimit(api: string, method: string, profile: LimitsProfile): MethodLimit {
  if (api === 'slack') {
    if (profile === 'non-marketplace' && RESTRICTED.has(method)) return { tier: 'non-marketplace', perMinute: 1, burst: 1, pageLimit: 15 };
    const tier = SLACK_METHOD_TIERS[method] ?? 'Tier 3';
    const perMinute = SLACK_TIERS[tier]!;
    return { tier, perMinute, burst: burstOf(perMinute), pageLimit: 200 };
  }
  const perMinute = GOOGLE_QUOTAS[api] ?? 600;
  return { tier: `${api} quota`, perMinute, burst: burstOf(perMinute), pageLimit: api === 'calendar' ? 2500 : api === 'directory' ? 500 : 1000 };
}

/**
 * Milliseconds that `calls` back-to-back calls of one method take at least under its limit:
 * the burst goes at once, the rest at the rate. `tierScale` compresses time as in LimitsConfig.
 */
export function minimumMillis(calls: number, limit: MethodLimit, tierScale = 1): number {
  const paced = Math.max(0, calls - limit.burst);
  return (paced * 60_000) / (limit.perMinute * tierScale);
}
