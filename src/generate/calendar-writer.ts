/**
 * Streams each person's calendar to google/calendar/<email>.json (Calendar API v3
 * events.list, one object or an array of pages) or <email>.ics (iCalendar with VTIMEZONE,
 * RRULE, EXDATE and RECURRENCE-ID overrides). Files stay open for the whole run and are
 * written through small buffers, so memory does not grow with the number of events.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { CalEvent, Series } from './calendar.js';
import type { Org, OrgPerson } from './org.js';
import { basicUtc, icsLocal, isoDate, isoUtcMillis, localParts, rfc3339Local } from './time.js';

const PAGE_SIZE = 250;

function apiDate(ms: number, allDay: boolean, tz: string): Record<string, string> {
  if (allDay) return { date: isoDate(localParts(ms, 'UTC')) };
  return { dateTime: rfc3339Local(ms, tz), timeZone: tz };
}

export function apiEvent(ev: CalEvent, self: OrgPerson, org: Org): Record<string, unknown> {
  const organizer = org.people[ev.organizer] as OrgPerson;
  const out: Record<string, unknown> = {
    kind: 'calendar#event',
    etag: `"${ev.updated * 1000 + 7}"`,
    id: ev.id,
    status: ev.status,
    htmlLink: `https://www.google.com/calendar/event?eid=${Buffer.from(`${ev.id} ${self.email}`).toString('base64url')}`,
    created: isoUtcMillis(ev.created),
    updated: isoUtcMillis(ev.updated),
    summary: ev.summary,
  };
  if (ev.description) out.description = ev.description;
  if (ev.location) out.location = ev.location;
  out.creator = { email: organizer.email, ...(organizer.idx === self.idx ? { self: true } : {}) };
  out.organizer = { email: organizer.email, displayName: organizer.fullName, ...(organizer.idx === self.idx ? { self: true } : {}) };
  out.start = apiDate(ev.start, ev.allDay, ev.tz);
  out.end = apiDate(ev.end, ev.allDay, ev.tz);
  if (ev.series && ev.originalStart !== null) {
    out.recurringEventId = ev.series.id;
    out.originalStartTime = { dateTime: rfc3339Local(ev.originalStart, ev.tz), timeZone: ev.tz };
  }
  if (ev.eventType !== 'default' || ev.allDay) out.transparency = ev.eventType === 'outOfOffice' ? 'opaque' : 'transparent';
  out.iCalUID = `${ev.baseId}@google.com`;
  out.sequence = ev.sequence;
  if (ev.attendees.length > 0) {
    out.attendees = ev.attendees.map((a) => ({
      email: a.email,
      ...(a.name ? { displayName: a.name } : {}),
      ...(a.idx === ev.organizer ? { organizer: true } : {}),
      ...(a.idx === self.idx ? { self: true } : {}),
      responseStatus: a.status,
    }));
  }
  if (ev.conf?.kind === 'meet' && ev.conf.url) {
    out.hangoutLink = ev.conf.url;
    out.conferenceData = {
      entryPoints: [
        { entryPointType: 'video', uri: ev.conf.url, label: ev.conf.url.replace('https://', '') },
        { entryPointType: 'more', uri: `https://tel.meet/${ev.conf.code}?pin=${ev.conf.code.length}1234`, pin: `${ev.conf.code.length}1234` },
      ],
      conferenceSolution: { key: { type: 'hangoutsMeet' }, name: 'Google Meet', iconUri: 'https://fonts.gstatic.com/s/i/productlogos/meet_2020q4/v6/web-512dp/logo_meet_2020q4_color_2x_web_512dp.png' },
      conferenceId: ev.conf.code,
    };
  }
  out.reminders = { useDefault: true };
  out.eventType = ev.eventType;
  if (ev.eventType === 'outOfOffice') out.outOfOfficeProperties = { autoDeclineMode: 'declineOnlyNewConflictingInvitations', declineMessage: 'Declined because I am out of office' };
  if (ev.eventType === 'focusTime') out.focusTimeProperties = { autoDeclineMode: 'declineNone', chatStatus: 'doNotDisturb' };
  return out;
}

function icsText(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/,/g, '\\,').replace(/\n/g, '\\n');
}

/** Fold a content line at 75 octets as RFC 5545 requires. */
function fold(line: string): string {
  const bytes = Buffer.from(line, 'utf8');
  if (bytes.length <= 75) return line;
  const parts: string[] = [];
  let start = 0;
  let limit = 75;
  while (start < bytes.length) {
    let end = Math.min(start + limit, bytes.length);
    while (end < bytes.length && ((bytes[end] as number) & 0xc0) === 0x80) end--;
    parts.push(bytes.subarray(start, end).toString('utf8'));
    start = end;
    limit = 74;
  }
  return parts.join('\r\n ');
}

