/**
 * The only file that imports @slack/web-api. SDK retries are off and rate-limited calls are
 * rejected, so the runtime's call gate sees, waits for and counts every attempt.
 *
 * With the run's API answer cache, answers are served while fresh (Slack has no validator such
 * as an ETag): a channel's history for min(maxAge, factor × time since its newest message),
 * the rest (auth.test, team.info, users.list, conversations.list) for maxAge. Thread replies
 * are not cached: they are asked only when a thread's reply_count/latest_reply changed.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import type { ApiCallGate } from '../../core/component.js';
import { activityLifetime, type AnswerRequest, type ApiAnswers } from '../../core/api-answers.js';
import { translateSlackError } from './slack-web.errors.js';

type SlackWebApi = typeof import('@slack/web-api');
let slackWebApi: SlackWebApi | undefined;

/**
 * @slack/web-api, loaded when the first client is made, so that commands that read files only
 * do not load it (as google-api.client.ts does with the googleapis packages). It is CommonJS, so `require` loads it synchronously.
 */
function loadSlackWebApi(): SlackWebApi {
  slackWebApi ??= createRequire(import.meta.url)('@slack/web-api') as SlackWebApi;
  return slackWebApi;
}

export type Json = Record<string, unknown>;

export interface SlackPage {
  readonly items: Json[];
  /** The next page's cursor; null on the last page. */
  readonly next: string | null;
}

export interface HistoryArgs {
  readonly channel: string;
  readonly cursor?: string | undefined;
  readonly oldest?: string | undefined;
  readonly latest?: string | undefined;
  readonly limit: number;
  /**
   * Not sent: the channel's newest message delivered so far (its cursor), for the cached
   * answer's lifetime when the page itself holds none newer.
   */
  readonly newest?: string | null | undefined;
}

export interface RepliesArgs extends HistoryArgs {
  readonly ts: string;
}

export interface SlackClientOptions {
  readonly token: string;
  readonly apiUrl?: string | undefined;
  readonly timeoutMs: number;
  readonly calls?: ApiCallGate | undefined;
  /** The run's API answer cache; absent: every call asks Slack. */
  readonly answers?: ApiAnswers | null | undefined;
}

/** What the source needs from Slack, one page per call. */
export interface SlackClient {
  authTest(): Promise<Json>;
  teamInfo(): Promise<Json>;
  users(cursor: string | undefined, limit: number): Promise<SlackPage>;
  conversations(types: readonly string[], cursor: string | undefined, limit: number): Promise<SlackPage>;
  history(args: HistoryArgs): Promise<SlackPage>;
  replies(args: RepliesArgs): Promise<SlackPage>;
  join(channel: string): Promise<void>;
}

function nextCursor(result: Json): string | null {
  const meta = result['response_metadata'];
  const next = typeof meta === 'object' && meta !== null ? (meta as Json)['next_cursor'] : undefined;
  return typeof next === 'string' && next !== '' ? next : null;
}

function list(result: Json, field: string): Json[] {
  const value = result[field];
  return Array.isArray(value) ? value.filter((v): v is Json => typeof v === 'object' && v !== null) : [];
}

