/**
 * `slack-web`: collects a workspace through the Slack Web API. Reads people and channels, then
 * every channel's history from its cursor (channels `concurrency` at a time), the replies of
 * new threads, and sweeps a lookback window for late replies to older threads, fetching only
 * threads whose reply_count/latest_reply changed. One checkpoint per page.
 */
import { z } from 'zod';
import type { ComponentContext, Source, SourceDef } from '../../core/component.js';
import type { Cursor, Envelope } from '../../core/envelope.js';
import { envelope } from '../../core/envelope.js';
import { ConveneError, ERROR_CODES } from '../../core/errors.js';
import type { Channel, InputProblem } from '../../core/records.js';
import { messageKey } from '../../core/records.js';
import { fromPages } from '../../core/rx.js';
import { mergeBounded } from '../common/bounded-merge.js';
import { PriorityConfig, priorityOrder } from '../common/priority.js';
import { answersOf } from '../../core/api-answers.js';
import { createSlackClient } from './slack-web.client.js';
import type { Json, SlackClient, SlackPage } from './slack-web.client.js';
import { mapApiChannel, mapSlackMessage, mapSlackUser, shiftTs, tsAfter, TYPE_OF_KIND } from './slack-web.mapping.js';
import { EMPTY_CHANNEL, slackWebPositionOf } from './slack-web.position.js';
import type { ChannelPosition } from './slack-web.position.js';

export const SlackWebConfig = z.object({
  /** A bot or user token (xoxb-/xoxp-); the runtime fills it from SLACK_TOKEN. Never logged. */
  token: z.string().min(1),
  /** The Web API base URL; the emulator's `http://127.0.0.1:PORT/api/` in tests. */
  apiUrl: z.string().url().optional(),
  /** Conversation kinds to read. */
  kinds: z.array(z.enum(['public', 'private', 'im', 'mpim'])).min(1).default(['public', 'private', 'im', 'mpim']),
  /** Only these channels (ids or names); absent: every channel of the kinds above. */
  channels: z.array(z.string().min(1)).optional(),
  /** Join public channels the app is not in, instead of skipping them with a warning. */
  joinChannels: z.boolean().default(false),
  /** Channels read at the same time. */
  concurrency: z.number().int().min(1).max(64).default(4),
  ...PriorityConfig,
  /** Objects per page (Slack `limit`); 15 is the most a non-marketplace app gets. */
  pageLimit: z.number().int().min(1).max(999).default(200),
  /** How far back an incremental run looks for new replies to older threads. */
  threadLookbackDays: z.number().min(0).default(14),
  timeoutMs: z.number().int().positive().default(30_000),
});
export type SlackWebConfig = z.infer<typeof SlackWebConfig>;

const TYPE = 'slack-web';

/** A page of one channel with the channel's position after it. */
interface ChannelPage {
  readonly channel: string;
  readonly position: ChannelPosition;
  readonly envelopes: Envelope[];
}

export const slackWebSource: SourceDef<SlackWebConfig, unknown> = {
  type: TYPE,
  summary: 'Collects people, channels, messages and thread replies through the Slack Web API, incrementally',
  config: SlackWebConfig,
  create(config, ctx): Source<unknown> {
    return {
      read: (from) => fromPages((signal) => collect(config, ctx, from, signal), ctx.gate),
    };
  },
};