const VTZ: Record<string, string[]> = {
  'America/Los_Angeles': ['-0800', '-0700', 'PST', 'PDT', 'us'],
  'America/New_York': ['-0500', '-0400', 'EST', 'EDT', 'us'],
  'America/Chicago': ['-0600', '-0500', 'CST', 'CDT', 'us'],
  'America/Denver': ['-0700', '-0600', 'MST', 'MDT', 'us'],
  'Europe/London': ['+0000', '+0100', 'GMT', 'BST', 'eu'],
  'Europe/Berlin': ['+0100', '+0200', 'CET', 'CEST', 'eu'],
  'Asia/Kolkata': ['+0530', '+0530', 'IST', 'IST', 'none'],
  'Australia/Sydney': ['+1000', '+1100', 'AEST', 'AEDT', 'au'],
};

function vtimezone(tz: string): string[] {
  const [std, dst, stdName, dstName, rule] = VTZ[tz] ?? ['+0000', '+0000', 'UTC', 'UTC', 'none'];
  const lines = ['BEGIN:VTIMEZONE', `TZID:${tz}`, `X-LIC-LOCATION:${tz}`];
  const block = (kind: string, from: string, to: string, name: string, start: string, rrule: string | null): void => {
    lines.push(`BEGIN:${kind}`, `TZOFFSETFROM:${from}`, `TZOFFSETTO:${to}`, `TZNAME:${name}`, `DTSTART:${start}`);
    if (rrule) lines.push(`RRULE:${rrule}`);
    lines.push(`END:${kind}`);
  };
  if (rule === 'us') {
    block('DAYLIGHT', std as string, dst as string, dstName as string, '19700308T020000', 'FREQ=YEARLY;BYMONTH=3;BYDAY=2SU');
    block('STANDARD', dst as string, std as string, stdName as string, '19701101T020000', 'FREQ=YEARLY;BYMONTH=11;BYDAY=1SU');
  } else if (rule === 'eu') {
    const at = tz === 'Europe/London' ? ['010000', '020000'] : ['020000', '030000'];
    block('DAYLIGHT', std as string, dst as string, dstName as string, `19700329T${at[0]}`, 'FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU');
    block('STANDARD', dst as string, std as string, stdName as string, `19701025T${at[1]}`, 'FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU');
  } else if (rule === 'au') {
    block('STANDARD', dst as string, std as string, stdName as string, '19700405T030000', 'FREQ=YEARLY;BYMONTH=4;BYDAY=1SU');
    block('DAYLIGHT', std as string, dst as string, dstName as string, '19701004T020000', 'FREQ=YEARLY;BYMONTH=10;BYDAY=1SU');
  } else {
    block('STANDARD', std as string, std as string, stdName as string, '19700101T000000', null);
  }
  lines.push('END:VTIMEZONE');
  return lines;
}

const PARTSTAT: Record<string, string> = { accepted: 'ACCEPTED', declined: 'DECLINED', tentative: 'TENTATIVE', needsAction: 'NEEDS-ACTION' };
const BYDAY = ['SU', 'MO', 'TU', 'WE', 'TH', 'FR', 'SA'];

function icsEvent(ev: CalEvent, org: Org, extra: string[], stamp: number): string[] {
  const organizer = org.people[ev.organizer] as OrgPerson;
  const lines = ['BEGIN:VEVENT'];
  if (ev.allDay) {
    lines.push(`DTSTART;VALUE=DATE:${isoDate(localParts(ev.start, 'UTC')).replace(/-/g, '')}`, `DTEND;VALUE=DATE:${isoDate(localParts(ev.end, 'UTC')).replace(/-/g, '')}`);
  } else {
    lines.push(`DTSTART;TZID=${ev.tz}:${icsLocal(ev.start, ev.tz)}`, `DTEND;TZID=${ev.tz}:${icsLocal(ev.end, ev.tz)}`);
  }
  lines.push(...extra.filter((l) => l.startsWith('RRULE') || l.startsWith('EXDATE')));
  lines.push(`DTSTAMP:${basicUtc(stamp)}`);
  if (ev.attendees.length > 0) lines.push(`ORGANIZER;CN="${organizer.fullName}":mailto:${organizer.email}`);
  lines.push(`UID:${ev.baseId}@google.com`);
  lines.push(...extra.filter((l) => l.startsWith('RECURRENCE-ID')));
  for (const a of ev.attendees) {
    lines.push(`ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=${PARTSTAT[a.status]};CN="${a.name}";X-NUM-GUESTS=0:mailto:${a.email}`);
  }
  if (ev.conf?.kind === 'meet' && ev.conf.url) lines.push(`X-GOOGLE-CONFERENCE:${ev.conf.url}`);
  lines.push(`CREATED:${basicUtc(ev.created)}`);
  const description = ev.conf?.kind === 'meet' && ev.conf.url ? [ev.description, `Join with Google Meet: ${ev.conf.url}`].filter(Boolean).join('\n\n') : ev.description;
  if (description) lines.push(`DESCRIPTION:${icsText(description)}`);
  lines.push(`LAST-MODIFIED:${basicUtc(ev.updated)}`);
  if (ev.location) lines.push(`LOCATION:${icsText(ev.location)}`);
  lines.push(`SEQUENCE:${ev.sequence}`, `STATUS:${ev.status.toUpperCase()}`, `SUMMARY:${icsText(ev.summary)}`, `TRANSP:${ev.eventType === 'focusTime' || ev.allDay ? 'TRANSPARENT' : 'OPAQUE'}`, 'END:VEVENT');
  return lines;
}

