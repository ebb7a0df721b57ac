/**
 * `convene explain CHANNEL TS [--db FILE] [--json]`: why a message was or was not linked to a
 * meeting. It reads the message, its thread parent, the people and the calendar events around
 * it from the database, runs detection and correlation again as the replay did, and prints
 * the detection, the stored link, and every candidate event with its score and cues.
 *
 * The replay saw the whole conversation; explain rebuilds the context it read the message with
 * from what it stored (the thread's or channel exchange's latest meeting signal and meeting, the
 * channel's members, the author's zone, who answered a proposal) and links through the same
 * `linkingInput` the replay uses, so its chosen event is the replay's. It says so when the stored
 * link came from context it cannot rebuild (a later reply that moved the thread).
 */
import { existsSync } from 'node:fs';
import { InputError, UsageError } from '../../core/errors.js';
import type { CalendarEvent, Message, Person, Signal } from '../../core/records.js';
import { DEFAULT_WINDOWS, DISCUSSED_WITHIN_MS, THRESHOLD, linkToEvent, scoreCandidates } from '../../operators/correlate.logic.js';
import { EventIndex } from '../../operators/event-index.logic.js';
import { IdentityIndex } from '../../operators/identity.logic.js';
import { detectSignal } from '../../operators/meeting-signals.logic.js';
import {
  SMALL_CHANNEL_MEMBERS, answeredContext, authorOffsetMinutes, channelContextWindowMs, declineBeforeMembersMeet, isAside, linkingInput,
} from '../../operators/meeting-intelligence.logic.js';
import { Database, type Row } from '../../sinks/duckdb/database.js';
import { mapSlackMessage } from '../../sources/slack-export/slack-export.mapping.js';

const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));
const jsonList = <T>(v: unknown): T[] => (typeof v === 'string' ? (JSON.parse(v) as T[]) : []);

function rowToEvent(r: Row): CalendarEvent {
  return {
    id: String(r['id']), calendarId: String(r['calendar_id']), iCalUid: str(r['ical_uid']), recurringEventId: str(r['recurring_event_id']),
    originalStart: num(r['original_start_ms']), summary: str(r['summary']), description: str(r['description']), location: str(r['location']),
    start: Number(r['start_ms']), end: Number(r['end_ms']), timeZone: str(r['time_zone']), allDay: Boolean(r['all_day']),
    status: String(r['status']) as CalendarEvent['status'], eventType: String(r['event_type']),
    organizer: r['organizer_email'] ? { email: String(r['organizer_email']), name: null } : null,
    attendees: jsonList(r['attendees']), conferenceLinks: jsonList(r['conference_links']),
    created: num(r['created_ms']), updated: num(r['updated_ms']), format: String(r['format']) as CalendarEvent['format'],
  };
}

function rowToPerson(r: Row): Person {
  return {
    key: String(r['key']), source: String(r['source']) as Person['source'], externalId: String(r['external_id']), email: str(r['email']),
    name: str(r['name']), displayName: str(r['display_name']), slackUserId: str(r['slack_user_id']), department: str(r['department']),
    title: str(r['title']), managerEmail: str(r['manager_email']), timezone: str(r['timezone']), tzOffsetMinutes: num(r['tz_offset_minutes']),
    isBot: Boolean(r['is_bot']), deleted: Boolean(r['deleted']),
  };
}

export interface Explanation {
  message: { channel: string; ts: string; time: string; user: string | null; text: string; threadTs: string | null };
  detection: { related: boolean; kind: string | null; confidence: number; evidence: string[]; times: Array<{ text: string; start: string; certain: boolean }> };
  stored: { signal: string | null; link: { meetingId: string; method: string; confidence: number; evidence: string[] } | null };
  thread: { parentText: string; parentMeeting: string | null } | null;
  /** The event linking chooses with the rebuilt context (null: none); a thread's later reply may still have moved the stored link. */
  chosen: { eventId: string; method: string } | null;
  candidates: Array<{ eventId: string; title: string | null; start: string; status: string; score: number; eligible: boolean; evidence: string[] }>;
  verdict: string;
}

async function loadMessage(db: Database, channel: string, ts: string): Promise<{ message: Message; channelId: string }> {
  const rows = await db.all(
    `SELECT m.channel_id, m.raw FROM messages m LEFT JOIN channels c ON c.id = m.channel_id
     WHERE (m.channel_id = ? OR c.name = ? OR '#' || c.name = ?) AND m.ts = ? LIMIT 1`,
    [channel, channel, channel, ts],
  );
  const row = rows[0];
  if (!row) throw new InputError('INPUT_NOT_FOUND', `${channel} ${ts}`, 'no message with this channel (id or name) and ts in the database');
  const channelId = String(row['channel_id']);
  const mapped = mapSlackMessage(JSON.parse(String(row['raw'])), channelId);
  if (!mapped.ok) throw new InputError('INPUT_MALFORMED_RECORD', `${channel} ${ts}`, mapped.reason);
  return { message: mapped.value, channelId };
}

