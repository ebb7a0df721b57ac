/**
 * Calendar events: recurring series (standups, team syncs, 1:1s, staff meetings) with moved
 * and cancelled instances, one-off meetings, and personal events that are not meetings
 * (out of office, focus time, all-day). Pure planning; writing is in calendar-writer.ts.
 */
import type { Org, OrgPerson } from './org.js';
import { DOMAIN } from './org.js';
import { PROJECTS } from './org.js';
import { Rng, calendarId } from './rng.js';
import { basicUtc, dayAt, MINUTE, zonedToUtc } from './time.js';

export type ResponseStatus = 'needsAction' | 'declined' | 'tentative' | 'accepted';

export interface Conference {
  kind: 'meet' | 'zoom' | 'room';
  url: string | null;            // the join link people paste into Slack
  code: string;                  // Meet code or Zoom meeting number
  room: string | null;
}

export interface AttendeeRef { idx: number | null; email: string; name: string; status: ResponseStatus }

export interface Series {
  id: string;
  kind: 'standup' | 'sync' | 'oneonone' | 'staff';
  summary: string;
  short: string;
  tz: string;
  weekdays: number[];            // 0 = Sunday
  hour: number;
  minute: number;
  durationMin: number;
  organizer: number;
  attendees: number[];
  conf: Conference;
  created: number;
  description: string;
}

export interface CalEvent {
  baseId: string;                // the series id, or the event id of a single event
  id: string;                    // Calendar API id
  series: Series | null;
  summary: string;
  short: string;                 // how people name it in Slack ("standup", "1:1", "design review")
  description: string;
  location: string;
  start: number;
  end: number;
  originalStart: number | null;
  tz: string;
  status: 'confirmed' | 'cancelled';
  organizer: number;
  attendees: AttendeeRef[];
  conf: Conference | null;
  created: number;
  updated: number;
  sequence: number;
  allDay: boolean;
  eventType: 'default' | 'outOfOffice' | 'focusTime';
  moved: boolean;
  owner: number | null;          // personal events live in one calendar only
  isMeeting: boolean;
}

const COMPANIES = ['Acme Corp', 'Globex', 'Initech', 'Umbrella', 'Stark Industries', 'Wayne Enterprises', 'Hooli', 'Vandelay'];

export function zoomLink(rng: Rng): { url: string; code: string } {
  const code = String(rng.between(81000000000, 89999999999));
  return { url: `https://northwind.zoom.us/j/${code}?pwd=${rng.chars('abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789', 22)}`, code };
}

export function personalZoom(p: OrgPerson): string {
  return `https://northwind.zoom.us/my/${p.handle.replace(/\W/g, '')}`;
}

export function makeConference(rng: Rng): Conference {
  const r = rng.next();
  if (r < 0.68) {
    const code = `${rng.chars('abcdefghijklmnopqrstuvwxyz', 3)}-${rng.chars('abcdefghijklmnopqrstuvwxyz', 4)}-${rng.chars('abcdefghijklmnopqrstuvwxyz', 3)}`;
    return { kind: 'meet', url: `https://meet.google.com/${code}`, code, room: null };
  }
  if (r < 0.9) { const z = zoomLink(rng); return { kind: 'zoom', url: z.url, code: z.code, room: null }; }
  return { kind: 'room', url: null, code: '', room: rng.pick(['HQ-4-Fuji (8)', 'HQ-3-Everest (12)', 'Berlin-2-Spree (6)', 'NYC-7-Hudson (10)', 'HQ-4-Kilimanjaro (4)']) };
}

export function attendeeRef(p: OrgPerson, status: ResponseStatus): AttendeeRef {
  return { idx: p.idx, email: p.email, name: p.fullName, status };
}

function randomStatus(rng: Rng): ResponseStatus {
  return rng.weighted([['accepted', 75], ['tentative', 8], ['needsAction', 12], ['declined', 5]] as const);
}

function conferenceText(conf: Conference): { description: string; location: string } {
  if (conf.kind === 'zoom') {
    const inLocation = conf.code.endsWith('1') || conf.code.endsWith('5') || conf.code.endsWith('7');
    return {
      location: inLocation ? (conf.url ?? '') : '',
      description: `Join Zoom Meeting\n${conf.url}\n\nMeeting ID: ${conf.code.slice(0, 3)} ${conf.code.slice(3, 7)} ${conf.code.slice(7)}`,
    };
  }
  if (conf.kind === 'room') return { location: conf.room ?? '', description: '' };
  return { location: '', description: '' };
}

