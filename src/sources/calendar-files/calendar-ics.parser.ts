/**
 * iCalendar → CalendarEvent instances. The only file that imports node-ical (pinned 0.26.1).
 * node-ical expands RRULEs with their RECURRENCE-ID overrides and EXDATEs; three gaps are
 * filled here (google-data.md §5.4): RDATE occurrences, overrides whose master is missing,
 * and events whose start could not be read, which are reported instead of dropped.
 */
import ical from 'node-ical';
import type { DateWithTimeZone, VEvent } from 'node-ical';
import type { CalendarEvent } from '../../core/records.js';
import { looksLikeEmail } from '../common/emit.js';
import {
  calendarDate,
  icsConferenceLinks,
  instanceId,
  instant,
  isDateOnly,
  mapIcsAttendees,
  mapIcsStatus,
  mapOrganizer,
  paramValue,
  parseRdates,
} from './calendar-ics.mapping.js';

const DAY = 86_400_000;
/** An open-ended RRULE is expanded this far past its DTSTART... */
const OPEN_ENDED_SPAN_MS = 2 * 366 * DAY;
/** ...and to at most this many instances. */
const MAX_INSTANCES = 1000;

export interface IcsProblem {
  /** The UID (and name) of the event, or null for the whole file. */
  readonly entry: string | null;
  readonly reason: string;
}

export interface IcsResult {
  readonly calendarName: string | null;
  readonly events: CalendarEvent[];
  readonly problems: IcsProblem[];
}

/** Parse one iCalendar text; `fallbackCalendarId` names the calendar when X-WR-CALNAME is not an email. */
export function readIcs(body: string, fallbackCalendarId: string): IcsResult {
  let parsed: ical.CalendarResponse;
  try {
    parsed = ical.sync.parseICS(body);
  } catch (err) {
    return { calendarName: null, events: [], problems: [{ entry: null, reason: `the iCalendar data could not be parsed (${err instanceof Error ? err.message : String(err)})` }] };
  }
  const calendarName = parsed.vcalendar?.['WR-CALNAME'] ?? null;
  const calendarId = looksLikeEmail(calendarName) ? calendarName : fallbackCalendarId;
  const events: CalendarEvent[] = [];
  const problems: IcsProblem[] = [];
  for (const [key, component] of Object.entries(parsed)) {
    if (key === 'vcalendar' || component === undefined || component.type !== 'VEVENT') continue;
    const event = component as VEvent;
    const uid = typeof event.uid === 'string' && event.uid !== '' ? event.uid : key;
    try {
      events.push(...eventInstances(event, uid, calendarId, problems));
    } catch (err) {
      problems.push({ entry: describe(event, uid), reason: `the event could not be expanded (${err instanceof Error ? err.message : String(err)})` });
    }
  }
  return { calendarName, events, problems };
}

function describe(event: VEvent, uid: string): string {
  const name = paramValue(event.summary);
  return name === null ? `UID ${uid}` : `"${name}" (UID ${uid})`;
}

function validDate(d: unknown): d is DateWithTimeZone {
  return d instanceof Date && !Number.isNaN(d.getTime());
}

interface Occurrence {
  readonly start: DateWithTimeZone;
  readonly end: DateWithTimeZone | undefined;
  /** The original start (RECURRENCE-ID) when the occurrence is one instance of a series. */
  readonly originalStart: DateWithTimeZone | null;
  readonly source: VEvent;
  readonly cancelled: boolean;
}

function eventInstances(event: VEvent, uid: string, calendarId: string, problems: IcsProblem[]): CalendarEvent[] {
  if (!validDate(event.start)) {
    problems.push({ entry: describe(event, uid), reason: 'the event has no readable start (DTSTART missing, or its TZID is empty or unknown); it was skipped' });
    return [];
  }
  const allDay = isDateOnly(event.start) || event.datetype === 'date';
  const rdates = parseRdates(event['rdate'], event.start.tz ?? null);
  for (const bad of rdates.bad) problems.push({ entry: describe(event, uid), reason: `the RDATE value "${bad}" could not be read; that occurrence was skipped` });

  const recurring = event.rrule !== undefined || rdates.values.length > 0;
  // Overrides with no master (only RECURRENCE-ID entries for this UID): each is its own instance.
  if (!recurring && validDate(event.recurrenceid)) return orphanOverrides(event, uid, calendarId, allDay, problems);
  if (!recurring) return [toRecord({ start: event.start, end: event.end, originalStart: null, source: event, cancelled: false }, uid, uid, null, calendarId, allDay)];

  const occurrences = expand(event, allDay);
  const seen = new Set(occurrences.map((o) => instant(o.originalStart ?? o.start)));
  const duration = validDate(event.end) ? instant(event.end) - instant(event.start) : allDay ? DAY : 0;
  const overrides = overridesByStart(event);
  for (const r of rdates.values) {
    if (seen.has(r.start)) continue;
    seen.add(r.start);
    const original = makeDate(r.start, allDay || r.allDay);
    const override = overrides.get(r.start);
    if (override && validDate(override.start)) {
      occurrences.push({ start: override.start, end: override.end, originalStart: original, source: override, cancelled: false });
    } else {
      occurrences.push({ start: original, end: makeDate(r.end ?? r.start + duration, allDay || r.allDay), originalStart: original, source: event, cancelled: false });
    }
  }
  occurrences.sort((a, b) => instant(a.start) - instant(b.start));
  return occurrences.slice(0, MAX_INSTANCES).map((o) => {
    const original = o.originalStart ?? o.start;
    return toRecord(o, instanceId(uid, original, allDay), uid, original, calendarId, allDay);
  });
}