/** A stored signal row as the replay emitted it. */
function rowToSignal(r: Row): Signal {
  return {
    channelId: String(r['channel_id']), ts: String(r['ts']), time: Number(r['time_ms']), userId: str(r['user_id']),
    kind: String(r['kind']) as Signal['kind'], confidence: Number(r['confidence']), evidence: jsonList(r['evidence']),
    times: jsonList(r['times']), links: jsonList(r['links']), threadTs: str(r['thread_ts']),
  };
}

const SIGNAL_COLUMNS = 'channel_id, ts, epoch_ms(time) AS time_ms, user_id, kind, confidence, evidence, times, links, thread_ts';

/**
 * The meeting of a thread (or a channel exchange) as the replay had it when the message came:
 * its first message's link, or else the first answer before the message that named a meeting by
 * its link, time or title (it settled the exchange). The links are the final ones, which a later
 * message may have moved.
 */
async function exchangeMeetingOf(db: Database, channelId: string, anchorTs: string, beforeTs: string, inThread: boolean): Promise<string | null> {
  const own = (await db.all('SELECT meeting_id FROM message_links WHERE channel_id = ? AND ts = ?', [channelId, anchorTs]))[0];
  if (own) return String(own['meeting_id']);
  const answers = inThread
    ? 'l.ts IN (SELECT ts FROM signals WHERE channel_id = ? AND thread_ts = ?)'
    : "l.ts IN (SELECT ts FROM signals WHERE channel_id = ? AND (thread_ts IS NULL OR thread_ts = ts) AND ts > ? AND CAST(evidence AS VARCHAR) LIKE '%\"channel:%')";
  const settled = (await db.all(
    `SELECT l.meeting_id FROM message_links l WHERE l.channel_id = ? AND ${answers} AND l.ts > ? AND l.ts < ? AND l.method IN ('link', 'time', 'title')
     ORDER BY l.ts LIMIT 1`,
    [channelId, channelId, anchorTs, anchorTs, beforeTs],
  ))[0];
  return settled ? String(settled['meeting_id']) : null;
}

/**
 * The context the replay read the message with, rebuilt from what it stored: for a reply, the
 * thread's latest meeting signal before it and the meeting its parent is linked to; for a
 * top-level message, the channel's latest top-level meeting message (not itself an answer)
 * within the channel's context window. The meeting is the one stored at the end of the replay,
 * which a later message may have moved.
 */
async function contextOf(db: Database, m: Message, channelId: string, memberCount: number): Promise<{ parent: { signal: Signal | null; text: string }; meetingId: string | null } | undefined> {
  const isReply = m.threadTs !== null && m.threadTs !== m.ts;
  if (isReply) {
    const p = await loadMessage(db, channelId, m.threadTs!).catch(() => null);
    if (!p) return undefined;
    const latest = (await db.all(
      `SELECT ${SIGNAL_COLUMNS} FROM signals WHERE channel_id = ? AND (ts = ? OR thread_ts = ?) AND ts < ? ORDER BY ts DESC LIMIT 1`,
      [channelId, m.threadTs!, m.threadTs!, m.ts],
    ))[0];
    return { parent: { signal: latest ? rowToSignal(latest) : null, text: p.message.text }, meetingId: await exchangeMeetingOf(db, channelId, m.threadTs!, m.ts, true) };
  }
  const rows = await db.all(
    `SELECT ${SIGNAL_COLUMNS} FROM signals WHERE channel_id = ? AND ts < ? AND (thread_ts IS NULL OR thread_ts = ts)
       AND CAST(evidence AS VARCHAR) NOT LIKE '%"channel:%'
     ORDER BY ts DESC LIMIT 1`,
    [channelId, m.ts],
  );
  const latest = rows[0];
  if (!latest) return undefined;
  const signal = rowToSignal(latest);
  if (m.time - signal.time > channelContextWindowMs(memberCount)) return undefined;
  const p = await loadMessage(db, channelId, signal.ts).catch(() => null);
  return { parent: { signal, text: p?.message.text ?? '' }, meetingId: await exchangeMeetingOf(db, channelId, signal.ts, m.ts, false) };
}

/** The calendar events the channel's earlier messages of the last days are linked to (what the replay calls discussed). */
async function discussedIn(db: Database, m: Message, channelId: string): Promise<Set<string>> {
  const rows = await db.all(
    `SELECT DISTINCT l.meeting_id FROM message_links l JOIN calendar_events e ON e.id = l.meeting_id
     WHERE l.channel_id = ? AND CAST(l.ts AS DOUBLE) < ? AND CAST(l.ts AS DOUBLE) >= ?`,
    [channelId, Number(m.ts), (m.time - DISCUSSED_WITHIN_MS) / 1000],
  );
  return new Set(rows.map((r) => String(r['meeting_id'])));
}