/** The recurring series of the organization, decided once up front. */
export function planSeries(rng: Rng, org: Org, startMs: number): Series[] {
  const out: Series[] = [];
  const humans = org.people.filter((p) => !p.deleted);
  const make = (kind: Series['kind'], summary: string, short: string, organizer: OrgPerson, attendees: number[], weekdays: number[], hour: number, minute: number, durationMin: number): void => {
    const conf = makeConference(rng);
    out.push({
      id: calendarId(rng), kind, summary, short, tz: organizer.tz, weekdays, hour, minute, durationMin, organizer: organizer.idx,
      attendees: [...new Set([organizer.idx, ...attendees])], conf, created: startMs - rng.between(20, 200) * 86_400_000,
      description: kind === 'standup' ? 'Yesterday / today / blockers. Keep it to 15 minutes.' : kind === 'oneonone' ? 'Weekly 1:1. Running notes in the shared doc.' : '',
    });
  };
  for (const [team, members] of org.teams) {
    const lead = org.people[members[0] as number] as OrgPerson;
    if (rng.chance(0.6)) make('standup', `${team} standup`, 'standup', lead, members, [1, 2, 3, 4, 5], rng.pick([9, 9, 10]), rng.pick([0, 15, 30]), 15);
    make('sync', `${team} weekly sync`, rng.pick(['sync', 'team sync', 'weekly']), lead, members, [rng.between(1, 5)], rng.between(10, 15), rng.pick([0, 30]), rng.pick([30, 45, 60]));
  }
  for (const p of humans) {
    if (p.manager === null) continue;
    const mgr = org.people[p.manager] as OrgPerson;
    make('oneonone', `${p.given} / ${mgr.given} 1:1`, '1:1', mgr, [p.idx], [rng.between(1, 5)], rng.between(9, 16), rng.pick([0, 30]), rng.pick([25, 30, 30, 45]));
  }
  const heads = humans.filter((p) => p.manager === 0);
  if (heads.length > 0) make('staff', 'Leadership staff meeting', 'staff meeting', org.people[0] as OrgPerson, heads.map((h) => h.idx), [1], 11, 0, 60);
  return out;
}

/** The instance of `series` on day `day`, or null if it does not recur then. */
export function seriesInstance(seed: number, org: Org, series: Series, startDate: string, day: number): CalEvent | null {
  const d = dayAt(startDate, day);
  if (!series.weekdays.includes(d.weekday)) return null;
  const rng = new Rng(seed, `instance:${series.id}:${day}`);
  const originalStart = zonedToUtc(d.year, d.month, d.day, series.hour, series.minute, series.tz);
  const r = rng.next();
  const cancelled = r < 0.04;
  const moved = !cancelled && r < 0.09;
  const start = moved ? originalStart + rng.pick([-60, -30, 30, 60, 90, 120]) * MINUTE : originalStart;
  const { description, location } = conferenceText(series.conf);
  const attendees = series.attendees.map((i) => attendeeRef(org.people[i] as OrgPerson, i === series.organizer ? 'accepted' : randomStatus(rng)));
  return {
    baseId: series.id, id: `${series.id}_${basicUtc(originalStart)}`, series, summary: series.summary, short: series.short,
    description: [series.description, description].filter(Boolean).join('\n\n'), location,
    start, end: start + series.durationMin * MINUTE, originalStart, tz: series.tz, status: cancelled ? 'cancelled' : 'confirmed',
    organizer: series.organizer, attendees, conf: series.conf, created: series.created,
    updated: moved || cancelled ? originalStart - rng.between(60, 2 * 24 * 60) * MINUTE : series.created, sequence: moved ? 1 : 0,
    allDay: false, eventType: 'default', moved, owner: null, isMeeting: true,
  };
}

function pickAttendees(rng: Rng, org: Org, organizer: OrgPerson): number[] {
  const humans = org.people.filter((p) => !p.deleted);
  const teamMates = org.teams.get(organizer.team) ?? [];
  const size = rng.weighted([[2, 40], [3, 22], [4, 16], [5, 10], [6, 7], [8, 5]] as const);
  const r = rng.next();
  const pool = r < 0.5 && teamMates.length > 1 ? teamMates
    : r < 0.7 ? humans.filter((p) => p.department === organizer.department).map((p) => p.idx)
      : humans.map((p) => p.idx);
  return [organizer.idx, ...rng.sample(pool.filter((i) => i !== organizer.idx), size - 1)];
}

