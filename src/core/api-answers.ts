/**
 * What a source asks of the API answer cache (a core contract): sources import
 * this file (type and pure functions only), the runtime provides the implementation
 * (`ApiCache`) through the call gate it hands every component.
 *
 * Two kinds of freshness, as HTTP has them:
 * - a validator the API offers (an ETag): the cached answer is revalidated with
 *   If-None-Match and served on 304 (`revalidated`);
 * - none (Slack): the answer is served while younger than its lifetime (`hit`), as HTTP
 *   max-age. A channel's history lives for min(maxAge, factor × time since its newest
 *   message): a quiet channel is checked less often. Nothing is lost by it: the channel's
 *   cursor has not moved, so the first check after the lifetime reads everything new.
 *
 * Every answer is stored under a key (the request without its validators) and the validators
 * the request carried (cursor, sync token, page token, arguments): a request naming other
 * validators replaces the entry.
 */
import type { ApiCallGate } from './component.js';

export interface AnswerRequest {
  /** The external API ('slack', 'calendar', 'drive', 'directory'), as the call gate names it. */
  readonly api: string;
  readonly method: string;
  /** The request without its validators: the entry's identity. */
  readonly key: string;
  /** The request's validators; an entry stored for others is replaced. */
  readonly validator: string;
  /** What an invalidation names (a Slack channel id), for entries an event makes stale. */
  readonly scope?: string | undefined;
}

/** What a conditional request answered: not modified (serve the cached body), or a new body and its ETag. */
export type Conditional<T> = { readonly notModified: true } | { readonly notModified: false; readonly value: T; readonly etag: string | null };

export interface ApiAnswers {
  /** The longest lifetime of an answer without a validator (milliseconds). */
  readonly maxAgeMs: number;
  /** A channel's history is fresh for this share of the time since its newest message (capped by maxAgeMs). */
  readonly activityFactor: number;
  now(): number;
  /**
   * The answer to a request without a validator: the cached one while younger than the
   * lifetime it was stored with, else `load`'s (stored for `lifetimeMs(value)`).
   */
  withLifetime<T>(request: AnswerRequest, load: () => Promise<T>, lifetimeMs: (value: T) => number): Promise<T>;
  /**
   * The answer to a request the API can revalidate: `load` is called with the cached answer's
   * ETag (null without one); on not modified the cached answer is served.
   */
  withEtag<T>(request: AnswerRequest, load: (etag: string | null) => Promise<Conditional<T>>): Promise<T>;
}

/** A call gate that also offers the API answer cache of the run. */
export interface AnswerCachingGate extends ApiCallGate {
  readonly answers: ApiAnswers;
}

/** The run's call gate with the answer cache beside it: what sources find through `answersOf(ctx.calls)`. */
export function withAnswers(calls: ApiCallGate, answers: ApiAnswers): AnswerCachingGate {
  return { answers, call: (api, method, fn) => calls.call(api, method, fn) };
}

/** The run's API answer cache, when the runtime provides one through the call gate. */
export function answersOf(calls: ApiCallGate | undefined): ApiAnswers | null {
  if (calls === undefined || !('answers' in calls)) return null;
  const answers = (calls as Partial<AnswerCachingGate>).answers;
  return answers === undefined ? null : answers;
}

/**
 * How long a channel's history stays fresh: min(maxAge, factor × time since its newest
 * message); no newest message known: maxAge. A newest message in the future (clock skew)
 * gives 0: always asked.
 */
export function activityLifetime(newestMs: number | null, nowMs: number, maxAgeMs: number, factor: number): number {
  if (newestMs === null) return maxAgeMs;
  return Math.max(0, Math.min(maxAgeMs, factor * (nowMs - newestMs)));
}