export class CalendarFile {
  private readonly fd: number;
  private buffer = '';
  private inPage = 0;
  private pages = 0;
  private first = true;
  records = 0;

  constructor(dir: string, private readonly person: OrgPerson, private readonly org: Org, private readonly stamp: number) {
    const ext = person.calendar === 'ics' ? 'ics' : 'json';
    this.fd = openSync(join(dir, `${person.email}.${ext}`), 'w');
    if (person.calendar === 'ics') {
      const head = ['BEGIN:VCALENDAR', 'PRODID:-//Google Inc//Google Calendar 70.9054//EN', 'VERSION:2.0', 'CALSCALE:GREGORIAN', 'METHOD:PUBLISH',
        `X-WR-CALNAME:${person.email}`, `X-WR-TIMEZONE:${person.tz}`];
      for (const tz of org.tzs) head.push(...vtimezone(tz));
      this.push(head);
    } else {
      this.buffer += (person.pagedCalendar ? '[' : '') + this.pageHead();
    }
  }

  private pageHead(): string {
    const head = { kind: 'calendar#events', etag: `"p3${this.person.idx}${this.pages}"`, summary: this.person.email, description: '', updated: isoUtcMillis(this.stamp),
      timeZone: this.person.tz, accessRole: 'owner', defaultReminders: [{ method: 'popup', minutes: 10 }] };
    return `${JSON.stringify(head).slice(0, -1)},"items":[`;
  }

  private push(lines: string[]): void {
    for (const l of lines) this.buffer += `${fold(l)}\r\n`;
    this.maybeFlush();
  }

  private maybeFlush(force = false): void {
    if (force || this.buffer.length > 1 << 16) {
      writeSync(this.fd, this.buffer);
      this.buffer = '';
    }
  }

  /** Writes a recurring series as iCalendar: master with RRULE/EXDATE, then moved-instance overrides. */
  writeSeries(series: Series, instances: CalEvent[], untilMs: number): void {
    const first = instances[0];
    if (!first || this.person.calendar !== 'ics') return;
    const master: CalEvent = { ...first, start: first.originalStart ?? first.start, end: (first.originalStart ?? first.start) + series.durationMin * 60_000,
      status: 'confirmed', sequence: 0, updated: series.created, attendees: first.attendees.map((a) => ({ ...a, status: 'accepted' })) };
    const exdates = instances.filter((i) => i.status === 'cancelled').map((i) => icsLocal(i.originalStart ?? i.start, series.tz));
    const extra = [`RRULE:FREQ=WEEKLY;BYDAY=${series.weekdays.map((d) => BYDAY[d]).join(',')};UNTIL=${basicUtc(untilMs)}`];
    if (exdates.length > 0) extra.push(`EXDATE;TZID=${series.tz}:${exdates.join(',')}`);
    this.push(icsEvent(master, this.org, extra, this.stamp));
    for (const inst of instances) {
      if (!inst.moved) continue;
      this.push(icsEvent(inst, this.org, [`RECURRENCE-ID;TZID=${series.tz}:${icsLocal(inst.originalStart ?? inst.start, series.tz)}`], this.stamp));
    }
  }

  /** Writes one event as this calendar holds it (recurring instances only for JSON calendars). */
  writeEvent(ev: CalEvent): void {
    if (this.person.calendar === 'ics') {
      if (ev.series) return;
      this.push(icsEvent(ev, this.org, [], this.stamp));
      return;
    }
    if (this.person.pagedCalendar && this.inPage >= PAGE_SIZE) {
      this.pages++;
      this.buffer += `],"nextPageToken":"CigKGj${this.person.idx.toString(36)}p${this.pages}Z"},${this.pageHead()}`;
      this.inPage = 0;
      this.first = true;
    }
    this.buffer += (this.first ? '' : ',') + JSON.stringify(apiEvent(ev, this.person, this.org));
    this.first = false;
    this.inPage++;
    this.maybeFlush();
  }

  close(): void {
    if (this.person.calendar === 'ics') this.push(['END:VCALENDAR']);
    else this.buffer += `]}${this.person.pagedCalendar ? ']' : ''}\n`;
    this.maybeFlush(true);
    closeSync(this.fd);
  }
}
