/**
 * Calendar events in memory, for correlation: by time window, by conference link and by id.
 *
 * The same event arrives once per attendee calendar that holds it; copies are merged into one
 * (attendees united by email, the most recently updated copy's fields kept, the organizer's
 * calendar winning a tie). To keep memory modest at hundreds of thousands of events, only what
 * correlation and the meeting metrics read is kept (no description or location: the Drive ids
 * they link to), and the lookups by time, person and title word are sorted arrays rebuilt
 * only when a query follows new events.
 *
 * The index lives for the whole run and grows with the calendar, so what it keeps is compact:
 * strings that repeat across events (emails, names, titles and descriptions of recurring
 * events, calendar ids, time zones, conference links) and attendee and organizer objects are
 * shared, and no kept string is a slice of another: a field parsed out of an ICS file would
 * otherwise keep the whole file's text alive. An event's four times live in one Float64Array
 * per index, not on the event: kept on an object, each is a pointer to a boxed number (24 bytes
 * a time; 160 bytes an event instead of 208 with the array's 32), and the event objects were
 * the largest part of the index at scale 10.
 */
import type { Millis } from '../core/envelope.js';
import type { Attendee, CalendarEvent } from '../core/records.js';
import { conferenceKey } from './conference-links.logic.js';
import { driveIdsIn } from './drive-links.logic.js';

/**
 * An event as the index keeps it: what correlation, the meetings and their metrics read.
 * `documents` are the Drive files its description (the first 500 characters) and location link to.
 */
export type IndexedEvent = Pick<
  CalendarEvent,
  'id' | 'calendarId' | 'recurringEventId' | 'summary' | 'start' | 'end' | 'allDay' | 'status' | 'eventType' | 'organizer' | 'attendees' | 'conferenceLinks' | 'created' | 'updated'
> & { readonly documents: readonly string[] };

const NONE: readonly string[] = [];

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

  /** One array per distinct list of conference links (the instances of a series share theirs). */
  private readonly linkLists = new Map<string, string[]>();

  links(list: readonly string[]): string[] {
    if (list.length === 0) return NONE as string[];
    const key = list.join('\n');
    const known = this.linkLists.get(key);
    if (known !== undefined) return known;
    const own = list.map((l) => this.str(l));
    this.linkLists.set(own.join('\n'), own);
    return own;
  }

  /** The event's fields as the index keeps them (strings and people shared, the Drive ids of its description and location), with its times in `slot` of `times`. */
  event(e: CalendarEvent, times: TimeColumns, slot: number): KeptEvent {
    const description = e.description !== null && e.description.length > DESCRIPTION_CHARS ? e.description.slice(0, DESCRIPTION_CHARS) : e.description;
    const documents = description === null && e.location === null ? NONE : driveIdsIn(`${description ?? ''} ${e.location ?? ''}`);
    const recurringEventId = this.str(e.recurringEventId);
    times.set(slot, e.start, e.end, e.created, e.updated);
    return new KeptEvent(
      this.str(e.id),
      this.str(e.calendarId),
      recurringEventId,
      this.str(e.summary),
      e.allDay,
      e.status,
      this.str(e.eventType),
      this.organizer(e.organizer),
      this.attendeeList(recurringEventId, e.attendees.map((a) => this.attendee(a))),
      this.links(e.conferenceLinks),
      documents.length === 0 ? NONE : documents.map((d) => this.str(d)),
      times,
      slot,
    );
  }
}

/** Start, end, created and updated of each event of an index, by slot; null (created, updated) is NaN. */
class TimeColumns {
  data = new Float64Array(4 * 1024);
  private used = 0;

