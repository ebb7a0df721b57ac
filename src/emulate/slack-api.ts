/**
 * The Slack Web API methods a collector uses, served from a BundleStore: auth.test, team.info,
 * users.list, conversations.list/history/replies/join, with cursors, oldest/latest and limits.
 * Errors follow Slack: HTTP 200 with `{ok:false, error}`.
 */
import type { BundleStore, Json } from './bundle-store.js';
import { decodeCursor, encodeCursor, intParam } from './paging.js';

export interface SlackAccess {
  readonly token: string;
  readonly revokedTokens: ReadonlySet<string>;
  /** Scopes granted; null grants all. */
  readonly scopes: ReadonlySet<string> | null;
  /** Channels the app is not a member of (not_in_channel until it joins). */
  readonly notMemberOf: Set<string>;
  /** Largest `limit` for history and replies (15 under the non-marketplace profile). */
  readonly historyLimitMax: number;
}

export interface SlackReply {
  readonly body: Json;
}

const KIND_TYPE: Record<string, string> = { public: 'public_channel', private: 'private_channel', im: 'im', mpim: 'mpim' };
const KIND_SCOPE: Record<string, string> = { public: 'channels', private: 'groups', im: 'im', mpim: 'mpim' };

function fail(error: string, extra: Json = {}): SlackReply {
  return { body: { ok: false, error, ...extra } };
}

function page<T>(items: readonly T[], params: Record<string, string>, defaultLimit: number, maxLimit: number): { items: T[]; next: string } | null {
  let offset = 0;
  if (params['cursor']) {
    const c = decodeCursor(params['cursor']);
    if (c === null || typeof c['o'] !== 'number') return null;
    offset = c['o'];
  }
  const limit = intParam(params['limit'], defaultLimit, maxLimit);
  const slice = items.slice(offset, offset + limit);
  return { items: slice, next: offset + limit < items.length ? encodeCursor({ o: offset + limit }) : '' };
}

function inRange(ts: string, params: Record<string, string>): boolean {
  const t = Number(ts);
  const inclusive = params['inclusive'] === 'true' || params['inclusive'] === '1';
  if (params['oldest'] !== undefined && params['oldest'] !== '') {
    const o = Number(params['oldest']);
    if (inclusive ? t < o : t <= o) return false;
  }
  if (params['latest'] !== undefined && params['latest'] !== '') {
    const l = Number(params['latest']);
    if (inclusive ? t > l : t >= l) return false;
  }
  return true;
}

function isTopLevel(m: Json): boolean {
  const threadTs = m['thread_ts'];
  return threadTs === undefined || threadTs === m['ts'] || m['subtype'] === 'thread_broadcast';
}

export function handleSlack(method: string, params: Record<string, string>, authorization: string | undefined, store: BundleStore, access: SlackAccess): SlackReply {
  const token = authorization?.startsWith('Bearer ') ? authorization.slice(7) : (params['token'] ?? '');
  if (token === '') return fail('not_authed');
  if (access.revokedTokens.has(token)) return fail('token_revoked');
  if (token !== access.token) return fail('invalid_auth');
  const need = (scope: string): SlackReply | null =>
    access.scopes === null || access.scopes.has(scope) ? null : fail('missing_scope', { needed: scope, provided: [...access.scopes].join(',') });

  switch (method) {
    case 'auth.test':
      return { body: { ok: true, url: `https://${store.team.domain}.slack.com/`, team: store.team.name, user: 'convene', team_id: store.team.id, user_id: 'UCONVENE', bot_id: 'BCONVENE', is_enterprise_install: false } };
    case 'team.info':
      return need('team:read') ?? { body: { ok: true, team: { ...store.team, email_domain: '' } } };
    case 'users.list': {
      const denied = need('users:read');
      if (denied) return denied;
      const p = page(store.users, params, 100, 1000);
      if (p === null) return fail('invalid_cursor');
      return { body: { ok: true, members: p.items, cache_ts: 0, response_metadata: { next_cursor: p.next } } };
    }
    case 'conversations.list': {
      const types = (params['types'] || 'public_channel').split(',').map((t) => t.trim());
      for (const [kind, type] of Object.entries(KIND_TYPE)) {
        if (types.includes(type)) {
          const denied = need(`${KIND_SCOPE[kind]}:read`);
          if (denied) return denied;
        }
      }
      const excludeArchived = params['exclude_archived'] === 'true';
      const listed = store.channels
        .filter((c) => types.includes(KIND_TYPE[c.kind]!) && !(excludeArchived && c.raw['is_archived'] === true))
        .map((c) => ({ ...c.raw, is_channel: c.kind === 'public' || c.kind === 'private', is_private: c.kind !== 'public', is_im: c.kind === 'im', is_mpim: c.kind === 'mpim', is_member: !access.notMemberOf.has(c.id) }));
      const p = page(listed, params, 100, 1000);
      if (p === null) return fail('invalid_cursor');
      return { body: { ok: true, channels: p.items, response_metadata: { next_cursor: p.next } } };
    }
    case 'conversations.join': {
      const channel = store.channels.find((c) => c.id === params['channel']);
      if (channel === undefined) return fail('channel_not_found');
      if (channel.kind !== 'public') return fail('method_not_supported_for_channel_type');
      const denied = need('channels:join');
      if (denied) return denied;
      access.notMemberOf.delete(channel.id);
      return { body: { ok: true, channel: channel.raw } };
    }
    case 'conversations.history':
    case 'conversations.replies': {
      const channel = store.channels.find((c) => c.id === params['channel']);
      if (channel === undefined) return fail('channel_not_found');
      const denied = need(`${KIND_SCOPE[channel.kind]}:history`);
      if (denied) return denied;
      if (access.notMemberOf.has(channel.id)) return fail('not_in_channel');
      const all = store.messages.get(channel.id) ?? [];
      if (method === 'conversations.history') {
        const top = all.filter((m) => isTopLevel(m) && inRange(m['ts'] as string, params)).reverse();
        const p = page(top, params, Math.min(100, access.historyLimitMax), access.historyLimitMax);
        if (p === null) return fail('invalid_cursor');
        return { body: { ok: true, messages: p.items, has_more: p.next !== '', pin_count: 0, response_metadata: { next_cursor: p.next } } };
      }
      const ts = params['ts'];
      const parent = all.find((m) => m['ts'] === ts);
      if (ts === undefined || parent === undefined) return fail('thread_not_found');
      const threadTs = typeof parent['thread_ts'] === 'string' ? parent['thread_ts'] : (parent['ts'] as string);
      const root = all.find((m) => m['ts'] === threadTs) ?? parent;
      const replies = all.filter((m) => m['thread_ts'] === threadTs && m['ts'] !== threadTs && inRange(m['ts'] as string, params));
      const p = page([root, ...replies], params, Math.min(1000, access.historyLimitMax), access.historyLimitMax);
      if (p === null) return fail('invalid_cursor');
      return { body: { ok: true, messages: p.items, has_more: p.next !== '', response_metadata: { next_cursor: p.next } } };
    }
    default:
      return fail('unknown_method');
  }
}
