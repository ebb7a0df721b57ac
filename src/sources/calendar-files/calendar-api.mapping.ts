/**
 * Pure mapping from Calendar API v3 `events.list` JSON to CalendarEvent.
 */
import type { Attendee, CalendarEvent } from '../../core/records.js';
import { isRecord } from '../common/files.js';
import { isoToMillis, looksLikeEmail, text } from '../common/emit.js';
import { findUrls, unique } from '../common/urls.js';

export type Mapped<T> = { ok: true; value: T } | { ok: false; reason: string };
type Json = Record<string, unknown>;

const RESPONSES: ReadonlySet<string> = new Set(['needsAction', 'declined', 'tentative', 'accepted']);
const STATUSES: ReadonlySet<string> = new Set(['confirmed', 'tentative', 'cancelled']);

function obj(value: unknown): Json {
  return isRecord(value) ? value : {};
}

/** The events of one file: a single events.list response or an array of pages. */
export function eventsOfResponse(body: unknown): Mapped<{ pages: Json[] }> {
  const pages = Array.isArray(body) ? body : [body];
  const valid = pages.filter((p): p is Json => isRecord(p) && Array.isArray(p['items']));
  if (valid.length !== pages.length) return { ok: false, reason: 'expected an events.list response ({"items": [...]}) or an array of them' };
  return { ok: true, value: { pages: valid } };
}

/** The calendar a response belongs to: its `summary` when that is an email, else the file name. */
export function calendarIdOf(pages: readonly Json[], fileStem: string): string {
  const summary = pages.map((p) => p['summary']).find(looksLikeEmail);
  return summary ?? fileStem;
}

export interface EventTime {
  readonly ms: number;
  readonly allDay: boolean;
  readonly timeZone: string | null;
}

/** An EventDateTime (`dateTime` RFC 3339, or `date` yyyy-mm-dd for all-day) → instant. All-day dates are UTC midnight. */
export function eventTime(value: unknown): EventTime | null {
  const v = obj(value);
  const timeZone = text(v['timeZone']);
  const dateTime = isoToMillis(v['dateTime']);
  if (dateTime !== null) return { ms: dateTime, allDay: false, timeZone };
  const date = typeof v['date'] === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(v['date']) : null;
  if (date) return { ms: Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])), allDay: true, timeZone };
  return null;
}

function mapAttendee(value: unknown): Attendee | null {
  if (!isRecord(value)) return null;
  const status = text(value['responseStatus']);
  return {
    email: text(value['email']),
    name: text(value['displayName']),
    responseStatus: status !== null && RESPONSES.has(status) ? (status as Attendee['responseStatus']) : 'needsAction',
    optional: value['optional'] === true,
    resource: value['resource'] === true,
    organizer: value['organizer'] === true,
  };
}

/** hangoutLink, video entry points, then every URL in location and description. */
export function conferenceLinksOf(event: Json): string[] {
  const links: string[] = [];
  const hangout = text(event['hangoutLink']);
  if (hangout !== null) links.push(hangout);
  for (const ep of Array.isArray(obj(event['conferenceData'])['entryPoints']) ? (obj(event['conferenceData'])['entryPoints'] as unknown[]) : []) {
    const e = obj(ep);
    if (e['entryPointType'] === 'video' && typeof e['uri'] === 'string') links.push(e['uri']);
  }
  for (const field of ['location', 'description']) {
    const v = text(event[field]);
    if (v !== null) links.push(...findUrls(v));
  }
  return unique(links);
}

/** One Google Event → CalendarEvent. A cancelled instance with only id/recurringEventId/originalStartTime keeps its original start. */
export function mapGoogleEvent(event: unknown, calendarId: string, fallbackTimeZone: string | null = null): Mapped<CalendarEvent> {
  if (!isRecord(event)) return { ok: false, reason: 'the event is not a JSON object' };
  const id = text(event['id']);
  if (id === null) return { ok: false, reason: 'the event has no "id"' };
  const original = eventTime(event['originalStartTime']);
  const start = eventTime(event['start']) ?? original;
  if (start === null) return { ok: false, reason: `event ${id} has neither start nor originalStartTime` };
  const end = eventTime(event['end']);
  const status = text(event['status']) ?? 'confirmed';
  const organizer = isRecord(event['organizer']) ? { email: text(event['organizer']['email']), name: text(event['organizer']['displayName']) } : null;
  return {
    ok: true,
    value: {
      id,
      calendarId,
      iCalUid: text(event['iCalUID']),
      recurringEventId: text(event['recurringEventId']),
      originalStart: original?.ms ?? null,
      summary: text(event['summary']),
      description: text(event['description']),
      location: text(event['location']),
      start: start.ms,
      end: end?.ms ?? start.ms,
      timeZone: start.timeZone ?? end?.timeZone ?? fallbackTimeZone,
      allDay: start.allDay,
      status: STATUSES.has(status) ? (status as CalendarEvent['status']) : 'confirmed',
      eventType: text(event['eventType']) ?? 'default',
      organizer,
      attendees: (Array.isArray(event['attendees']) ? event['attendees'] : []).map(mapAttendee).filter((a): a is Attendee => a !== null),
      conferenceLinks: conferenceLinksOf(event),
      created: isoToMillis(event['created']),
      updated: isoToMillis(event['updated']),
      format: 'api-json',
    },
  };
}
