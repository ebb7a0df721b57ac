/**
 * The only file that imports @slack/web-api. SDK retries are off and rate-limited calls are
 * rejected, so the runtime's call gate sees, waits for and counts every attempt.
 */
import slackWebApi from '@slack/web-api';
import type { ApiCallGate } from '../../core/component.js';
import { translateSlackError } from './slack-web.errors.js';

const { WebClient, LogLevel } = slackWebApi;

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
}

export interface RepliesArgs extends HistoryArgs {
  readonly ts: string;
}

export interface SlackClientOptions {
  readonly token: string;
  readonly apiUrl?: string | undefined;
  readonly timeoutMs: number;
  readonly calls?: ApiCallGate | undefined;
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
  return {
    authTest: () => call('auth.test', {}, 'auth.test'),
    async teamInfo() {
      const r = await call('team.info', {}, 'team.info');
      return typeof r['team'] === 'object' && r['team'] !== null ? (r['team'] as Json) : {};
    },
    async users(cursor, limit) {
      const r = await call('users.list', defined({ cursor, limit }), 'users.list');
      return { items: list(r, 'members'), next: nextCursor(r) };
    },
    async conversations(types, cursor, limit) {
      const r = await call('conversations.list', defined({ types: types.join(','), cursor, limit, exclude_archived: false }), 'conversations.list');
      return { items: list(r, 'channels'), next: nextCursor(r) };
    },
    async history(a) {
      const r = await call('conversations.history', defined({ channel: a.channel, cursor: a.cursor, oldest: a.oldest, latest: a.latest, limit: a.limit }), a.channel);
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