  /** A new slot. */
  take(): number {
    if (4 * (this.used + 1) > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    return this.used++;
  }

  set(slot: number, start: Millis, end: Millis, created: Millis | null, updated: Millis | null): void {
    const at = 4 * slot;
    this.data[at] = start;
    this.data[at + 1] = end;
    this.data[at + 2] = created ?? Number.NaN;
    this.data[at + 3] = updated ?? Number.NaN;
  }
}

function nullable(t: number): Millis | null {
  return Number.isNaN(t) ? null : t;
}

/**
 * An event as the index keeps it: its fields, and its times read from the index's columns. An
 * event replaced by a newer copy of itself (see EventIndex.add) keeps its slot, so an object
 * still held from before reads the newer copy's times.
 */
class KeptEvent implements IndexedEvent {
  constructor(
    readonly id: string,
    readonly calendarId: string,
    readonly recurringEventId: string | null,
    readonly summary: string | null,
    readonly allDay: boolean,
    readonly status: CalendarEvent['status'],
    readonly eventType: CalendarEvent['eventType'],
    readonly organizer: CalendarEvent['organizer'],
    readonly attendees: Attendee[],
    readonly conferenceLinks: string[],
    readonly documents: readonly string[],
    private readonly times: TimeColumns,
    readonly slot: number,
  ) {}

  get start(): Millis {
    return this.times.data[4 * this.slot]!;
  }

  get end(): Millis {
    return this.times.data[4 * this.slot + 1]!;
  }

  get created(): Millis | null {
    return nullable(this.times.data[4 * this.slot + 2]!);
  }

  get updated(): Millis | null {
    return nullable(this.times.data[4 * this.slot + 3]!);
  }

  /** The same event with other fields (and this event's slot). */
  with(changes: Partial<Pick<KeptEvent, 'id' | 'attendees' | 'conferenceLinks'>>): KeptEvent {
    return new KeptEvent(
      changes.id ?? this.id,
      this.calendarId,
      this.recurringEventId,
      this.summary,
      this.allDay,
      this.status,
      this.eventType,
      this.organizer,
      changes.attendees ?? this.attendees,
      changes.conferenceLinks ?? this.conferenceLinks,
      this.documents,
      this.times,
      this.slot,
    );
  }