/** Who answered a proposal in its thread with a yes or a no (not its author), when the replay let them decide its meeting. */
async function answerersOf(db: Database, m: Message, channelId: string): Promise<string[]> {
  const rows = await db.all(
    `SELECT DISTINCT user_id FROM signals WHERE channel_id = ? AND thread_ts = ? AND ts <> ? AND kind IN ('confirm', 'decline') AND user_id IS NOT NULL`,
    [channelId, m.ts, m.ts],
  );
  return rows.map((r) => String(r['user_id'])).filter((u) => u !== m.userId).sort();
}

export async function explainMessage(db: Database, channel: string, ts: string): Promise<Explanation> {
  const { message: m, channelId } = await loadMessage(db, channel, ts);
  const identities = new IdentityIndex();
  const zones = new Map<string, { tz: string | null; offsetMinutes: number | null }>();
  for (const r of await db.all('SELECT * FROM people')) {
    const p = rowToPerson(r);
    identities.add(p);
    if (p.slackUserId) zones.set(p.slackUserId, { tz: p.timezone, offsetMinutes: p.tzOffsetMinutes });
  }
  const events = new EventIndex();
  const from = m.time - DEFAULT_WINDOWS.followUpMs - 2 * 86_400_000;
  const to = m.time + DEFAULT_WINDOWS.lookbackMs + 86_400_000;
  for (const r of await db.all(
    `SELECT *, epoch_ms(start_time) AS start_ms, epoch_ms(end_time) AS end_ms, epoch_ms(original_start) AS original_start_ms,
            epoch_ms(created) AS created_ms, epoch_ms(updated) AS updated_ms
     FROM calendar_events WHERE start_time >= make_timestamptz(?::BIGINT * 1000) AND start_time < make_timestamptz(?::BIGINT * 1000)`,
    [from, to],
  )) {
    events.add(rowToEvent(r));
  }
  const zone = m.userId ? zones.get(m.userId) : undefined;
  const offset = authorOffsetMinutes(zone ?? { tz: null, offsetMinutes: null }, m.time);
  const members = jsonList<string>((await db.all('SELECT members FROM channels WHERE id = ?', [channelId]))[0]?.['members']);
  const memberEmails = members.map((u) => identities.emailForSlackId(u)).filter((e): e is string => e !== undefined);
  // The replay reads a channel it has no member list for as a big one.
  const memberCount = members.length > 0 ? members.length : Number.POSITIVE_INFINITY;

  const isReply = m.threadTs !== null && m.threadTs !== m.ts;
  const context = await contextOf(db, m, channelId, memberCount);
  const thread: Explanation['thread'] = isReply && context ? { parentText: context.parent.text, parentMeeting: context.meetingId } : null;
  let signal = detectSignal({ message: m, tzOffsetMinutes: offset, tz: zone?.tz ?? null, ...(context ? { parent: context.parent } : {}) });
  if (signal === null && !isReply && memberCount <= SMALL_CHANNEL_MEMBERS) {
    signal = declineBeforeMembersMeet(m, events, m.userId ? identities.emailForSlackId(m.userId) : undefined, memberEmails);
  }
  const storedSignal = (await db.all('SELECT kind FROM signals WHERE channel_id = ? AND ts = ?', [channelId, m.ts]))[0];
  const storedLink = (await db.all('SELECT meeting_id, method, confidence, evidence FROM message_links WHERE channel_id = ? AND ts = ?', [channelId, m.ts]))[0];

  let candidates: Explanation['candidates'] = [];
  let chosen: Explanation['chosen'] = null;
  let verdict: string;
  if (signal === null) {
    verdict = storedSignal ? 'detected in the replay only: its context (an earlier message in the channel) made it meeting-related' : 'not meeting-related: no cue named a specific meeting or did something to one';
  } else {
    const redecided = storedLink !== undefined && jsonList<string>(storedLink['evidence']).includes('repliers:attendees') && !isReply;
    const participants = redecided ? await answerersOf(db, m, channelId) : undefined;
    const input = linkingInput({
      message: m, signal, identities, events, windows: DEFAULT_WINDOWS, channelMemberEmails: memberEmails,
      context: answeredContext(m, signal, context ? { meetingId: context.meetingId } : undefined), tzOffsetMinutes: offset,
      ...(participants ? { participants } : {}), ...(isAside(m.text) ? {} : { discussed: await discussedIn(db, m, channelId) }),
    });
    const link = linkToEvent(input.signal, input.ctx);
    chosen = link ? { eventId: link.eventId, method: link.method } : null;
    candidates = scoreCandidates(input.signal, input.ctx).slice(0, 12).map((c) => ({
      eventId: c.event.id, title: c.event.summary, start: new Date(c.event.start).toISOString(), status: c.event.status,
      score: Math.round(c.score * 1000) / 1000, eligible: c.eligible, evidence: c.evidence,
    }));
    const best = candidates.find((c) => c.eligible);
    if (storedLink) {
      const method = String(storedLink['method']);
      const ev = jsonList<string>(storedLink['evidence']);
      verdict =
        method === 'thread' ? (ev.includes('thread:later') ? 'linked through its thread: a later reply named the meeting, and the thread followed it' : 'linked through its thread (or the channel message it answers)')
        : method === 'huddle' ? 'a huddle: it is its own Slack-only meeting'
        : String(storedLink['meeting_id']).startsWith('slack:') ? 'an ad hoc call with no calendar event: a Slack-only meeting'
        : `linked by ${method}: the best candidate scored at least ${THRESHOLD} and led the next one`;
    } else if (best === undefined) {
      verdict = 'not linked: no calendar event shares its link, time or title words';
    } else if (best.score < THRESHOLD) {
      verdict = `not linked: the best candidate scored ${best.score}, below the threshold ${THRESHOLD}`;
    } else {
      verdict = 'not linked: two candidates scored within 0.02 of each other (say, two instances of a series) and none was preferred';
    }
  }
  return {
    message: { channel: channelId, ts: m.ts, time: new Date(m.time).toISOString(), user: m.userId, text: m.text, threadTs: m.threadTs },
    detection: {
      related: signal !== null, kind: signal?.kind ?? null, confidence: signal?.confidence ?? 0, evidence: signal?.evidence ?? [],
      times: (signal?.times ?? []).map((t) => ({ text: t.text, start: new Date(t.start).toISOString(), certain: t.certain })),
    },
    stored: {
      signal: storedSignal ? String(storedSignal['kind']) : null,
      link: storedLink
        ? { meetingId: String(storedLink['meeting_id']), method: String(storedLink['method']), confidence: Number(storedLink['confidence']), evidence: jsonList<string>(storedLink['evidence']) }
        : null,
    },
    thread,
    chosen,
    candidates,
    verdict,
  };
}

