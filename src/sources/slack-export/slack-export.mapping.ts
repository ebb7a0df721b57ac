/**
 * Pure mapping from Slack export JSON (users.json, channels.json & co, day files) to the
 * record contracts. No I/O; every function takes the parsed vendor object.
 */
import type { Channel, Huddle, Message, MessageFile, Person } from '../../core/records.js';
import { tsToMillis } from '../../core/records.js';
import { isRecord } from '../common/files.js';
import { secondsToMillis, str, text } from '../common/emit.js';
import { findUrls, unique } from '../common/urls.js';

export type Mapped<T> = { ok: true; value: T } | { ok: false; reason: string };

type Json = Record<string, unknown>;

function obj(value: unknown): Json {
  return isRecord(value) ? value : {};
}

function arr(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function strings(value: unknown): string[] {
  return arr(value).filter((v): v is string => typeof v === 'string');
}

/** A users.json / org_users.json member → person. */
export function mapSlackUser(user: unknown): Mapped<Person> {
  if (!isRecord(user)) return { ok: false, reason: 'a user entry is not a JSON object' };
  const id = text(user['id']);
  if (id === null) return { ok: false, reason: 'the user has no "id"' };
  const profile = obj(user['profile']);
  const offset = typeof user['tz_offset'] === 'number' ? Math.round(user['tz_offset'] / 60) : null;
  return {
    ok: true,
    value: {
      key: `slack:${id}`,
      source: 'slack',
      externalId: id,
      email: text(profile['email']),
      name: text(user['real_name']) ?? text(profile['real_name']) ?? text(user['name']),
      displayName: text(profile['display_name']),
      slackUserId: id,
      department: null,
      title: text(profile['title']),
      managerEmail: null,
      timezone: text(user['tz']),
      tzOffsetMinutes: offset,
      isBot: user['is_bot'] === true || id === 'USLACKBOT',
      deleted: user['deleted'] === true,
    },
  };
}

/** An entry of channels.json (public), groups.json (private), dms.json (im) or mpims.json (mpim). */
export function mapSlackChannel(entry: unknown, kind: Channel['kind']): Mapped<Channel> {
  if (!isRecord(entry)) return { ok: false, reason: 'a channel entry is not a JSON object' };
  const id = text(entry['id']);
  if (id === null) return { ok: false, reason: 'the channel has no "id"' };
  return {
    ok: true,
    value: {
      id,
      // DMs have no name; their folder is named after the D id.
      name: kind === 'im' ? id : (text(entry['name']) ?? id),
      kind,
      created: secondsToMillis(entry['created']),
      creator: text(entry['creator']),
      members: strings(entry['members']),
      topic: text(obj(entry['topic'])['value']),
      purpose: text(obj(entry['purpose'])['value']),
      isArchived: entry['is_archived'] === true,
    },
  };
}

/** The channel record for a folder that none of the metadata files describes. */
export function synthesizedChannel(folder: string): Channel {
  const kind: Channel['kind'] = /^D[A-Z0-9]+$/.test(folder) ? 'im' : folder.startsWith('mpdm-') ? 'mpim' : 'public';
  return { id: folder, name: folder, kind, created: null, creator: null, members: [], topic: null, purpose: null, isArchived: false };
}

/** Remove `t=xox…` export tokens from a file URL; they are secrets. */
export function stripToken(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const hashAt = url.indexOf('#', q);
  const query = url.slice(q + 1, hashAt < 0 ? undefined : hashAt);
  const hash = hashAt < 0 ? '' : url.slice(hashAt);
  const kept = query.split('&').filter((part) => !/^t=xox/i.test(part));
  return url.slice(0, q) + (kept.length > 0 && kept.join('') !== '' ? `?${kept.join('&')}` : '') + hash;
}

function mapFile(file: unknown): MessageFile | null {
  if (!isRecord(file)) return null;
  const url = text(file['url_private']) ?? text(file['permalink']) ?? text(file['url']);
  return {
    id: text(file['id']) ?? '',
    name: text(file['name']),
    title: text(file['title']),
    mimetype: text(file['mimetype']),
    mode: text(file['mode']),
    externalType: text(file['external_type']),
    url: url === null ? null : stripToken(url),
  };
}

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>/g;
const ANGLE_LINK = /<(https?:\/\/[^|>]+)(?:\|[^>]*)?>/g;

export function extractMentions(...texts: string[]): string[] {
  const out: string[] = [];
  for (const t of texts) for (const m of t.matchAll(MENTION)) out.push(m[1]!);
  return unique(out);
}

/** URLs in Slack markup: `<https://…|label>`, `<https://…>`, and bare URLs outside the brackets. */
export function extractTextLinks(value: string): string[] {
  const out: string[] = [];
  for (const m of value.matchAll(ANGLE_LINK)) out.push(m[1]!);
  out.push(...findUrls(value.replace(/<[^>]*>/g, ' ')));
  return out;
}

/** Collect text and link URLs from a Block Kit element tree. */
function walkBlock(node: unknown, texts: string[], links: string[]): void {
  if (Array.isArray(node)) {
    for (const child of node) walkBlock(child, texts, links);
    return;
  }
  if (!isRecord(node)) return;
  const type = node['type'];
  if (type === 'link' && typeof node['url'] === 'string') {
    links.push(node['url']);
    texts.push(text(node['text']) ?? node['url']);
  } else if ((type === 'text' || type === 'mrkdwn' || type === 'plain_text') && typeof node['text'] === 'string') {
    texts.push(node['text']);
  } else if (type === 'user' && typeof node['user_id'] === 'string') {
    texts.push(`<@${node['user_id']}>`);
  } else if (isRecord(node['text'])) {
    walkBlock(node['text'], texts, links);
  }
  if (typeof node['url'] === 'string' && type !== 'link') links.push(node['url']);
  for (const field of ['elements', 'fields', 'accessory']) walkBlock(node[field], texts, links);
}

interface BlockContent {
  readonly texts: string[];
  readonly links: string[];
}

/**
 * Text and links of the message's blocks. A `rich_text` block mirrors `text` when the
 * message has text, so its words are not repeated in extraText (its links still count).
 */
function blockContent(blocks: unknown, hasText: boolean): BlockContent {
  const texts: string[] = [];
  const links: string[] = [];
  for (const block of arr(blocks)) {
    const blockTexts: string[] = [];
    walkBlock(block, blockTexts, links);
    const mirrors = isRecord(block) && block['type'] === 'rich_text' && hasText;
    if (!mirrors && blockTexts.length > 0) texts.push(blockTexts.join(''));
  }
  return { texts, links };
}

function attachmentContent(attachments: unknown): BlockContent {
  const texts: string[] = [];
  const links: string[] = [];
  for (const a of arr(attachments)) {
    if (!isRecord(a)) continue;
    for (const field of ['pretext', 'title', 'text', 'fallback']) {
      const v = text(a[field]);
      if (v !== null) texts.push(v);
    }
    for (const f of arr(a['fields'])) {
      const fr = obj(f);
      const line = [text(fr['title']), text(fr['value'])].filter((v) => v !== null).join(': ');
      if (line !== '') texts.push(line);
    }
    for (const field of ['title_link', 'from_url', 'original_url']) {
      const v = text(a[field]);
      if (v !== null) links.push(v);
    }
    const nested = blockContent(a['blocks'], false);
    texts.push(...nested.texts);
    links.push(...nested.links);
  }
  return { texts, links };
}

export function isHuddleMessage(message: Json): boolean {
  return obj(message['room'])['call_family'] === 'huddle' || message['subtype'] === 'huddle_thread' || message['subtype'] === 'sh_room_created';
}

function nonZeroMillis(value: unknown): number | null {
  const ms = secondsToMillis(value);
  return ms === null || ms === 0 ? null : ms;
}

export function mapHuddle(room: unknown): Huddle {
  const r = obj(room);
  const history = strings(r['participant_history']);
  return {
    roomId: text(r['id']),
    name: str(r['name']),
    createdBy: text(r['created_by']),
    dateStart: nonZeroMillis(r['date_start']),
    dateEnd: nonZeroMillis(r['date_end']),
    participants: history.length > 0 ? history : strings(r['participants']),
  };
}

const TS = /^\d+\.\d+$/;

function normalizeTs(value: unknown): string | null {
  if (typeof value === 'string') return TS.test(value) ? value : null;
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value.toFixed(6);
  return null;
}

/** One message object of a day file → Message. */
export function mapSlackMessage(message: unknown, channelId: string): Mapped<Message> {
  if (!isRecord(message)) return { ok: false, reason: 'the entry is not a JSON object' };
  const ts = normalizeTs(message['ts']);
  if (ts === null) return { ok: false, reason: message['ts'] === undefined ? 'the entry has no "ts", so it is not a message' : `the "ts" ${JSON.stringify(message['ts'])} is not a Slack timestamp` };

  const body = str(message['text']) ?? '';
  const blocks = blockContent(message['blocks'], body.trim() !== '');
  const attachments = attachmentContent(message['attachments']);
  const extraText = unique([...attachments.texts, ...blocks.texts].filter((t) => t !== body)).join('\n');

  const files: MessageFile[] = [];
  for (const f of [...arr(message['files']), message['file']]) {
    const mapped = mapFile(f);
    if (mapped !== null) files.push(mapped);
  }

  const huddle = isHuddleMessage(message) ? mapHuddle(message['room']) : null;
  const threadTs = str(message['thread_ts']);
  const replyCount = typeof message['reply_count'] === 'number' ? Math.trunc(message['reply_count']) : 0;
  const botProfile = obj(message['bot_profile']);

  return {
    ok: true,
    value: {
      channelId,
      ts,
      time: tsToMillis(ts),
      userId: huddle?.createdBy ?? text(message['user']),
      botId: text(message['bot_id']),
      botName: text(botProfile['name']) ?? text(message['username']),
      subtype: text(message['subtype']),
      text: body,
      extraText,
      threadTs,
      isThreadParent: (threadTs === ts && replyCount > 0) || arr(message['replies']).length > 0,
      replyCount,
      editedTs: text(obj(message['edited'])['ts']),
      files,
      links: unique([...extractTextLinks(body), ...attachments.links, ...blocks.links, ...attachments.texts.flatMap(extractTextLinks)]),
      mentions: extractMentions(body, extraText),
      huddle,
      raw: JSON.stringify(message),
    },
  };
}
