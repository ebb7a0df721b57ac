/**
 * Calendar events in memory, for correlation: by time window, by conference link and by id.
 *
 * The same event arrives once per attendee calendar that holds it; copies are merged into one
 * (attendees united by email, the most recently updated copy's fields kept, the organizer's
 * calendar winning a tie). To keep memory modest at tens of thousands of events, only what
 * correlation reads is kept: descriptions are cut to their first 500 characters, and the time
 * index is a sorted array of ids rebuilt only when a query follows new events.
 *
 * The index lives for the whole run and grows with the calendar, so what it keeps is compact:
 * strings that repeat across events (emails, names, titles and descriptions of recurring
 * events, calendar ids, time zones, conference links) and attendee and organizer objects are
 * shared, and no kept string is a slice of another: a field parsed out of an ICS file would
 * otherwise keep the whole file's text alive.
 */
import type { Millis } from '../core/envelope.js';
import type { Attendee, CalendarEvent } from '../core/records.js';
import { conferenceKey } from './conference-links.logic.js';

const DESCRIPTION_CHARS = 500;
const GOOGLE_UID = /^(.+)@google\.com((?:_\d{8}(?:T\d{6}Z)?)?)$/;

/**
 * The key under which twins meet. A Google Calendar event exported to iCalendar has the UID
 * `<api id>@google.com`, so its ICS id (`UID` or `UID_<original start>`) differs from its API
 * twin's only by that suffix. Both name the same event: the merged event keeps the API id when
 * an API copy was read, else the ICS id.
 */
export function twinKey(id: string): string {
  const m = GOOGLE_UID.exec(id);
  return m ? `${m[1]}${m[2]}` : id;
}

/** Below this length V8 copies a substring; from it on, a substring is a view that keeps its parent string alive. */
const SLICE_MIN = 13;

/** A copy of `s` that shares no other string's memory. */
function detached(s: string): string {
  return s.length < SLICE_MIN ? s : (JSON.parse(JSON.stringify(s)) as string);
}

/** One copy of each string, attendee and organizer the index keeps (see the file comment). */
class Interner {
  private readonly strings = new Map<string, string>();
  private readonly attendees = new Map<string, Attendee>();
  private readonly organizers = new Map<string, NonNullable<CalendarEvent['organizer']>>();
  /** The latest attendee list of each recurring series: its instances mostly have the same people with the same answers. */
  private readonly seriesAttendees = new Map<string, Attendee[]>();

  str(s: string): string;
  str(s: string | null): string | null;
  str(s: string | null): string | null {
    if (s === null) return null;
    const known = this.strings.get(s);
    if (known !== undefined) return known;
    const own = detached(s);
    this.strings.set(own, own);
    return own;
  }

  attendee(a: Attendee): Attendee {
    const key = `${a.email ?? '\u0000'}\n${a.name ?? '\u0000'}\n${a.responseStatus}\n${+a.optional}${+a.resource}${+a.organizer}`;
    const known = this.attendees.get(key);
    if (known !== undefined) return known;
    const own: Attendee = { email: this.str(a.email), name: this.str(a.name), responseStatus: a.responseStatus, optional: a.optional, resource: a.resource, organizer: a.organizer };
    this.attendees.set(detached(key), own);
    return own;
  }

  organizer(o: CalendarEvent['organizer']): CalendarEvent['organizer'] {
    if (o === null) return null;
    const key = `${o.email ?? '\u0000'}\n${o.name ?? '\u0000'}`;
    const known = this.organizers.get(key);
    if (known !== undefined) return known;
    const own = { email: this.str(o.email), name: this.str(o.name) };
    this.organizers.set(detached(key), own);
    return own;
  }

  /** `list` (of shared attendees), or the same list an earlier instance of the series has. */
  attendeeList(series: string | null, list: Attendee[]): Attendee[] {
    if (series === null) return list;
    const known = this.seriesAttendees.get(series);
    if (known !== undefined && known.length === list.length && known.every((a, i) => a === list[i])) return known;
    this.seriesAttendees.set(series, list);
    return list;
  }