/** One-off meetings organized on `day` (weekdays only), with their attendees and links. */
export function planOneOffs(rng: Rng, org: Org, startDate: string, day: number, perPersonRate: number): CalEvent[] {
  const d = dayAt(startDate, day);
  if (d.weekday === 0 || d.weekday === 6) return [];
  const humans = org.people.filter((p) => !p.deleted);
  const count = Math.round(humans.length * perPersonRate * (0.8 + 0.4 * rng.next()));
  const out: CalEvent[] = [];
  for (let k = 0; k < count; k++) {
    const organizer = rng.pick(humans);
    const idxs = pickAttendees(rng, org, organizer);
    if (idxs.length < 2) continue;
    const others = idxs.slice(1).map((i) => org.people[i] as OrgPerson);
    const external = organizer.department === 'Sales' && rng.chance(0.5);
    const company = rng.pick(COMPANIES);
    const project = rng.pick(PROJECTS);
    const [summary, short] = external ? [`Customer call: ${company}`, `${company} call`]
      : idxs.length === 2 ? rng.pick([[`${organizer.given} / ${others[0]?.given}`, 'chat'], [`${organizer.given} <> ${others[0]?.given}`, 'call'], ['Catch up', 'catch up'], [`Pairing on ${project}`, 'pairing session']] as const)
        : rng.pick([[`Design review: ${project}`, 'design review'], [`${project} planning`, 'planning'], ['Interview debrief', 'debrief'], ['Roadmap review', 'roadmap review'],
          [`Kickoff: ${project}`, 'kickoff'], ['Architecture review', 'arch review'], ['Sprint retro', 'retro'], ['Budget review', 'budget review'],
          ['Incident postmortem', 'postmortem'], ['Demo prep', 'demo prep'], [`Brainstorm: ${project}`, 'brainstorm'], ['Hiring sync', 'hiring sync']] as const);
    const hour = rng.between(9, 16);
    const minute = rng.pick([0, 0, 30, 30, 15, 45]);
    const start = zonedToUtc(d.year, d.month, d.day, hour, minute, organizer.tz);
    const dur = rng.pick([25, 30, 30, 45, 50, 60]);
    // An organizer books a slot free on their own calendar: no second meeting they are in at that time.
    const end = start + dur * MINUTE;
    if (out.some((e) => e.start < end && start < e.end && e.attendees.some((a) => a.idx === organizer.idx))) continue;
    const conf = makeConference(rng);
    const text = conferenceText(conf);
    const attendees = idxs.map((i) => attendeeRef(org.people[i] as OrgPerson, i === organizer.idx ? 'accepted' : randomStatus(rng)));
    if (external) attendees.push({ idx: null, email: `${rng.pick(['jordan', 'casey', 'morgan', 'riley'])}@${company.toLowerCase().replace(/\W/g, '')}.example`, name: `${company} contact`, status: 'needsAction' });
    const id = calendarId(rng);
    const created = start - rng.between(30, 6 * 24 * 60) * MINUTE;
    out.push({
      baseId: id, id, series: null, summary, short, description: [rng.chance(0.4) ? `Agenda: ${project} status, open questions` : '', text.description].filter(Boolean).join('\n\n'),
      location: text.location, start, end: start + dur * MINUTE, originalStart: null, tz: organizer.tz, status: 'confirmed', organizer: organizer.idx,
      attendees, conf, created, updated: created + rng.between(0, 600) * MINUTE, sequence: 0, allDay: false, eventType: 'default', moved: false, owner: null, isMeeting: true,
    });
  }
  return out;
}

/** Personal events that are not meetings: out of office, focus time, all-day reminders, lunch blocks. */
export function planPersonal(rng: Rng, org: Org, startDate: string, day: number): CalEvent[] {
  const d = dayAt(startDate, day);
  if (d.weekday === 0 || d.weekday === 6) return [];
  const out: CalEvent[] = [];
  for (const p of org.people) {
    if (p.deleted) continue;
    const r = rng.next();
    if (r > 0.16) continue;
    const id = calendarId(rng);
    const kind = r < 0.025 ? 'ooo' : r < 0.035 ? 'oooAllDay' : r < 0.1 ? 'focus' : r < 0.14 ? 'lunch' : 'allday';
    const dayStart = zonedToUtc(d.year, d.month, d.day, 0, 0, p.tz);
    const at = (h: number, m = 0): number => zonedToUtc(d.year, d.month, d.day, h, m, p.tz);
    const base = {
      baseId: id, id, series: null, description: '', location: '', originalStart: null, tz: p.tz, status: 'confirmed' as const, organizer: p.idx,
      attendees: [], conf: null, created: dayStart - 5 * 86_400_000, updated: dayStart - 5 * 86_400_000, sequence: 0, moved: false, owner: p.idx, isMeeting: false,
    };
    if (kind === 'ooo') out.push({ ...base, summary: 'Out of office', short: 'ooo', start: at(9), end: at(17), allDay: false, eventType: 'outOfOffice' });
    else if (kind === 'oooAllDay') out.push({ ...base, summary: rng.pick(['OOO', 'Vacation', 'Out sick']), short: 'ooo', start: Date.UTC(d.year, d.month - 1, d.day), end: Date.UTC(d.year, d.month - 1, d.day + 1), allDay: true, eventType: 'outOfOffice' });
    else if (kind === 'focus') out.push({ ...base, summary: 'Focus time', short: 'focus', start: at(13), end: at(15), allDay: false, eventType: 'focusTime' });
    else if (kind === 'lunch') out.push({ ...base, summary: 'Lunch', short: 'lunch', start: at(12), end: at(13), allDay: false, eventType: 'default' });
    else out.push({ ...base, summary: rng.pick(['Pay day', 'Submit expenses', 'Release freeze', 'Quarter end', `Working from ${rng.pick(['home', 'the office', 'Berlin'])}`]), short: 'allday', start: Date.UTC(d.year, d.month - 1, d.day), end: Date.UTC(d.year, d.month - 1, d.day + 1), allDay: true, eventType: 'default' });
  }
  return out;
}

export function emailOf(p: OrgPerson): string {
  return p.email || `${p.handle}@${DOMAIN}`;
}