export function formatExplanation(x: Explanation): string {
  const lines = [
    `message   ${x.message.channel} ${x.message.ts}  ${x.message.time}  by ${x.message.user ?? '?'}`,
    `          ${JSON.stringify(x.message.text.slice(0, 200))}`,
  ];
  if (x.thread) lines.push(`thread    parent ${JSON.stringify(x.thread.parentText.slice(0, 120))} → ${x.thread.parentMeeting ?? 'not linked'}`);
  lines.push(x.detection.related ? `detected  ${x.detection.kind} ${x.detection.confidence.toFixed(2)}: ${x.detection.evidence.join('  ')}` : 'detected  not meeting-related');
  for (const t of x.detection.times) lines.push(`          "${t.text}" = ${t.start}${t.certain ? '' : ' (approximate)'}`);
  lines.push(`stored    ${x.stored.signal ?? 'no signal'}; ${x.stored.link ? `linked to ${x.stored.link.meetingId} by ${x.stored.link.method} (${x.stored.link.confidence}; ${x.stored.link.evidence.join(', ')})` : 'not linked'}`);
  if (x.detection.related) lines.push(`chosen    ${x.chosen ? `${x.chosen.eventId} by ${x.chosen.method}` : 'none'} (linking again with the rebuilt context)`);
  lines.push(`verdict   ${x.verdict}`);
  if (x.candidates.length > 0) {
    lines.push('candidates (score, start, event, cues; * = a link, time or title points at it)');
    for (const c of x.candidates) lines.push(`  ${c.eligible ? '*' : ' '} ${c.score.toFixed(3).padStart(6)}  ${c.start.slice(0, 16)}Z  ${c.eventId}  ${JSON.stringify(c.title)}${c.status === 'cancelled' ? ' (cancelled)' : ''}  ${c.evidence.join(' ')}`);
  }
  return lines.join('\n');
}

export async function runExplain(channel: string, ts: string, opts: { db: string; json?: boolean }): Promise<number> {
  if (!/^\d+\.\d+$/.test(ts)) throw new UsageError(`TS must be a Slack ts such as 1772636400.000200, not "${ts}"`);
  if (!existsSync(opts.db)) throw new InputError('INPUT_NOT_FOUND', opts.db, 'no database here; run `convene replay` first or pass --db');
  const db = await Database.open(opts.db, { readOnly: true });
  try {
    const x = await explainMessage(db, channel, ts);
    process.stdout.write((opts.json ? JSON.stringify(x, null, 2) : formatExplanation(x)) + '\n');
    return 0;
  } finally {
    db.close();
  }
}
