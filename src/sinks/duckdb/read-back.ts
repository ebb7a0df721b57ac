/**
 * Records read back from a convene database: what an incremental run needs from earlier runs
 * (people and calendar events for the indexes, channels and messages for the intelligence).
 * The inverse of the table specs in schema.ts.
 */
import type { CalendarEvent, Channel, Message, Person } from '../../core/records.js';
import type { Database, Row } from './database.js';

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : v === null || v === undefined ? null : Number(v));
const str = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));
const json = <T>(v: unknown, fallback: T): T => (v === null || v === undefined ? fallback : (JSON.parse(String(v)) as T));

export async function readPeople(db: Database): Promise<Person[]> {
  return (await db.all('SELECT * FROM people ORDER BY key')).map((r: Row) => ({
    key: String(r['key']),
    source: String(r['source']) as Person['source'],
    externalId: String(r['external_id']),
    email: str(r['email']),
    name: str(r['name']),
    displayName: str(r['display_name']),
    slackUserId: str(r['slack_user_id']),
    department: str(r['department']),
    title: str(r['title']),
    managerEmail: str(r['manager_email']),
    timezone: str(r['timezone']),
    tzOffsetMinutes: r['tz_offset_minutes'] === null ? null : Number(r['tz_offset_minutes']),
    isBot: Boolean(r['is_bot']),
    deleted: Boolean(r['deleted']),
  }));
}

export async function readCalendarEvents(db: Database): Promise<CalendarEvent[]> {
  return (await db.all('SELECT * FROM calendar_events ORDER BY calendar_id, id')).map((r: Row) => ({
    id: String(r['id']),
    calendarId: String(r['calendar_id']),
    iCalUid: str(r['ical_uid']),
    recurringEventId: str(r['recurring_event_id']),
    originalStart: ms(r['original_start']),
    summary: str(r['summary']),
    description: str(r['description']),
    location: str(r['location']),
    start: ms(r['start_time'])!,
    end: ms(r['end_time'])!,
    timeZone: str(r['time_zone']),
    allDay: Boolean(r['all_day']),
    status: String(r['status']) as CalendarEvent['status'],
    eventType: String(r['event_type']),
    organizer: r['organizer_email'] === null ? null : { email: str(r['organizer_email']), name: null },
    attendees: json(r['attendees'], []),
    conferenceLinks: json(r['conference_links'], []),
    created: ms(r['created']),
    updated: ms(r['updated']),
    format: String(r['format']) as CalendarEvent['format'],
  }));
}

export async function readChannels(db: Database, ids?: readonly string[]): Promise<Channel[]> {
  const where = ids ? `WHERE id IN (SELECT unnest(?::VARCHAR[]))` : '';
  return (await db.all(`SELECT * FROM channels ${where} ORDER BY name, id`, ids ? [JSON.stringify(ids)] : [])).map((r: Row) => ({
    id: String(r['id']),
    name: String(r['name']),
    kind: String(r['kind']) as Channel['kind'],
    created: ms(r['created']),
    creator: str(r['creator']),
    members: json(r['members'], []),
    topic: str(r['topic']),
    purpose: str(r['purpose']),
    isArchived: Boolean(r['is_archived']),
  }));
}

function toMessage(r: Row): Message {
  return {
    channelId: String(r['channel_id']),
    ts: String(r['ts']),
    time: ms(r['time'])!,
    userId: str(r['user_id']),
    botId: str(r['bot_id']),
    botName: str(r['bot_name']),
    subtype: str(r['subtype']),
    text: String(r['text']),
    extraText: String(r['extra_text']),
    threadTs: str(r['thread_ts']),
    isThreadParent: Boolean(r['is_thread_parent']),
    replyCount: Number(r['reply_count']),
    editedTs: str(r['edited_ts']),
    files: json(r['files'], []),
    links: json(r['links'], []),
    mentions: json(r['mentions'], []),
    huddle: json(r['huddle'], null),
    raw: String(r['raw']),
  };
}

/**
 * The stored messages of some channels, a channel at a time in the order a Slack export is
 * read (by channel name, then ts), in pages: what the meeting intelligence needs when the
 * messages arrived out of order (live collection reads newest first, replies before parents).
 */
export async function* storedMessagePages(db: Database, channelIds: readonly string[], pageSize = 2000): AsyncGenerator<Message[]> {
  for (const channel of await readChannels(db, channelIds)) {
    let after = '';
    for (;;) {
      const rows = await db.all(`SELECT * FROM messages WHERE channel_id = ? AND ts > ? ORDER BY ts LIMIT ?`, [channel.id, after, pageSize]);
      if (rows.length === 0) break;
      const page = rows.map(toMessage);
      after = page[page.length - 1]!.ts;
      yield page;
    }
  }
}