  /** The plain fields, for printing and JSON (the times are not own properties). */
  toJSON(): IndexedEvent {
    return {
      id: this.id, calendarId: this.calendarId, recurringEventId: this.recurringEventId, summary: this.summary, start: this.start, end: this.end,
      allDay: this.allDay, status: this.status, eventType: this.eventType, organizer: this.organizer, attendees: this.attendees,
      conferenceLinks: this.conferenceLinks, created: this.created, updated: this.updated, documents: this.documents,
    };
  }
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

function preferred(current: IndexedEvent, incoming: CalendarEvent): IndexedEvent | CalendarEvent {
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
export function titleWordsOf(e: Pick<CalendarEvent, 'summary'>): string[] {
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
export function conferenceKeysOf(e: Pick<CalendarEvent, 'conferenceLinks'>): readonly string[] {
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
  private readonly events = new Map<string, KeptEvent>();
  private readonly times = new TimeColumns();
  private readonly byKey = new Postings();
  /** Built from `events` on the first query after a change (see build). */
  private sorted: IndexedEvent[] = [];
  private byPerson = new Map<string, IndexedEvent[]>();
  private byWord = new Map<string, IndexedEvent[]>();
  private dirty = false;
  /** Dropped when the lookups are built (see build): only events added after that are shared through a new one. */
  private intern = new Interner();

  get size(): number {
    return this.events.size;
  }

  add(e: CalendarEvent): void {
    // The map's key, held by the conference-key postings: one string, sharing no file's text.
    const twin = this.intern.str(twinKey(e.id));
    const current = this.events.get(twin);
    let next: KeptEvent;
    if (current === undefined) {
      next = this.intern.event(e, this.times, this.times.take());
    } else {
      // A copy of an event already kept takes over its slot (see KeptEvent).
      const base = preferred(current, e) === current ? current : this.intern.event(e, this.times, current.slot);
      const links = [...new Set([...current.conferenceLinks, ...e.conferenceLinks])];
      const sameLinks = links.length === current.conferenceLinks.length && links.every((l, i) => l === current.conferenceLinks[i]);
      next = base.with({
        attendees: this.intern.attendeeList(base.recurringEventId, mergeAttendees(base.attendees, base === current ? e.attendees : current.attendees, this.intern)),
        conferenceLinks: sameLinks ? current.conferenceLinks : this.intern.links(links),
      });
    }
    // The API id wins over the ICS id, whichever copy came first.
    const apiId = e.format === 'api-json' ? e.id : current?.id ?? e.id;
    if (next.id !== apiId) next = next.with({ id: this.intern.str(apiId) });
    this.events.set(twin, next);
    for (const key of conferenceKeysOf(next)) {
      this.byKey.add(key, twin);
    }
    this.dirty = true;
  }

  /**
   * The lookups by time, person and title word, rebuilt from the events when they changed: each
   * is a plain array of the events sorted by start, so a window is a binary search away.
   * Calendars are read before the messages they are matched with, so this runs about once a run.
   */
  private build(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.sorted = [...this.events.values()].sort((a, b) => a.start - b.start || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const byPerson = new Map<string, IndexedEvent[]>();
    const byWord = new Map<string, IndexedEvent[]>();
    const push = (map: Map<string, IndexedEvent[]>, key: string, e: IndexedEvent): void => {
      const list = map.get(key);
      if (list === undefined) map.set(key, [e]);
      // An organizer who is also an attendee, or one person listed twice: the event once.
      else if (list[list.length - 1] !== e) list.push(e);
    };
    for (const e of this.sorted) {
      if (e.organizer?.email) push(byPerson, e.organizer.email.toLowerCase(), e);
      for (const a of e.attendees) if (a.email) push(byPerson, a.email.toLowerCase(), e);
    }
    // By start, and events at the same start in the order they were first read: which of two
    // such events correlation meets first breaks a tie between them (see preferNearestNamed).
    for (const e of this.events.values()) for (const w of titleWordsOf(e)) push(byWord, w, e);
    for (const list of byWord.values()) list.sort((a, b) => a.start - b.start);
    this.byPerson = byPerson;
    this.byWord = byWord;
    // The interner's maps matter only while events are added, and they cost more than the
    // strings they share: at scale 1, 1.4 MB of the index's 7.4 MB (a map entry for every event's
    // id and links). The kept events keep what they share; the maps go.
    this.intern = new Interner();
  }

  /** Events whose title has this word (see titleWordsOf), by start time. */
  withTitleWord(word: string): IndexedEvent[] {
    this.build();
    return [...(this.byWord.get(word) ?? [])];
  }

  /**
   * Events whose title has this word, starting in [from, to), by start time. A common word
   * ("standup") names thousands of events over a year; correlation wants the few in its window.
   */
  withTitleWordBetween(word: string, from: Millis, to: Millis): IndexedEvent[] {
    this.build();
    return slice(this.byWord.get(word), from, to, []);
  }

  /** Events this person is invited to (or organizes) starting in [from, to), by start time then id. */
  invitedBetween(email: string, from: Millis, to: Millis): IndexedEvent[] {
    this.build();
    return slice(this.byPerson.get(email.toLowerCase()), from, to, []);
  }

  /**
   * Events any of these people (lower-cased emails) is invited to, starting in [from, to); an
   * event several of them share comes once per person. Each person's events are looked up by a
   * binary search, so the cost follows the people's calendars, not the organization's.
   */
  invitedAnyBetween(people: Iterable<string>, from: Millis, to: Millis, out: IndexedEvent[] = []): IndexedEvent[] {
    this.build();
    for (const email of people) slice(this.byPerson.get(email), from, to, out);
    return out;
  }

  /** By its id, in API or iCalendar form. */
  get(id: string): IndexedEvent | undefined {
    return this.events.get(twinKey(id));
  }

  /** Events starting in [from, to), by start time then id. */
  between(from: Millis, to: Millis): IndexedEvent[] {
    this.build();
    return slice(this.sorted, from, to, []);
  }

  /** Events whose conference link has this key (see conferenceKey), by start time. */
  byConferenceKey(key: string): IndexedEvent[] {
    return [...this.byKey.get(key)].map((id) => this.events.get(id)!).sort((a, b) => a.start - b.start);
  }
}

/** Appends the events of `sorted` (by start) starting in [from, to) to `out`. */
function slice(sorted: readonly IndexedEvent[] | undefined, from: Millis, to: Millis, out: IndexedEvent[]): IndexedEvent[] {
  if (sorted === undefined) return out;
  for (let i = lowerBound(sorted, from); i < sorted.length && sorted[i]!.start < to; i++) out.push(sorted[i]!);
  return out;
}

/** The first index of `sorted` (by start) whose start is at or after `from`. */
function lowerBound(sorted: readonly IndexedEvent[], from: Millis): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]!.start < from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
