/**
 * The Google endpoints a collector uses, served from a BundleStore: Calendar events.list with
 * pages, sync tokens and 410 on a stale one; Drive files.list, changes.getStartPageToken and
 * changes.list; Directory users.list. Errors carry Google's `{error:{code,message,errors[]}}`.
 * events.list and users.list carry an ETag (in the body and the header) and answer a request
 * whose If-None-Match names it with 304 Not Modified, as Google does.
 */
import { createHash } from 'node:crypto';
import type { BundleStore, Json, Versioned } from './bundle-store.js';
import { decodeCursor, encodeCursor, intParam } from './paging.js';

export interface GoogleReply {
  readonly status: number;
  readonly body: Json;
  /** The answer's validator: a request with this If-None-Match gets 304 instead. */
  readonly etag?: string;
}

function etagOf(value: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(value)).digest('base64url').slice(0, 22)}"`;
}

/** A 200 with its ETag in the body (where Google's JSON lists carry it) and in the reply. */
function tagged(body: Json, etag: string): GoogleReply {
  return { status: 200, body: { ...body, etag }, etag };
}

export interface GoogleAccess {
  readonly token: string;
}

function error(status: number, reason: string, message: string, domain = 'global'): GoogleReply {
  return { status, body: { error: { code: status, message, errors: [{ domain, reason, message }] } } };
}

function bySeq(a: Versioned, b: Versioned): number {
  return a.seq - b.seq;
}

/** The method name for rate limits and counters, or null when the path is not served. */
export function googleMethod(path: string): { api: string; method: string } | null {
  if (/^\/calendar\/v3\/calendars\/[^/]+\/events$/.test(path)) return { api: 'calendar', method: 'events.list' };
  if (path === '/drive/v3/files') return { api: 'drive', method: 'files.list' };
  if (path === '/drive/v3/changes/startPageToken') return { api: 'drive', method: 'changes.getStartPageToken' };
  if (path === '/drive/v3/changes') return { api: 'drive', method: 'changes.list' };
  if (path === '/admin/directory/v1/users') return { api: 'directory', method: 'users.list' };
  return null;
}

export function handleGoogle(path: string, params: Record<string, string>, authorization: string | undefined, store: BundleStore, access: GoogleAccess): GoogleReply {
  if (authorization !== `Bearer ${access.token}`) return error(401, 'authError', 'Request had invalid authentication credentials.');
  const cal = /^\/calendar\/v3\/calendars\/([^/]+)\/events$/.exec(path);
  if (cal) return listEvents(decodeURIComponent(cal[1]!), params, store);
  if (path === '/drive/v3/files') {
    const files = [...store.driveFiles.values()].sort(bySeq).map((v) => v.value);
    const offset = params['pageToken'] ? Number(decodeCursor(params['pageToken'])?.['o'] ?? NaN) : 0;
    if (!Number.isInteger(offset)) return error(400, 'invalid', 'Invalid pageToken');
    const size = intParam(params['pageSize'], 100, 1000);
    const next = offset + size < files.length ? encodeCursor({ o: offset + size }) : undefined;
    return { status: 200, body: { kind: 'drive#fileList', incompleteSearch: false, files: files.slice(offset, offset + size), ...(next ? { nextPageToken: next } : {}) } };
  }
  if (path === '/drive/v3/changes/startPageToken') return { status: 200, body: { kind: 'drive#startPageToken', startPageToken: String(store.seq) } };
  if (path === '/drive/v3/changes') {
    const from = Number(params['pageToken']);
    if (!Number.isInteger(from) || from < 0) return error(400, 'invalid', 'Invalid pageToken');
    const size = intParam(params['pageSize'], 100, 1000);
    const changed = [...store.driveFiles.values()].filter((v) => v.seq > from).sort(bySeq);
    const pageItems = changed.slice(0, size);
    const body: Json = {
      kind: 'drive#changeList',
      changes: pageItems.map((v) => ({ kind: 'drive#change', changeType: 'file', fileId: v.value['id'], removed: false, file: v.value, time: new Date(0).toISOString() })),
    };
    if (changed.length > size) body['nextPageToken'] = String(pageItems[pageItems.length - 1]!.seq);
    else body['newStartPageToken'] = String(store.seq);
    return { status: 200, body };
  }
  if (path === '/admin/directory/v1/users') {
    if (!params['customer'] && !params['domain']) return error(400, 'badRequest', 'Bad Request: customer or domain is required');
    const offset = params['pageToken'] ? Number(decodeCursor(params['pageToken'])?.['o'] ?? NaN) : 0;
    if (!Number.isInteger(offset)) return error(400, 'invalid', 'Invalid pageToken');
    const size = intParam(params['maxResults'], 100, 500);
    const next = offset + size < store.directoryUsers.length ? encodeCursor({ o: offset + size }) : undefined;
    const body = { kind: 'admin#directory#users', users: store.directoryUsers.slice(offset, offset + size), ...(next ? { nextPageToken: next } : {}) };
    return tagged(body, etagOf(body));
  }
  return error(404, 'notFound', 'Not Found');
}

/**
 * events.list: a full listing pins the change counter in its page tokens so its pages agree,
 * and hands the counter out as `nextSyncToken` on the last page; a sync token lists what changed
 * after it. A token from an earlier epoch of the calendar is stale: 410 fullSyncRequired.
 */
function listEvents(calendarId: string, params: Record<string, string>, store: BundleStore): GoogleReply {
  const calendar = store.calendars.get(calendarId);
  if (calendar === undefined) return error(404, 'notFound', 'Not Found');
  let after = 0;
  let upTo = store.seq;
  let offset = 0;
  if (params['pageToken']) {
    const c = decodeCursor(params['pageToken']);
    if (c === null || typeof c['o'] !== 'number' || typeof c['a'] !== 'number' || typeof c['u'] !== 'number') return error(400, 'invalid', 'Invalid pageToken');
    ({ o: offset, a: after, u: upTo } = c as { o: number; a: number; u: number });
  } else if (params['syncToken']) {
    const c = decodeCursor(params['syncToken']);
    if (c === null || c['e'] !== calendar.epoch || typeof c['s'] !== 'number') {
      return error(410, 'fullSyncRequired', 'Sync token is no longer valid, a full sync is required.', 'calendar');
    }
    after = c['s'];
  }
  const showDeleted = params['showDeleted'] === 'true' || after > 0;
  const all = [...calendar.events.values()]
    .filter((v) => v.seq > after && v.seq <= upTo && (showDeleted || v.value['status'] !== 'cancelled'))
    .sort((a, b) => a.seq - b.seq);
  const size = intParam(params['maxResults'], 250, 2500);
  const items = all.slice(offset, offset + size).map((v) => v.value);
  const body: Json = { kind: 'calendar#events', summary: calendar.id, timeZone: calendar.timeZone, items };
  if (offset + size < all.length) body['nextPageToken'] = encodeCursor({ o: offset + size, a: after, u: upTo });
  else body['nextSyncToken'] = encodeCursor({ e: calendar.epoch, s: upTo });
  // The ETag is the calendar's state and the request: the organization's change counter in a
  // nextSyncToken moves with changes elsewhere, but an earlier token of an unchanged calendar
  // lists the same (nothing), so the cached answer is still right.
  const changedUpTo = Math.max(0, ...[...calendar.events.values()].map((v) => v.seq));
  return tagged(body, etagOf({ calendar: calendar.id, epoch: calendar.epoch, changedUpTo, events: calendar.events.size, params }));
}