  /** The event as the index keeps it: description cut, strings and people shared. */
  event(e: CalendarEvent): CalendarEvent {
    const description = e.description !== null && e.description.length > DESCRIPTION_CHARS ? e.description.slice(0, DESCRIPTION_CHARS) : e.description;
    const recurringEventId = this.str(e.recurringEventId);
    return kept({
      ...e,
      id: this.str(e.id),
      calendarId: this.str(e.calendarId),
      iCalUid: this.str(e.iCalUid),
      recurringEventId,
      summary: this.str(e.summary),
      description: this.str(description),
      location: this.str(e.location),
      timeZone: this.str(e.timeZone),
      eventType: this.str(e.eventType),
      organizer: this.organizer(e.organizer),
      attendees: this.attendeeList(recurringEventId, e.attendees.map((a) => this.attendee(a))),
      conferenceLinks: e.conferenceLinks.map((l) => this.str(l)),
    });
  }
}

/**
 * The event as one object literal with every field in place: an object made by spreading
 * another keeps most of its fields in a separate property array, about 160 bytes more per event.
 */
function kept(e: CalendarEvent): CalendarEvent {
  return {
    id: e.id, calendarId: e.calendarId, iCalUid: e.iCalUid, recurringEventId: e.recurringEventId, originalStart: e.originalStart, summary: e.summary,
    description: e.description, location: e.location, start: e.start, end: e.end, timeZone: e.timeZone, allDay: e.allDay, status: e.status,
    eventType: e.eventType, organizer: e.organizer, attendees: e.attendees, conferenceLinks: e.conferenceLinks, created: e.created, updated: e.updated,
    format: e.format,
  };
}

/**
 * Ids by key (a conference key, a title word, an email). Most conference keys name a single
 * event: that id is kept as it is, and a set is made for the second.
 */
class Postings {
  private readonly ids = new Map<string, string | Set<string>>();

  add(key: string, id: string): void {
    const known = this.ids.get(key);
    if (known === undefined) this.ids.set(key, id);
    else if (typeof known === 'string') {
      if (known !== id) this.ids.set(key, new Set([known, id]));
    } else known.add(id);
  }

  /** The ids under `key`, in the order they were first added. */
  get(key: string): Iterable<string> {
    const known = this.ids.get(key);
    return known === undefined ? [] : typeof known === 'string' ? [known] : known;
  }
}

const RESPONSE_RANK: Record<Attendee['responseStatus'], number> = { needsAction: 0, tentative: 1, declined: 2, accepted: 3 };

function mergeAttendees(a: Attendee[], b: Attendee[], intern: Interner): Attendee[] {
  const out = [...a];
  const at = new Map<string, number>();
  out.forEach((x, i) => at.set((x.email ?? x.name ?? `#${i}`).toLowerCase(), i));
  for (const x of b) {
    const k = (x.email ?? x.name ?? '').toLowerCase();
    const i = k ? at.get(k) : undefined;
    if (i === undefined) {
      at.set(k || `#${out.length}`, out.length);
      out.push(intern.attendee(x));
    } else if (RESPONSE_RANK[x.responseStatus] > RESPONSE_RANK[out[i]!.responseStatus]) {
      // Each attendee's own calendar knows their answer; the others may still say needsAction.
      out[i] = intern.attendee({ ...out[i]!, responseStatus: x.responseStatus });
    }
  }
  return out;
}

function preferred(current: CalendarEvent, incoming: CalendarEvent): CalendarEvent {
  const cu = current.updated ?? 0;
  const iu = incoming.updated ?? 0;
  if (iu !== cu) return iu > cu ? incoming : current;
  const org = current.organizer?.email?.toLowerCase();
  if (org && incoming.calendarId.toLowerCase() === org && current.calendarId.toLowerCase() !== org) return incoming;
  return current;
}

const TITLE_STOPWORDS = new Set([
  'the', 'and', 'for', 'with', 'meeting', 'weekly', 'daily', 'call', 'sync', 'team', 'chat', 'our', 'you', 'your', 'from',
  'about', 'event', 'session', 'quick', 'catch', 'biweekly', 'monthly', 'invite', 'invitation', 'updated', 'canceled', 'cancelled',
  // "after lunch" is a time of day, not the "Lunch" block on someone's calendar.
  'lunch',
]);

/** Short forms people write for words of titles. */
const ALIASES = new Map([
  ['arch', 'architecture'], ['archi', 'architecture'], ['pm', 'postmortem'], ['post-mortem', 'postmortem'], ['kick-off', 'kickoff'],
  ['brainstorming', 'brainstorm'], ['demos', 'demo'], ['interviews', 'interview'],
]);

const CATCH_UP = /\bcatch[\s-]?ups?\b/g;