function makeDate(ms: number, dateOnly: boolean): DateWithTimeZone {
  if (!dateOnly) return new Date(ms);
  // Date-only values follow node-ical's convention: local midnight, flagged dateOnly.
  const utc = new Date(ms);
  const local: DateWithTimeZone = new Date(utc.getUTCFullYear(), utc.getUTCMonth(), utc.getUTCDate());
  local.dateOnly = true;
  return local;
}

/** node-ical types overrides as Omit<VEvent, 'recurrences'>, which loses the named fields. */
function overridesOf(event: VEvent): VEvent[] {
  return Object.values(event.recurrences ?? {}) as VEvent[];
}

function overridesByStart(event: VEvent): Map<number, VEvent> {
  const map = new Map<number, VEvent>();
  for (const o of overridesOf(event)) if (validDate(o.recurrenceid)) map.set(instant(o.recurrenceid), o);
  return map;
}

/** RRULE occurrences with overrides applied and EXDATE occurrences kept as cancelled. */
function expand(event: VEvent, allDay: boolean): Occurrence[] {
  if (event.rrule === undefined) {
    return [{ start: event.start, end: event.end, originalStart: event.start, source: event, cancelled: false }];
  }
  const options = event.rrule.options;
  const startMs = event.start.getTime();
  const until = options['until'] instanceof Date ? options['until'].getTime() : null;
  const count = typeof options['count'] === 'number' ? options['count'] : null;
  const to = until ?? (count !== null ? startMs + Math.min(count, MAX_INSTANCES) * 366 * DAY : startMs + OPEN_ENDED_SPAN_MS);
  const instances = ical.expandRecurringEvent(event, { from: new Date(startMs - DAY), to: new Date(to), excludeExdates: false, includeOverrides: true });
  const exdates = new Set<number>();
  for (const d of Object.values(event.exdate ?? {})) if (validDate(d)) exdates.add(allDay ? instant(d) : d.getTime());
  const exdateDays = new Set(Object.keys(event.exdate ?? {}).filter((k) => /^\d{4}-\d{2}-\d{2}$/.test(k)));
  return instances.map((inst) => {
    const source = inst.isOverride ? inst.event : event;
    const original = inst.isOverride && validDate(inst.event.recurrenceid) ? inst.event.recurrenceid : inst.start;
    const originalMs = allDay ? instant(original) : original.getTime();
    const day = allDay ? new Date(originalMs).toISOString().slice(0, 10) : null;
    const excluded = !inst.isOverride && (exdates.has(originalMs) || (day !== null && exdateDays.has(day)));
    return { start: inst.start, end: inst.end, originalStart: original, source, cancelled: excluded };
  });
}

function orphanOverrides(event: VEvent, uid: string, calendarId: string, allDay: boolean, problems: IcsProblem[]): CalendarEvent[] {
  const byOriginal = new Map<number, VEvent>();
  if (validDate(event.recurrenceid)) byOriginal.set(instant(event.recurrenceid), event);
  for (const o of overridesOf(event)) if (validDate(o.recurrenceid) && !byOriginal.has(instant(o.recurrenceid))) byOriginal.set(instant(o.recurrenceid), o);
  return [...byOriginal.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, o]) => {
      if (validDate(o.start)) return true;
      problems.push({ entry: describe(o, uid), reason: 'an instance override has no readable start (DTSTART missing, or its TZID is empty or unknown); it was skipped' });
      return false;
    })
    .map(([, o]) => toRecord({ start: o.start, end: o.end, originalStart: o.recurrenceid!, source: o, cancelled: false }, instanceId(uid, o.recurrenceid!, allDay), uid, o.recurrenceid!, calendarId, allDay));
}

function toRecord(o: Occurrence, id: string, uid: string, original: DateWithTimeZone | null, calendarId: string, allDay: boolean): CalendarEvent {
  const src = o.source;
  const start = instant(o.start);
  const end = validDate(o.end) ? instant(o.end) : allDay ? start + DAY : start;
  const organizer = mapOrganizer(src.organizer);
  const isInstance = id !== uid;
  return {
    id,
    calendarId,
    iCalUid: uid,
    recurringEventId: isInstance ? uid : null,
    originalStart: isInstance && original !== null ? (allDay ? dateToUtcMidnight(calendarDate(original)) : original.getTime()) : null,
    summary: paramValue(src.summary),
    description: paramValue(src.description),
    location: paramValue(src.location),
    start,
    end: Math.max(end, start),
    timeZone: allDay || isDateOnly(o.start) ? null : (o.start.tz ?? src.start?.tz ?? null),
    allDay,
    status: o.cancelled ? 'cancelled' : mapIcsStatus(src.status),
    eventType: 'default',
    organizer,
    attendees: mapIcsAttendees(src.attendee, organizer?.email ?? null),
    conferenceLinks: icsConferenceLinks(src),
    created: validDate(src.created) ? src.created.getTime() : null,
    updated: validDate(src.lastmodified) ? src.lastmodified.getTime() : null,
    format: 'ics',
  };
}

/** `20260512` → epoch ms of 2026-05-12T00:00Z. */
function dateToUtcMidnight(yyyymmdd: string): number {
  return Date.UTC(Number(yyyymmdd.slice(0, 4)), Number(yyyymmdd.slice(4, 6)) - 1, Number(yyyymmdd.slice(6, 8)));
}
