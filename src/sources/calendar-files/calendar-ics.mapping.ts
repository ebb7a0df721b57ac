/**
 * Pure helpers that turn node-ical's parsed values into CalendarEvent fields: ids per
 * bundle.md "Event ids from iCalendar", attendees, status, conference links, RDATE values.
 * Only node-ical's types are imported here; the parser itself lives in calendar-ics.parser.ts.
 */
import type { Attendee as IcsAttendee, DateWithTimeZone, Organizer, ParameterValue, VEvent } from 'node-ical';
import type { Attendee, CalendarEvent } from '../../core/records.js';
import { findUrls, unique } from '../common/urls.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** A date-only value as node-ical builds it (local midnight) → UTC midnight of the same calendar date. */
export function dateOnlyToUtc(d: Date): number {
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate());
}

export function isDateOnly(d: DateWithTimeZone | undefined): boolean {
  return d?.dateOnly === true;
}

/**
 * The calendar date of a value as its writer meant it: date-only values as node-ical holds
 * them, date-times in their own TZID (Exchange gives all-day RECURRENCE-IDs as local
 * midnight date-times), else in UTC.
 */
export function calendarDate(d: DateWithTimeZone): string {
  if (isDateOnly(d)) return `${d.getFullYear()}${pad(d.getMonth() + 1)}${pad(d.getDate())}`;
  if (d.tz) {
    try {
      const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', { timeZone: d.tz, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(d).map((p) => [p.type, p.value]));
      return `${parts['year']}${parts['month']}${parts['day']}`;
    } catch {
      // An unknown zone name: fall back to the UTC date.
    }
  }
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** `UID_20260512T070000Z`, or `UID_20260512` for an all-day instance. */
export function instanceId(uid: string, originalStart: DateWithTimeZone, allDay: boolean): string {
  if (allDay) return `${uid}_${calendarDate(originalStart)}`;
  const d = originalStart;
  return `${uid}_${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}T${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
}

/** Epoch ms of a DTSTART/DTEND-like value; all-day values at UTC midnight. */
export function instant(d: DateWithTimeZone): number {
  return isDateOnly(d) ? dateOnlyToUtc(d) : d.getTime();
}

export function paramValue(v: ParameterValue | undefined): string | null {
  if (v === undefined || v === null) return null;
  const s = typeof v === 'string' ? v : v.val;
  return typeof s === 'string' && s !== '' ? s : null;
}

function params(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && 'params' in v && typeof (v as { params: unknown }).params === 'object' && (v as { params: unknown }).params !== null
    ? ((v as { params: Record<string, unknown> }).params)
    : {};
}

function address(v: unknown): string | null {
  const raw = typeof v === 'string' ? v : typeof v === 'object' && v !== null && 'val' in v ? (v as { val: unknown }).val : null;
  if (typeof raw !== 'string') return null;
  const s = raw.replace(/^mailto:/i, '').trim();
  return s.includes('@') ? s : null;
}

const PARTSTAT: Record<string, Attendee['responseStatus']> = { ACCEPTED: 'accepted', DECLINED: 'declined', TENTATIVE: 'tentative' };

export function mapOrganizer(org: Organizer | undefined): CalendarEvent['organizer'] {
  if (org === undefined) return null;
  const cn = params(org)['CN'];
  return { email: address(org), name: typeof cn === 'string' && cn !== '' ? cn : null };
}

export function mapIcsAttendees(list: IcsAttendee[] | IcsAttendee | undefined, organizerEmail: string | null): Attendee[] {
  const all = list === undefined ? [] : Array.isArray(list) ? list : [list];
  return all.map((a) => {
    const p = params(a);
    const email = address(a);
    const cn = p['CN'];
    const cutype = String(p['CUTYPE'] ?? '').toUpperCase();
    return {
      email,
      name: typeof cn === 'string' && cn !== '' && cn !== email ? cn : null,
      responseStatus: PARTSTAT[String(p['PARTSTAT'] ?? '').toUpperCase()] ?? 'needsAction',
      optional: String(p['ROLE'] ?? '').toUpperCase() === 'OPT-PARTICIPANT',
      resource: cutype === 'ROOM' || cutype === 'RESOURCE',
      organizer: email !== null && organizerEmail !== null && email.toLowerCase() === organizerEmail.toLowerCase(),
    };
  });
}

export function mapIcsStatus(status: string | undefined): CalendarEvent['status'] {
  const s = (status ?? '').toUpperCase();
  return s === 'CANCELLED' ? 'cancelled' : s === 'TENTATIVE' ? 'tentative' : 'confirmed';
}

/** X-GOOGLE-CONFERENCE, RFC 7986 CONFERENCE URIs, then URLs in location and description. */
export function icsConferenceLinks(event: VEvent): string[] {
  const links: string[] = [];
  const google = paramValue(event['GOOGLE-CONFERENCE'] as ParameterValue | undefined);
  if (google !== null) links.push(google);
  const conference = event['conference'];
  for (const c of Array.isArray(conference) ? conference : conference === undefined ? [] : [conference]) {
    const uri = paramValue(c as ParameterValue);
    if (uri !== null && /^https?:\/\//i.test(uri)) links.push(uri);
  }
  for (const v of [paramValue(event.location), paramValue(event.description)]) if (v !== null) links.push(...findUrls(v));
  return unique(links);
}

/** Offset of `timeZone` from UTC at `utcMs`, in ms; 0 for an unknown zone. */
function zoneOffset(utcMs: number, timeZone: string): number {
  try {
    const f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const parts = Object.fromEntries(f.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]));
    const asUtc = Date.UTC(Number(parts['year']), Number(parts['month']) - 1, Number(parts['day']), Number(parts['hour']), Number(parts['minute']), Number(parts['second']));
    return asUtc - utcMs;
  } catch {
    return 0;
  }
}

/** Wall-clock fields in `timeZone` → epoch ms. */
export function zonedToUtc(y: number, mo: number, d: number, h: number, mi: number, s: number, timeZone: string | null): number {
  const guess = Date.UTC(y, mo - 1, d, h, mi, s);
  if (timeZone === null) return guess;
  const first = guess - zoneOffset(guess, timeZone);
  return guess - zoneOffset(first, timeZone);
}

export interface RdateValue {
  readonly start: number;
  /** The end when the RDATE is a PERIOD, else null (the master's duration applies). */
  readonly end: number | null;
  readonly allDay: boolean;
}

const BASIC = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?(Z)?$/;

function parseBasic(value: string, timeZone: string | null): { ms: number; allDay: boolean } | null {
  const m = BASIC.exec(value.trim());
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (m[4] === undefined) return { ms: Date.UTC(y, mo - 1, d), allDay: true };
  const zone = m[7] === 'Z' ? null : timeZone;
  return { ms: zonedToUtc(y, mo, d, Number(m[4]), Number(m[5]), Number(m[6]), zone), allDay: false };
}

/**
 * The RDATE values node-ical leaves unexpanded: plain strings or `{params, val}`, each value
 * possibly a comma list, each item a DATE, a DATE-TIME (UTC, with TZID, or floating in the
 * master's zone) or a PERIOD `start/end`. Items that cannot be read are returned in `bad`.
 */
export function parseRdates(rdate: unknown, masterZone: string | null): { values: RdateValue[]; bad: string[] } {
  const values: RdateValue[] = [];
  const bad: string[] = [];
  for (const entry of Array.isArray(rdate) ? rdate : rdate === undefined ? [] : [rdate]) {
    const raw = typeof entry === 'string' ? entry : paramValue(entry as ParameterValue);
    if (raw === null) continue;
    const tzid = params(entry)['TZID'];
    const zone = typeof tzid === 'string' && tzid !== '' ? tzid : masterZone;
    for (const item of raw.split(',')) {
      const [a, b] = item.split('/');
      const start = parseBasic(a ?? '', zone);
      if (start === null) {
        bad.push(item);
        continue;
      }
      const end = b === undefined ? null : (parseBasic(b, zone)?.ms ?? null);
      values.push({ start: start.ms, end, allDay: start.allDay });
    }
  }
  return { values, bad };
}