/** The words of a text, lower-cased and accent-free, for matching against titles. */
export function textWords(text: string): Set<string> {
  const out = new Set<string>();
  // "Catch up", a common title with no other word, is named by its two words together ("outcome of the catch up").
  for (const w of text.toLowerCase().normalize('NFD').replace(/\p{M}/gu, '').replace(CATCH_UP, 'catchup').match(/1:1|[\p{L}\p{N}][\p{L}\p{N}'-]*/gu) ?? []) {
    const t = w.replace(/'s$/, '');
    if (t === '1:1' || t.length >= 3) out.add(ALIASES.get(t) ?? t.replace(/^stand-?ups?$/, 'standup').replace(/^retros?(?:pective)?s?$/, 'retro'));
    // "data-lake" in a title is also "data" and "lake" in a message.
    if (t.includes('-')) for (const part of t.split('-')) if (part.length >= 3) out.add(ALIASES.get(part) ?? part);
  }
  return out;
}

/**
 * Title words by title and conference keys by link, shared by the events that have the same
 * title or link (every instance of a series): kept per event, they cost a few strings for each.
 * Bounded: a cache that reaches the limit starts again.
 */
const SHARED_LIMIT = 100_000;
const WORDS_BY_TITLE = new Map<string, string[]>();
const KEY_BY_LINK = new Map<string, string | null>();
const NO_KEYS: readonly string[] = [];
const PAIR_TITLE = /^\s*([\p{L}'.-]+)\s*(?:<>|\/|&)\s*([\p{L}'.-]+)/u;

function remember<V>(cache: Map<string, V>, key: string, value: V): V {
  if (cache.size >= SHARED_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

/** The distinctive words of an event's title ("standup", "retro", "1:1", a project name). */
export function titleWordsOf(e: CalendarEvent): string[] {
  const title = e.summary ?? '';
  const known = WORDS_BY_TITLE.get(title);
  if (known !== undefined) return known;
  // "Ivan <> Viktor", "Marcus / Arjun 1:1": the names are people, whom a message names for other reasons
  // ("action items: Ivan - …"); people are matched by attendance, not by title.
  const names = PAIR_TITLE.exec(title);
  const people = names ? new Set([...textWords(`${names[1]} ${names[2]}`)]) : undefined;
  return remember(WORDS_BY_TITLE, title, [...textWords(title)].filter((x) => !TITLE_STOPWORDS.has(x) && !people?.has(x)));
}

/** The conference keys of an event's links (see conferenceKey). */
export function conferenceKeysOf(e: CalendarEvent): readonly string[] {
  if (e.conferenceLinks.length === 0) return NO_KEYS;
  const out: string[] = [];
  for (const link of e.conferenceLinks) {
    const known = KEY_BY_LINK.get(link);
    const key = known !== undefined ? known : remember(KEY_BY_LINK, link, conferenceKey(link));
    if (key !== null) out.push(key);
  }
  return out;
}

export class EventIndex {
  private readonly events = new Map<string, CalendarEvent>();
  private readonly byKey = new Postings();
  private readonly byWord = new Postings();
  private readonly byPerson = new Postings();
  private sorted: CalendarEvent[] = [];
  private dirty = false;
  /** Per title word, its events by start time: built on first use, dropped when events change. */
  private readonly sortedByWord = new Map<string, CalendarEvent[]>();
  private wordsDirty = false;
  /** Per person, their events by start time then id: built on first use, dropped when events change. */
  private readonly sortedByPerson = new Map<string, CalendarEvent[]>();
  private peopleDirty = false;
  private readonly intern = new Interner();

  get size(): number {
    return this.events.size;
  }

  add(e: CalendarEvent): void {
    // The map's key, held by every index below: one string, sharing no file's text.
    const twin = this.intern.str(twinKey(e.id));
    const current = this.events.get(twin);
    let next: CalendarEvent;
    if (current === undefined) {
      next = this.intern.event(e);
    } else {
      const base = preferred(current, e) === current ? current : this.intern.event(e);
      const links = [...new Set([...current.conferenceLinks, ...e.conferenceLinks])];
      const sameLinks = links.length === current.conferenceLinks.length && links.every((l, i) => l === current.conferenceLinks[i]);
      next = kept({
        ...base,
        attendees: this.intern.attendeeList(base.recurringEventId, mergeAttendees(base.attendees, base === current ? e.attendees : current.attendees, this.intern)),
        conferenceLinks: sameLinks ? current.conferenceLinks : links.map((l) => this.intern.str(l)),
      });
    }
    // The API id wins over the ICS id, whichever copy came first.
    const apiId = e.format === 'api-json' ? e.id : current?.id ?? e.id;
    if (next.id !== apiId) next = kept({ ...next, id: this.intern.str(apiId) });
    this.events.set(twin, next);
    for (const key of conferenceKeysOf(next)) {
      this.byKey.add(key, twin);
    }
    const people = next.organizer?.email ? [next.organizer.email, ...next.attendees.map((a) => a.email)] : next.attendees.map((a) => a.email);
    for (const email of people) {
      if (!email) continue;
      const k = email.toLowerCase();
      this.byPerson.add(k, twin);
    }
    for (const w of titleWordsOf(next)) {
      this.byWord.add(w, twin);
    }
    this.dirty = true;
    this.wordsDirty = true;
    this.peopleDirty = true;
  }

  /** Events whose title has this word (see titleWordsOf). */
  withTitleWord(word: string): CalendarEvent[] {
    return [...this.byWord.get(word)].map((id) => this.events.get(id)!);
  }

  /**
   * Events whose title has this word, starting in [from, to), by start time. A common word
   * ("standup") names thousands of events over a year; correlation wants the few in its window.
   */
  withTitleWordBetween(word: string, from: Millis, to: Millis): CalendarEvent[] {
    if (this.wordsDirty) {
      this.sortedByWord.clear();
      this.wordsDirty = false;
    }
    let sorted = this.sortedByWord.get(word);
    if (sorted === undefined) {
      sorted = this.withTitleWord(word).sort((a, b) => a.start - b.start);
      this.sortedByWord.set(word, sorted);
    }
    const out: CalendarEvent[] = [];
    for (let i = lowerBound(sorted, from); i < sorted.length && sorted[i]!.start < to; i++) out.push(sorted[i]!);
    return out;
  }

  /** Events this person is invited to (or organizes) starting in [from, to), by start time then id. */
  invitedBetween(email: string, from: Millis, to: Millis): CalendarEvent[] {
    const sorted = this.invitedSorted(email.toLowerCase());
    const out: CalendarEvent[] = [];
    for (let i = lowerBound(sorted, from); i < sorted.length && sorted[i]!.start < to; i++) out.push(sorted[i]!);
    return out;
  }

  /**
   * Events any of these people (lower-cased emails) is invited to, starting in [from, to); an
   * event several of them share comes once per person. Each person's events are looked up by a
   * binary search, so the cost follows the people's calendars, not the organization's.
   */
  invitedAnyBetween(people: Iterable<string>, from: Millis, to: Millis, out: CalendarEvent[] = []): CalendarEvent[] {
    for (const email of people) {
      const sorted = this.invitedSorted(email);
      for (let i = lowerBound(sorted, from); i < sorted.length && sorted[i]!.start < to; i++) out.push(sorted[i]!);
    }
    return out;
  }

  private invitedSorted(email: string): readonly CalendarEvent[] {
    if (this.peopleDirty) {
      this.sortedByPerson.clear();
      this.peopleDirty = false;
    }
    let sorted = this.sortedByPerson.get(email);
    if (sorted === undefined) {
      sorted = [...this.byPerson.get(email)].map((id) => this.events.get(id)!).sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : 1));
      this.sortedByPerson.set(email, sorted);
    }
    return sorted;
  }

  /** By its id, in API or iCalendar form. */
  get(id: string): CalendarEvent | undefined {
    return this.events.get(twinKey(id));
  }

  /** Events starting in [from, to), by start time then id. */
  between(from: Millis, to: Millis): CalendarEvent[] {
    if (this.dirty) {
      this.sorted = [...this.events.values()].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      this.dirty = false;
    }
    const out: CalendarEvent[] = [];
    for (let i = lowerBound(this.sorted, from); i < this.sorted.length && this.sorted[i]!.start < to; i++) out.push(this.sorted[i]!);
    return out;
  }

  /** Events whose conference link has this key (see conferenceKey), by start time. */
  byConferenceKey(key: string): CalendarEvent[] {
    return [...this.byKey.get(key)].map((id) => this.events.get(id)!).sort((a, b) => a.start - b.start);
  }
}

/** The first index of `sorted` (by start) whose start is at or after `from`. */
function lowerBound(sorted: readonly CalendarEvent[], from: Millis): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.start < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