function problem(code: string, subject: string, entry: string | null, message: string): Envelope {
  const payload: InputProblem = { code, source: 'slack', file: subject, entry, message };
  return envelope('problem', `${TYPE}:${subject}${entry === null ? '' : `#${entry}`}:${code}`, 0, subject, payload);
}

async function* allPages(fetch: (cursor: string | undefined) => Promise<SlackPage>): AsyncGenerator<Json[]> {
  let cursor: string | undefined;
  do {
    const page = await fetch(cursor);
    yield page.items;
    cursor = page.next ?? undefined;
  } while (cursor !== undefined);
}

async function* collect(config: SlackWebConfig, ctx: ComponentContext, from: Cursor | undefined, signal: AbortSignal): AsyncGenerator<Envelope[]> {
  const client = createSlackClient({ token: config.token, apiUrl: config.apiUrl, timeoutMs: config.timeoutMs, calls: ctx.calls, answers: answersOf(ctx.calls) });
  const log = ctx.logger.child({ source: TYPE });
  const book = new Map(Object.entries(slackWebPositionOf(TYPE, from).channels));
  const cursor = (): Cursor => ({ source: TYPE, position: { channels: Object.fromEntries(book) } });
  /** Puts the current position on the page's last envelope: the checkpoint after this page. */
  const withCursor = (envelopes: Envelope[]): Envelope[] => {
    if (envelopes.length === 0) return envelopes;
    const last = envelopes[envelopes.length - 1]!;
    envelopes[envelopes.length - 1] = { ...last, cursor: cursor() };
    return envelopes;
  };

  const auth = await client.authTest();
  // team.info needs team:read, which a collector can do without: without it, auth.test names the team.
  const team = await client.teamInfo().catch((err: unknown) => {
    if (err instanceof ConveneError && err.code === 'SLACK_MISSING_SCOPE') return { name: auth['team'], id: auth['team_id'] };
    throw err;
  });
  log.info({ team: team['name'], teamId: team['id'] ?? auth['team_id'] }, 'connected to Slack');

  for await (const members of allPages((c) => client.users(c, config.pageLimit))) {
    const out: Envelope[] = [];
    for (const [i, member] of members.entries()) {
      const mapped = mapSlackUser(member);
      out.push(mapped.ok ? envelope('person', mapped.value.key, 0, `${TYPE}:users.list`, mapped.value) : problem('INPUT_MALFORMED_RECORD', `${TYPE}:users.list`, String(i), mapped.reason));
    }
    yield withCursor(out);
  }

  const wanted = config.channels === undefined ? null : new Set(config.channels);
  const channels: Array<{ channel: Channel; isMember: boolean; updated: number | null }> = [];
  const types = config.kinds.map((k) => TYPE_OF_KIND[k]);
  for await (const entries of allPages((c) => client.conversations(types, c, config.pageLimit))) {
    const out: Envelope[] = [];
    for (const [i, entry] of entries.entries()) {
      const mapped = mapApiChannel(entry);
      if (!mapped.ok) {
        out.push(problem('INPUT_MALFORMED_RECORD', `${TYPE}:conversations.list`, String(i), mapped.reason));
        continue;
      }
      const ch = mapped.value;
      if (wanted !== null && !wanted.has(ch.id) && !wanted.has(ch.name)) continue;
      channels.push({ channel: ch, isMember: entry['is_member'] !== false, updated: typeof entry['updated'] === 'number' ? entry['updated'] : null });
      out.push(envelope('channel', ch.id, ch.created ?? 0, `${TYPE}:conversations.list`, ch));
    }
    yield withCursor(out);
  }
  if (wanted !== null) {
    const found = new Set(channels.flatMap((c) => [c.channel.id, c.channel.name]));
    const missing = [...wanted].filter((w) => !found.has(w));
    if (missing.length > 0) {
      log.warn({ channels: missing }, 'configured channels were not found');
      yield missing.map((m) => problem('SLACK_CHANNEL_NOT_FOUND', `${TYPE}:conversations.list`, m, `the channel "${m}" is not in conversations.list for this token. ${ERROR_CODES.SLACK_CHANNEL_NOT_FOUND.hint}`));
    }
  }

  // Most recently active first: the newest message the last run delivered, else Slack's `updated`, else creation.
  const ordered = priorityOrder(channels, ({ channel, updated }) => {
    const latest = book.get(channel.id)?.latest;
    return { id: channel.id, name: channel.name, lastActive: latest ? Number(latest) * 1000 : (updated ?? channel.created ?? null) };
  }, config);
  const producers = ordered.map(({ channel, isMember }) => () => channelPages(client, config, channel, isMember, book.get(channel.id) ?? EMPTY_CHANNEL, log));
  for await (const page of mergeBounded(producers, config.concurrency, signal)) {
    // Positions are applied in the order pages leave, so a checkpoint never covers a page still in flight.
    book.set(page.channel, page.position);
    yield withCursor(page.envelopes);
  }
}

function signature(parent: Json): string {
  return `${typeof parent['reply_count'] === 'number' ? parent['reply_count'] : 0}|${typeof parent['latest_reply'] === 'string' ? parent['latest_reply'] : ''}`;
}

function hasReplies(m: Json): boolean {
  return typeof m['reply_count'] === 'number' && m['reply_count'] > 0 && (m['thread_ts'] === undefined || m['thread_ts'] === m['ts']);
}

type Log = ComponentContext['logger'];

/** Every page of one channel: replies of its threads first, then the history page they hang off. */
async function* channelPages(client: SlackClient, config: SlackWebConfig, channel: Channel, isMember: boolean, start: ChannelPosition, log: Log): AsyncGenerator<ChannelPage> {
  const id = channel.id;
  let pos = start;
  const origin = (ts: string): string => `${TYPE}:${id}/${ts}`;
  const messageEnvelopes = (items: readonly Json[], skipTs?: string): Envelope[] =>
    items
      .filter((m) => m['ts'] !== skipTs)
      .map((m, i) => {
        const mapped = mapSlackMessage(m, id);
        return mapped.ok ? envelope('message', messageKey(id, mapped.value.ts), mapped.value.time, origin(mapped.value.ts), mapped.value) : problem('INPUT_MALFORMED_RECORD', `${TYPE}:${id}`, String(i), mapped.reason);
      });

  async function* threadPages(parentTs: string, oldest: string | undefined): AsyncGenerator<Envelope[]> {
    for await (const items of allPages((cursor) => client.replies({ channel: id, ts: parentTs, cursor, oldest, limit: config.pageLimit }))) {
      yield messageEnvelopes(items, parentTs);
    }
  }

  /** One pass over history in (oldest, latest); what is newer than pos.latest is new, the rest is lookback. */
  async function* pass(oldest: string | undefined, latest: string | undefined, horizon?: string): AsyncGenerator<ChannelPage> {
    let upper = pos.scan?.upper ?? null;
    let cursor: string | undefined;
    do {
      const page = await client.history({ channel: id, cursor, oldest, latest, limit: config.pageLimit, newest: pos.latest });
      cursor = page.next ?? undefined;
      const threads: Record<string, string> = { ...pos.threads };
      const fresh: Json[] = [];
      const changedParents: Json[] = [];
      for (const m of page.items) {
        const ts = typeof m['ts'] === 'string' ? m['ts'] : null;
        if (ts === null) continue;
        const isNew = pos.latest === null || tsAfter(ts, pos.latest);
        if (isNew) {
          fresh.push(m);
          if (hasReplies(m)) {
            for await (const replies of threadPages(ts, undefined)) yield { channel: id, position: pos, envelopes: replies };
            threads[ts] = signature(m);
          }
        } else if (hasReplies(m) && threads[ts] !== signature(m)) {
          // A late reply to an older thread: read only the replies after the last one seen.
          const seen = threads[ts]?.split('|')[1];
          for await (const replies of threadPages(ts, seen === undefined || seen === '' ? undefined : seen)) yield { channel: id, position: pos, envelopes: replies };
          threads[ts] = signature(m);
          changedParents.push(m);
        }
      }
      if (fresh.length > 0) {
        const stamps = fresh.map((m) => m['ts'] as string);
        upper ??= stamps.reduce((a, b) => (tsAfter(b, a) ? b : a));
        const below = stamps.reduce((a, b) => (tsAfter(a, b) ? b : a));
        pos = { latest: pos.latest, threads, scan: { upper, below } };
      } else pos = { ...pos, threads };
      if (cursor === undefined) {
        // Threads that fell out of the lookback window are not checked again.
        const kept = horizon === undefined ? pos.threads : Object.fromEntries(Object.entries(pos.threads).filter(([ts]) => !tsAfter(horizon, ts)));
        pos = { latest: upper ?? pos.latest, threads: kept };
      }
      yield { channel: id, position: pos, envelopes: messageEnvelopes([...fresh, ...changedParents]) };
    } while (cursor !== undefined);
  }

  try {
    if (!isMember && config.joinChannels && channel.kind === 'public') {
      await client.join(id);
      log.info({ channel: id }, 'joined the channel to read it');
    }
    if (pos.scan !== undefined) yield* pass(pos.latest ?? undefined, pos.scan.below);
    const lookback = Math.round(config.threadLookbackDays * 86_400);
    const oldest = pos.latest === null ? undefined : shiftTs(pos.latest, -lookback);
    yield* pass(oldest, undefined, oldest);
  } catch (err) {
    if (!(err instanceof ConveneError)) throw err;
    if (err.code === 'SLACK_NOT_IN_CHANNEL' || err.code === 'SLACK_CHANNEL_NOT_FOUND') {
      log.warn({ channel: id, code: err.code }, err.code === 'SLACK_NOT_IN_CHANNEL' ? 'skipping a channel the app is not in' : 'channel not found');
      yield { channel: id, position: pos, envelopes: [problem(err.code, `${TYPE}:${id}`, channel.name, `${err.message}. ${err.hint}`)] };
      return;
    }
    throw err;
  }
}
