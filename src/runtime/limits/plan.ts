/**
 * `convene plan`: how many calls a full collection makes and how long the rate limits make it
 * take at least. Pure: volumes in, calls and times out. Methods have their own buckets and run
 * side by side, so the run takes at least as long as its slowest method.
 */
import type { LimitsConfig } from './tiers.js';
import { methodLimit, minimumMillis } from './tiers.js';

export interface ChannelVolume {
  /** Top-level messages (what conversations.history returns). */
  readonly topLevel: number;
  /** Reply counts of the channel's threads, one entry per thread. */
  readonly threads: readonly number[];
}

export interface PlanVolumes {
  readonly slack?: { readonly users: number; readonly channels: readonly ChannelVolume[]; readonly pageLimit: number };
  readonly calendar?: { readonly eventsPerCalendar: readonly number[]; readonly maxResults: number; readonly fromDirectory: boolean; readonly directoryUsers: number };
  readonly drive?: { readonly files: number; readonly pageSize: number };
  readonly directory?: { readonly users: number; readonly maxResults: number };
}

export interface PlannedMethod {
  readonly api: string;
  readonly method: string;
  readonly tier: string;
  readonly perMinute: number;
  readonly calls: number;
  /** The least time the method's limit allows for its calls, in ms (time-scaled by tierScale). */
  readonly minimumMs: number;
}

export interface Plan {
  readonly methods: PlannedMethod[];
  readonly totalCalls: number;
  /** The slowest method's minimum: a lower bound for the whole run. */
  readonly minimumMs: number;
}

function pages(items: number, size: number): number {
  return Math.max(1, Math.ceil(items / Math.max(1, size)));
}

export function estimatePlan(volumes: PlanVolumes, limits: Pick<LimitsConfig, 'profile' | 'tierScale'>): Plan {
  const calls: Array<[string, string, number]> = [];
  if (volumes.slack) {
    const s = volumes.slack;
    // The profile caps the page size of history and replies (15 for non-marketplace apps).
    const historyLimit = Math.min(s.pageLimit, methodLimit('slack', 'conversations.history', limits.profile).pageLimit);
    calls.push(['slack', 'auth.test', 1]);
    calls.push(['slack', 'users.list', pages(s.users, s.pageLimit)]);
    calls.push(['slack', 'conversations.list', pages(s.channels.length, s.pageLimit)]);
    calls.push(['slack', 'conversations.history', s.channels.reduce((n, c) => n + pages(c.topLevel, historyLimit), 0)]);
    // replies returns the parent first, then the replies.
    calls.push(['slack', 'conversations.replies', s.channels.reduce((n, c) => n + c.threads.reduce((m, r) => m + pages(r + 1, historyLimit), 0), 0)]);
  }
  if (volumes.calendar) {
    const c = volumes.calendar;
    let directoryCalls = 0;
    if (c.fromDirectory) directoryCalls = pages(c.directoryUsers, 500);
    calls.push(['calendar', 'events.list', c.eventsPerCalendar.reduce((n, e) => n + pages(e, c.maxResults), 0)]);
    if (directoryCalls > 0) calls.push(['directory', 'users.list', directoryCalls]);
  }
  if (volumes.drive) {
    calls.push(['drive', 'changes.getStartPageToken', 1]);
    calls.push(['drive', 'files.list', pages(volumes.drive.files, volumes.drive.pageSize)]);
  }
  if (volumes.directory) calls.push(['directory', 'users.list', pages(volumes.directory.users, volumes.directory.maxResults)]);

  // The same method named twice (directory users from two sources) shares one bucket.
  const merged = new Map<string, [string, string, number]>();
  for (const [api, method, n] of calls) {
    const id = `${api}:${method}`;
    const prev = merged.get(id);
    merged.set(id, [api, method, (prev?.[2] ?? 0) + n]);
  }
  const methods = [...merged.values()].filter(([, , n]) => n > 0).map(([api, method, n]): PlannedMethod => {
    const limit = methodLimit(api, method, limits.profile);
    return { api, method, tier: limit.tier, perMinute: limit.perMinute, calls: n, minimumMs: minimumMillis(n, limit, limits.tierScale) };
  });
  return {
    methods,
    totalCalls: methods.reduce((n, m) => n + m.calls, 0),
    minimumMs: methods.reduce((n, m) => Math.max(n, m.minimumMs), 0),
  };
}

/** `1 h 05 min`, `3 min 20 s`, `12 s`, `0.4 s`. */
export function formatDuration(ms: number): string {
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
