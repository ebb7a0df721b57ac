/**
 * Records read back from a convene database: what an incremental run needs from earlier runs
 * (people and calendar events for the indexes; links, signals and meetings for metrics).
 * The inverse of the table specs in schema.ts.
 */
import type { CalendarEvent, Meeting, MessageLink, Person, Signal } from '../../core/records.js';
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

export async function readMeetings(db: Database): Promise<Meeting[]> {
  return (await db.all('SELECT * FROM meetings ORDER BY id')).map((r: Row) => ({
    id: String(r['id']),
    source: String(r['source']) as Meeting['source'],
    kind: String(r['kind']) as Meeting['kind'],
    calendarEventId: str(r['calendar_event_id']),
    title: str(r['title']),
    channelId: str(r['channel_id']),
    start: ms(r['start_time'])!,
    end: ms(r['end_time']),
    status: String(r['status']) as Meeting['status'],
    organizer: str(r['organizer']),
    participants: json(r['participants'], []),
    recurringEventId: str(r['recurring_event_id']),
  }));
}

export async function readLinks(db: Database): Promise<MessageLink[]> {
  return (await db.all('SELECT * FROM message_links ORDER BY channel_id, ts')).map((r: Row) => ({
    channelId: String(r['channel_id']),
    ts: String(r['ts']),
    meetingId: String(r['meeting_id']),
    kind: String(r['kind']) as MessageLink['kind'],
    confidence: Number(r['confidence']),
    method: String(r['method']) as MessageLink['method'],
    evidence: json(r['evidence'], []),
  }));
}

export async function readSignals(db: Database): Promise<Signal[]> {
  return (await db.all('SELECT * FROM signals ORDER BY channel_id, ts')).map((r: Row) => ({
    channelId: String(r['channel_id']),
    ts: String(r['ts']),
    time: ms(r['time'])!,
    userId: str(r['user_id']),
    kind: String(r['kind']) as Signal['kind'],
    confidence: Number(r['confidence']),
    evidence: json(r['evidence'], []),
    times: json(r['times'], []),
    links: json(r['links'], []),
    threadTs: str(r['thread_ts']),
  }));
}