export function createSlackClient(options: SlackClientOptions): SlackClient {
  const { WebClient, LogLevel } = loadSlackWebApi();
  const web = new WebClient(options.token, {
    ...(options.apiUrl === undefined ? {} : { slackApiUrl: options.apiUrl }),
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    timeout: options.timeoutMs,
    // The SDK's console logger would print request failures (and, at debug, request details)
    // beside convene's own logs; every failure reaches convene's logger as a translated error.
    logger: {
      debug: () => undefined,
      info: () => undefined,
      warn: () => undefined,
      error: () => undefined,
      setLevel: () => undefined,
      getLevel: () => LogLevel.ERROR,
      setName: () => undefined,
    },
  });
  const call = async (method: string, args: Json, subject: string): Promise<Json> => {
    const run = async (): Promise<Json> => {
      try {
        return (await web.apiCall(method, args)) as unknown as Json;
      } catch (err) {
        throw translateSlackError(err, method, subject);
      }
    };
    return options.calls ? options.calls.call('slack', method, run) : run();
  };
  const defined = (args: Json): Json => Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined));
  const answers = options.answers ?? null;
  // Answers are the workspace's: the token (hashed, never stored) and the endpoint name it.
  const workspace = `${options.apiUrl ?? 'slack'}|${createHash('sha256').update(options.token).digest('hex').slice(0, 16)}`;
  const request = (method: string, key: unknown[], validator: unknown[], scope?: string): AnswerRequest => ({
    api: 'slack',
    method,
    key: JSON.stringify([workspace, method, ...key]),
    validator: JSON.stringify(validator),
    scope,
  });
  /** A call whose answer lives for maxAge. */
  const aged = (method: string, args: Json, subject: string): Promise<Json> =>
    answers === null ? call(method, args, subject) : answers.withLifetime(request(method, [args], []), () => call(method, args, subject), () => answers.maxAgeMs);
  /**
   * The generation of each channel's first history page served in this run: the later pages of
   * the same listing are served from the cache only with the first page they followed, so a
   * listing is never stitched from pages of two different states of the channel.
   */
  const generations = new Map<string, number>();
  const historyPage = async (a: HistoryArgs): Promise<{ result: Json; generation: number }> => {
    const args = defined({ channel: a.channel, cursor: a.cursor, oldest: a.oldest, latest: a.latest, limit: a.limit });
    if (answers === null) return { result: await call('conversations.history', args, a.channel), generation: 0 };
    const first = a.cursor === undefined;
    const generation = first ? null : (generations.get(a.channel) ?? null);
    if (!first && generation === null) return { result: await call('conversations.history', args, a.channel), generation: 0 };
    const lifetime = (answer: { result: Json }): number => {
      const stamps = list(answer.result, 'messages').map((m) => (typeof m['ts'] === 'string' ? Number(m['ts']) * 1000 : NaN)).filter((t) => Number.isFinite(t));
      const hinted = a.newest ? Number(a.newest) * 1000 : NaN;
      const newest = Math.max(-Infinity, ...stamps, ...(Number.isFinite(hinted) ? [hinted] : []));
      return activityLifetime(Number.isFinite(newest) ? newest : null, answers.now(), answers.maxAgeMs, answers.activityFactor);
    };
    const page = await answers.withLifetime(
      request('conversations.history', [a.channel, a.cursor ?? null], [a.oldest ?? null, a.latest ?? null, a.limit, generation], a.channel),
      async () => ({ result: await call('conversations.history', args, a.channel), generation: first ? answers.now() : generation! }),
      lifetime,
    );
    if (first) generations.set(a.channel, page.generation);
    return page;
  };
  return {
    authTest: () => aged('auth.test', {}, 'auth.test'),
    async teamInfo() {
      const r = await aged('team.info', {}, 'team.info');
      return typeof r['team'] === 'object' && r['team'] !== null ? (r['team'] as Json) : {};
    },
    async users(cursor, limit) {
      const r = await aged('users.list', defined({ cursor, limit }), 'users.list');
      return { items: list(r, 'members'), next: nextCursor(r) };
    },
    async conversations(types, cursor, limit) {
      const r = await aged('conversations.list', defined({ types: types.join(','), cursor, limit, exclude_archived: false }), 'conversations.list');
      return { items: list(r, 'channels'), next: nextCursor(r) };
    },
    async history(a) {
      const { result: r } = await historyPage(a);
      return { items: list(r, 'messages'), next: nextCursor(r) };
    },
    async replies(a) {
      const r = await call('conversations.replies', defined({ channel: a.channel, ts: a.ts, cursor: a.cursor, oldest: a.oldest, latest: a.latest, limit: a.limit }), `${a.channel} thread ${a.ts}`);
      return { items: list(r, 'messages'), next: nextCursor(r) };
    },
    async join(channel) {
      await call('conversations.join', { channel }, channel);
    },
  };
}
