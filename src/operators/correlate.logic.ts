/**
 * Which calendar event does a meeting signal concern?
 *
 * Candidates are the events starting from 2 days before the message (follow-ups about a
 * meeting that took place) to 21 days after it. Each is scored on independent cues:
 *
 * - the same conference link (decisive, but a recurring meeting shares its link across
 *   instances, so the other cues still pick the instance);
 * - a stated time within ±15 minutes of the event start (strong), the same clock time a day
 *   off or, for a time without a day, on a nearby day (medium), or the same day (weak);
 * - title words in the message ("standup", "retro", "1:1", a project name);
 * - the author and the people mentioned among attendees or the organizer; in a DM or small
 *   group, how many members attend (a big channel says little);
 * - recency: the nearest upcoming instance (for a follow-up, the latest past one).
 *
 * Below THRESHOLD no link is made: a wrong link costs more than a missing one. A message in a
 * thread already linked keeps the thread's meeting unless a link or an exact time points
 * clearly elsewhere. A cancelled instance counts a little less, except for the message that cancels it.
 */
import type { Millis } from '../core/envelope.js';
import type { Signal } from '../core/records.js';
import { conferenceKey } from './conference-links.logic.js';
import { conferenceKeysOf, textWords, titleWordsOf, type EventIndex, type IndexedEvent } from './event-index.logic.js';
import { repairTypos } from './typos.logic.js';

/**
 * The event-time window of correlation: a message can concern an event from `lookbackMs`
 * before the event starts (scheduling it) to `followUpMs` after it ends (its notes).
 */
export interface CorrelationWindows {
  readonly lookbackMs: Millis;
  readonly followUpMs: Millis;
}

export const DEFAULT_WINDOWS: CorrelationWindows = { lookbackMs: 21 * 24 * 3_600_000, followUpMs: 3 * 24 * 3_600_000 };

export interface CorrelationContext {
  readonly windows?: CorrelationWindows;
  readonly authorEmail?: string;
  readonly mentionedEmails: string[];
  readonly channelMemberEmails?: string[];
  readonly text: string;
  readonly events: EventIndex;
  readonly threadMeetingId?: string;
  /** `threadMeetingId` comes from the channel's latest meeting message, not from a thread the message replies in. */
  readonly contextIsChannel?: boolean;
  /**
   * The message stands alone: posted at the top level and not read as the answer to an earlier
   * message. Only then may "the next meeting of the channel's members" stand in for a time.
   */
  readonly standalone?: boolean;
  /** Who answered the message (emails): the attendees of the meeting it proposed. */
  readonly participantEmails?: string[];
  /** The author's UTC offset at the message, in minutes: where "Friday afternoon" begins and ends. */
  readonly tzOffsetMinutes?: number;
  /** The events the channel's messages were linked to in the last days (`DISCUSSED_WITHIN_MS`): what the channel has been talking about. */
  readonly discussedEventIds?: { has(eventId: string): boolean; keys(): Iterable<string> };
}

/** How far back a channel's links say which meetings it has been talking about. */
export const DISCUSSED_WITHIN_MS = 7 * 24 * 3_600_000;
/** Kinds that refer to a meeting already arranged, which the channel has likely talked about before. */
const REFERRING = new Set<Signal['kind']>(['agenda', 'followup', 'reminder', 'cancel', 'decline']);

export interface EventLink {
  readonly eventId: string;
  readonly confidence: number;
  readonly method: 'thread' | 'link' | 'time' | 'title' | 'context';
  readonly evidence: string[];
}

const HOUR = 3_600_000;
/** A time mention that names its day ("today", "tmrw", "Fri", "3/4"): only its hour may be a guess. */
const DAY_WORD = /\b(?:today|tonight|this (?:morning|afternoon|evening)|tomorrow|tomorow|tmrw?|mon|tue|wed|thu|fri|sat|sun)|\d{1,2}\/\d{1,2}/i;
const DAY = 24 * HOUR;
const TIME_TOLERANCE_MS = 15 * 60_000;
const RECENT_END_MS = 8 * HOUR;
const SCHEDULING = new Set<Signal['kind']>(['propose', 'confirm', 'reschedule']);
const CREATED_SLACK_MS = 10 * 60_000;
const CREATED_WITHIN_MS = 3 * DAY;
const IMMINENT_BEFORE_MS = 15 * 60_000;
const IMMINENT_AFTER_MS = 60 * 60_000;
const IMMINENT_KINDS = new Set<Signal['kind']>(['reminder', 'link', 'huddle']);
export const THRESHOLD = 0.5;
/** Calendar entries that hold time without being a meeting. */
const NOT_MEETINGS = new Set(['outOfOffice', 'focusTime', 'workingLocation']);
/** Channels up to this many members (DMs, group DMs, small teams) identify a meeting's people. */
const SMALL_CHANNEL = 8;

// Derived once per attendee list, not per message: correlation runs for every signal. The
// instances of a series share their list (see EventIndex), so they share its set of emails too.
// The cache is bounded and starts afresh when full: kept for every event a replay touched, the
// sets grew with the calendar (their weak table alone held 2 MB of a scale-3 replay's heap).
const PEOPLE = new Map<object, Set<string>>();
const PEOPLE_CACHED = 20_000;

function attendeeEmails(e: IndexedEvent): Set<string> {
  const cached = PEOPLE.get(e);
  if (cached) return cached;
  if (PEOPLE.size >= PEOPLE_CACHED) PEOPLE.clear();
  let s = PEOPLE.get(e.attendees);
  if (s === undefined) {
    s = new Set<string>();
    // Everyone invited, including those who declined: "can't make it" and "still happening?" come from them too.
    for (const a of e.attendees) if (a.email) s.add(a.email.toLowerCase());
    PEOPLE.set(e.attendees, s);
  }
  const organizer = e.organizer?.email?.toLowerCase();
  if (organizer && !s.has(organizer)) s = new Set(s).add(organizer);
  PEOPLE.set(e, s);
  return s;
}

// A channel's member list is the same array for all of a message's candidates (and for the
// channel's next messages): lower-case it once, not once per candidate event.
const LOWER = new WeakMap<readonly string[], Set<string>>();

function lowerCased(emails: readonly string[]): Set<string> {
  let s = LOWER.get(emails);
  if (s === undefined) {
    s = new Set(emails.map((m) => m.toLowerCase()));
    LOWER.set(emails, s);
  }
  return s;
}

/** One candidate event with its score and the cues that gave it (what `convene explain` prints). */
export interface ScoredCandidate {
  event: IndexedEvent;
  score: number;
  linkMatch: boolean;
  timeScore: number;
  titleScore: number;
  /** The time cue points at this event (not only at its day). */
  timeMatches: boolean;
  /** The only time cue is a day and a part of it ("Wednesday", "Friday afternoon") that the event falls in. */
  partOfDayOnly?: boolean;
  /** The message names the event's type and the day it is on ("are we doing standup Wednesday?"). */
  namedOnDay?: boolean;
  evidence: string[];
}

const CLOCK_DIGITS = /\d|\bnoon\b|\bmidnight\b/i;

/**
 * Is `eventStart` in the part of the day a fuzzy mention names: "afternoon" or "after lunch" from
 * noon to 18:00, "morning" from 8:00 to noon, else working hours (8:00 to 19:00), on the mention's
 * day in the author's zone.
 */
function withinPartOfDay(mention: Millis, eventStart: Millis, offsetMinutes: number, text: string): boolean {
  const offset = offsetMinutes * 60_000;
  const dayStart = Math.floor((mention + offset) / DAY) * DAY - offset;
  const lower = text.toLowerCase();
  const [from, to] = /afternoon|after lunch|aftre lunch|atfer lunch/.test(lower) ? [12, 18] : /morning/.test(lower) ? [8, 12] : [8, 19];
  return eventStart >= dayStart + from * HOUR && eventStart < dayStart + to * HOUR;
}

/**
 * An agenda names its meeting in one place and its topics in another: "agenda for the sync: the
 * SOC2 audit", "catch up topics so far: hiring", "adding X to the agenda for kickoff", "let's use
 * arch review to decide on Y". Title words are read from the meeting's part only, so a topic
 * ("hiring", "the design review") does not pass for a meeting's title. Without that shape, the
 * whole text.
 */
const AGENDA_REFERENCES = [
  /\b(?:agenda|topics?|items?|main item|things)\b[^:\n]*?\bfor (?:the |our |today's |tomorrow's |this week's )?([^:,?\n]+?)(?::|\s+is\b|\?|$)/i,
  /^([^:\n]{2,40}?) (?:topics so far|topics|agenda|agenda items)\s*:/i,
  /\blet'?s use (?:the |our )?([^\n]{2,40}?) to (?:decide|discuss|go over|review|cover)\b/i,
  /^for (?:the |our |today's |tomorrow's )?([^,:\n]{2,40}?)(?:,| today| tomorrow| tmrw| on | i'?d like)/i,
  /\bbringing .{1,60} to (?:the |our )?([^,:\n]{2,40})$/i,
];

/** "declined, clashes with planning", "in a customer call then": what follows names the other meeting. */
const CLASH = /\b(?:clash(?:es|ing)? with|conflicts? with|in an? (?:other )?|in another|double[- ]booked with)\b[^\n]*/i;
/** "can't join, will catch up on notes": reading up later, not the meeting titled "Catch up". */
const CATCH_UP_LATER = /\b(?:will|i'?ll|i will) catch[- ]?up (?:on|later|async|offline|after)\b[^\n]*/i;
/** "agenda: 1) …", "agenda (please read before): …", "agenda is in the invite - mostly …": topics only, no meeting named. */
const AGENDA_ONLY = /^\s*agenda(?:\s*\([^)]*\))?(?: is in the invite)?\s*[:\-\u2013]/i;

function meetingReference(text: string): string {
  const plain = text.trim().replace(/[\u2018\u2019]/g, "'");
  if (AGENDA_ONLY.test(plain)) return '';
  for (const re of AGENDA_REFERENCES) {
    const m = re.exec(plain);
    if (m?.[1]) return m[1];
  }
  return text;
}

/** Kinds that, in a DM or small group and without a time, concern the next meeting of the people in it. */
const NEXT_KINDS = new Set<Signal['kind']>(['agenda', 'reminder', 'decline', 'cancel']);
const NEXT_WITHIN_MS = 7 * DAY;

/**
 * In a DM or a small group, the meeting its people have together: for an agenda, a reminder, a
 * decline or a cancellation without a time, the next one; for a follow-up, the last one that
 * ended. Only events that invite every member count, so a big meeting two of them attend does
 * not pass for their 1:1. Looked up in the author's invitations, not by scanning events.
 */
function ownMeetingOf(signal: Signal, ctx: CorrelationContext, windows: CorrelationWindows, messageWords: Set<string>): IndexedEvent | undefined {
  const members = ctx.channelMemberEmails;
  // A vague time ("this week", "today", "Friday") narrows the search instead of ruling it out.
  const vague = signal.times.every((t) => !t.certain && !CLOCK_DIGITS.test(t.text));
  if (!ctx.standalone || !vague || !ctx.authorEmail || !members || members.length < 2 || members.length > SMALL_CHANNEL) return undefined;
  const next = NEXT_KINDS.has(signal.kind);
  if (!next && signal.kind !== 'followup') return undefined;
  const all = (e: IndexedEvent): boolean => {
    if (e.allDay || NOT_MEETINGS.has(e.eventType) || e.status === 'cancelled' && signal.kind !== 'cancel') return false;
    const people = attendeeEmails(e);
    // Their own meeting: every member invited, and not many more people than them.
    if (people.size > 2 * members.length || !members.every((m) => people.has(m.toLowerCase()))) return false;
    return signal.times.every((t) => !DAY_WORD.test(t.text) || onNamedDay(e.start, t.start, ctx.tzOffsetMinutes));
  };
  const found = next
    ? ctx.events.invitedBetween(ctx.authorEmail, signal.time - IMMINENT_BEFORE_MS, signal.time + Math.min(NEXT_WITHIN_MS, windows.lookbackMs)).filter(all)
    : ctx.events.invitedBetween(ctx.authorEmail, signal.time - windows.followUpMs - DAY, signal.time).filter((e) => e.end <= signal.time && all(e)).reverse();
  // The one the message names by a title word ("postmortem topics so far"), else the nearest of
  // exactly these people (their 1:1 rather than a small group both are in), else the nearest.
  // A cancellation means the instance the calendar shows cancelled, when there is one.
  const cancelled = signal.kind === 'cancel' ? found.filter((e) => e.status === 'cancelled') : [];
  if (cancelled.length > 0) return cancelled.find((e) => titleWordsOf(e).some((w) => messageWords.has(w))) ?? cancelled[0];
  return found.find((e) => titleWordsOf(e).some((w) => messageWords.has(w))) ?? found.find((e) => attendeeEmails(e).size === members.length) ?? found[0];
}

/**
 * Is an event on the day a message names ("for wed", "Friday")? The day is the author's: Thursday
 * 7pm in Berlin is not Friday's meeting, though it is within hours of Friday noon. Without the
 * author's zone, anything within 18 hours of the day's middle counts.
 */
function onNamedDay(eventStart: Millis, namedDay: Millis, offsetMinutes: number | undefined): boolean {
  if (offsetMinutes === undefined) return Math.abs(eventStart - namedDay) < 18 * HOUR;
  const shift = offsetMinutes * 60_000;
  return Math.floor((eventStart + shift) / DAY) === Math.floor((namedDay + shift) / DAY);
}

/** Does a meeting of exactly these people (every member invited, at most twice as many people) start in [from, to)? */
export function membersMeetBetween(events: EventIndex, authorEmail: string, memberEmails: readonly string[], from: Millis, to: Millis): boolean {
  if (memberEmails.length < 2) return false;
  return events.invitedBetween(authorEmail, from, to).some((e) => {
    if (e.allDay || e.status === 'cancelled' || NOT_MEETINGS.has(e.eventType)) return false;
    const people = attendeeEmails(e);
    return people.size <= 2 * memberEmails.length && memberEmails.every((m) => people.has(m.toLowerCase()));
  });
}

function scoreEvent(signal: Signal, e: IndexedEvent, ctx: CorrelationContext, linkKeys: Set<string>, messageWords: Set<string>, own: IndexedEvent | undefined): ScoredCandidate {
  const evidence: string[] = [];
  let score = 0;
  const linkMatch = linkKeys.size > 0 && conferenceKeysOf(e).some((k) => linkKeys.has(k));
  // A meeting proposed, then cancelled, was still the one proposed; a cancelled instance is a
  // weaker candidate except for the messages that cancel, decline or move it.
  if (e.status === 'cancelled') score += signal.kind === 'cancel' ? 0.05 : signal.kind === 'decline' || signal.kind === 'reschedule' ? 0 : -0.05;
  if (linkMatch) {
    score += 0.5;
    evidence.push('link');
  }

  let timeScore = 0;
  // A clock time stated for the same day but another hour is a hint, not a match: on its own it links nothing.
  let timeMatches = false;
  let partOfDay = false;
  const shared = titleWordsOf(e).filter((w) => messageWords.has(w));
  for (const t of signal.times) {
    const delta = Math.abs(t.start - e.start);
    // The stated minute itself beats a start a quarter-hour off: meetings start on the quarter.
    // A day without a clock ("tomorrow") carries the message's own clock: that is no stated minute.
    if (delta <= TIME_TOLERANCE_MS && (t.certain || CLOCK_DIGITS.test(t.text) || !DAY_WORD.test(t.text))) {
      timeScore = Math.max(timeScore, (t.certain ? 0.45 : 0.3) - (delta > 60_000 ? 0.1 : 0));
      timeMatches = true;
    }
    // The same clock time a day off: "today" and "tomorrow" read across zones and midnights.
    else if (t.certain && delta <= DAY + TIME_TOLERANCE_MS && Math.abs(delta - DAY) <= TIME_TOLERANCE_MS) {
      timeScore = Math.max(timeScore, 0.15);
      timeMatches = true;
    }
    else if (t.certain && delta < 12 * HOUR && new Date(t.start).getUTCDate() === new Date(e.start).getUTCDate()) timeScore = Math.max(timeScore, 0.1);
    // "Friday afternoon", "tmrw after lunch": a named day and a part of it, in the author's day.
    else if (!t.certain && ctx.tzOffsetMinutes !== undefined && DAY_WORD.test(t.text) && !CLOCK_DIGITS.test(t.text) && withinPartOfDay(t.start, e.start, ctx.tzOffsetMinutes, ctx.text)) {
      timeScore = Math.max(timeScore, 0.2);
      timeMatches = true;
      partOfDay = true;
    }
    // "are we doing standup Wednesday?": the meeting type and the day name an arranged meeting, at whatever hour it is.
    // (A proposal's words name its topic as often as a meeting: "grabbing time Tue to review X".)
    else if (!t.certain && shared.length > 0 && REFERRING.has(signal.kind) && DAY_WORD.test(t.text) && !CLOCK_DIGITS.test(t.text) && onNamedDay(e.start, t.start, ctx.tzOffsetMinutes)) {
      timeScore = Math.max(timeScore, 0.2);
      timeMatches = true;
    }
    // A day without a clock ("retro Thu?") is on the event's day: a hint that, with a title word, is enough.
    else if (!t.certain && delta < 12 * HOUR) timeScore = Math.max(timeScore, 0.12);
    // A clock time without a day chrono could read ("16:45 on the usual day"): the same clock time on a nearby day.
    // Not when the day was said and only the hour guessed ("this afternoon" is not Friday afternoon).
    else if (!t.certain && !DAY_WORD.test(t.text) && delta < 7 * DAY && Math.abs(((delta + 12 * HOUR) % DAY) - 12 * HOUR) <= TIME_TOLERANCE_MS) {
      timeScore = Math.max(timeScore, 0.15);
      timeMatches = true;
    }
  }
  // Notes and action items follow a meeting that just ended; "starting in 5", a join link or
  // "where is everyone?" precede one about to start. When the message states no clock time of
  // its own, that nearness is its time.
  const statedClock = signal.times.some((t) => t.certain);
  // "are we doing standup Friday?" names another day: the instance about to start is not it.
  const otherDay = signal.times.some((t) => Math.abs(t.start - e.start) >= 12 * HOUR);
  if (!statedClock) {
    if (signal.kind === 'followup' && e.end <= signal.time && signal.time - e.end <= RECENT_END_MS) {
      timeScore = Math.max(timeScore, Math.max(0.1, 0.3 * Math.exp(-(signal.time - e.end) / (4 * HOUR))));
      timeMatches = true;
      evidence.push('time:just-ended');
    } else if (IMMINENT_KINDS.has(signal.kind) && !otherDay && e.start - signal.time >= -IMMINENT_BEFORE_MS && e.start - signal.time <= IMMINENT_AFTER_MS) {
      timeScore = Math.max(timeScore, 0.3);
      timeMatches = true;
      evidence.push('time:imminent');
    }
  }
  if (own !== undefined && own.id === e.id) {
    partOfDay = false;
    timeScore = Math.max(timeScore, 0.3);
    timeMatches = true;
    evidence.push(signal.kind === 'followup' ? 'time:last-of-members' : 'time:next-of-members');
  }
  if (timeScore > 0) {
    score += timeScore;
    evidence.push(timeScore >= 0.3 ? 'time:start' : 'time:day');
  }

  let titleScore = 0;
  if (shared.length > 0) {
    titleScore = Math.min(0.3, 0.15 * shared.length);
    score += titleScore;
    evidence.push(`title:${shared.join(',')}`);
  }

  // "agenda items for design review?" in a channel that arranged one of several design reviews
  // this week: the one its people have been talking about there.
  // Only for an event the message itself points at by a title word, a link or a time other than a part of a day.
  if (REFERRING.has(signal.kind) && (shared.length > 0 || linkMatch || (timeMatches && !partOfDay)) && ctx.discussedEventIds?.has(e.id)) {
    score += 0.1;
    evidence.push('channel:discussed');
  }
  // People agree on a time, then someone sends the invite: the event a proposal leads to is
  // created after it. A series created weeks earlier is not what a new proposal is about. Weak
  // on its own (calendars are busy), it breaks ties between events at the same time.
  if (e.created !== null && SCHEDULING.has(signal.kind) && e.created >= signal.time - CREATED_SLACK_MS && e.created <= signal.time + CREATED_WITHIN_MS) {
    score += 0.03;
    evidence.push('created:after');
  }
  const people = attendeeEmails(e);
  // A block on one person's calendar ("Lunch", "Focus time") is no meeting of two or more.
  if (people.size <= 1 && e.attendees.filter((a) => !a.resource).length <= 1) {
    score -= 0.15;
    evidence.push('solo');
  }
  if (ctx.authorEmail) {
    if (people.has(ctx.authorEmail.toLowerCase())) {
      score += 0.2;
      evidence.push('author:attendee');
    } else if (people.size > 0) {
      score -= 0.15;
    }
  }
  if (ctx.participantEmails && ctx.participantEmails.length > 0) {
    const invited = ctx.participantEmails.filter((p) => people.has(p.toLowerCase())).length;
    const share = invited / ctx.participantEmails.length;
    score += 0.3 * share - (share < 0.5 ? 0.1 : 0);
    evidence.push(`repliers:${invited}/${ctx.participantEmails.length}`);
  }
  const mentioned = ctx.mentionedEmails.filter((m) => people.has(m.toLowerCase())).length;
  if (mentioned > 0) {
    score += Math.min(0.2, 0.1 * mentioned);
    evidence.push(`mentions:${mentioned}`);
  }
  if (ctx.channelMemberEmails && ctx.channelMemberEmails.length > 0 && people.size > 0) {
    const members = lowerCased(ctx.channelMemberEmails);
    let overlap = 0;
    for (const m of members) if (people.has(m)) overlap++;
    // In a DM or a small group, who is talking says which meeting it is; in a big channel, little.
    const small = members.size <= SMALL_CHANNEL;
    const share = small ? overlap / members.size : overlap / people.size;
    // In a small channel, a meeting of exactly its members (their 1:1) beats a big one they both attend.
    const jaccard = overlap / (members.size + people.size - overlap);
    const gain = small ? 0.2 * share + 0.15 * jaccard - (share < 0.5 ? 0.1 : 0) : 0.1 * share;
    if (gain !== 0) {
      score += gain;
      evidence.push(`channel:${overlap}/${members.size}`);
    }
  }

  // Nearer instances win ties; a follow-up looks back, everything else forward.
  const delta = e.start - signal.time;
  const looksBack = signal.kind === 'followup';
  const over = e.end <= signal.time;
  const distance = looksBack ? (delta <= 0 ? -delta : delta + DAY) : !over ? Math.max(0, delta) : -delta + 2 * DAY;
  score += 0.1 * Math.exp(-distance / (3 * DAY));
  const partOfDayOnly = partOfDay && !linkMatch && signal.times.every((t) => !t.certain && !CLOCK_DIGITS.test(t.text));
  const namedOnDay = shared.length > 0 && REFERRING.has(signal.kind) && signal.times.some((t) => !t.certain && DAY_WORD.test(t.text) && !CLOCK_DIGITS.test(t.text) && onNamedDay(e.start, t.start, ctx.tzOffsetMinutes));
  return { event: e, score, linkMatch, timeScore, titleScore, timeMatches, partOfDayOnly, namedOnDay, evidence };
}

/**
 * Only events some cue points at can score: those starting near a stated time (or at the same
 * clock time on a nearby day), those sharing a title word, those with the same conference
 * link. Looking them up instead of scanning the 23-day window keeps a signal to microseconds.
 */
function candidates(signal: Signal, events: EventIndex, linkKeys: Set<string>, messageWords: Set<string>, windows: CorrelationWindows, linking: boolean, people?: Set<string>): IndexedEvent[] {
  // Events that end at most followUpMs before the message (an event lasts under a day) or start at most lookbackMs after it.
  const from: Millis = signal.time - windows.followUpMs - DAY;
  const to: Millis = signal.time + windows.lookbackMs;
  const byId = new Map<string, IndexedEvent>();
  // With the people concerned, an event near a time is looked up in their calendars only.
  const near = (a: Millis, b: Millis): IndexedEvent[] => (people === undefined ? events.between(a, b) : events.invitedAnyBetween(people, a, b));
  const concerns = (e: IndexedEvent): boolean => {
    if (people === undefined) return true;
    const invited = attendeeEmails(e);
    for (const p of people) if (invited.has(p)) return true;
    return false;
  };
  const add = (list: IndexedEvent[]): void => {
    for (const e of list) if (e.start >= from && e.start < to && e.end + windows.followUpMs >= signal.time && !e.allDay && !NOT_MEETINGS.has(e.eventType)) byId.set(e.id, e);
  };
  for (const t of signal.times) {
    // Linking needs only the candidates that can be eligible: an event the same day but not at
    // the stated time counts only with a title word, and those are looked up by title below.
    add(linking ? near(t.start - TIME_TOLERANCE_MS, t.start + TIME_TOLERANCE_MS + 1) : near(t.start - 12 * HOUR, t.start + 12 * HOUR));
    // "Friday afternoon": any event in that part of the named day can be eligible (see withinPartOfDay).
    if (linking && !t.certain && DAY_WORD.test(t.text) && !CLOCK_DIGITS.test(t.text)) add(near(t.start - DAY, t.start + DAY));
    for (let d = -7; d <= 7; d++) {
      if (d === 0 || (t.certain && Math.abs(d) > 1)) continue;
      add(near(t.start + d * DAY - TIME_TOLERANCE_MS, t.start + d * DAY + TIME_TOLERANCE_MS + 1));
    }
  }
  // Meetings last a few hours at most; a day-long block is no meeting to follow up on.
  if (signal.kind === 'followup') add(near(signal.time - RECENT_END_MS - 4 * HOUR, signal.time));
  if (IMMINENT_KINDS.has(signal.kind)) add(near(signal.time - IMMINENT_BEFORE_MS, signal.time + IMMINENT_AFTER_MS + 1));
  // With a stated time, a title word makes an event eligible only near that time (see scoreEvent):
  // a common word ("standup") names many events in the window, more the bigger the organization.
  if (linking && signal.times.length > 0) {
    for (const t of signal.times) for (const w of messageWords) add(events.withTitleWordBetween(w, Math.max(from, t.start - 12 * HOUR), Math.min(to, t.start + 12 * HOUR)).filter(concerns));
  } else {
    for (const w of messageWords) add(events.withTitleWordBetween(w, from, to).filter(concerns));
  }
  for (const k of linkKeys) add(events.byConferenceKey(k));
  return [...byId.values()];
}

const MOVING = /\b(?:mov(?:e|es|ing)|push(?:es|ing)?|shift(?:s|ing)?|bump(?:s|ing)?)\b/i;

/**
 * "moving 1:1 from 4:30 to 6": the meeting is at the first time, or at the second when the
 * calendar already shows the move. The second time is a mention of its own.
 */
function withMoveTarget(signal: Signal, text: string): Signal {
  if (!MOVING.test(text)) return signal;
  const targets = signal.times.filter((t) => t.end !== null && /^from\b/i.test(t.text)).map((t) => ({ text: t.text, start: t.end!, end: null, certain: t.certain }));
  return targets.length > 0 ? { ...signal, times: [...signal.times, ...targets] } : signal;
}

/**
 * Every candidate event some cue points at, scored, best first. Candidates that only people
 * point at are kept here (explain shows them) but marked `eligible: false`. With `linking`, only
 * the candidates that can be eligible are looked up (and the thread's event): the same link, less work.
 */
export function scoreCandidates(signal: Signal, ctx: CorrelationContext, linking = false): Array<ScoredCandidate & { eligible: boolean }> {
  signal = withMoveTarget(signal, ctx.text);
  const linkKeys = new Set(signal.links.map(conferenceKey).filter((k): k is string => k !== null));
  const said = repairTypos(ctx.text.toLowerCase());
  const messageWords = textWords((signal.kind === 'agenda' ? meetingReference(said) : signal.kind === 'decline' ? said.replace(CLASH, '') : said).replace(CATCH_UP_LATER, ''));
  const windows = ctx.windows ?? DEFAULT_WINDOWS;
  const own = ownMeetingOf(signal, ctx, windows, messageWords);
  const people = linking ? concernedPeople(ctx) : undefined;
  if (people !== undefined) {
    // The meetings of the people concerned. With a known author, the organization's other
    // meetings are not looked up: one the author is not invited to scores 0.35 less than one
    // they are (see scoreEvent), and looking them up would cost more the bigger the organization.
    // Without an author, the organization's only when none of theirs is convincing.
    const theirs = scoreList(signal, ctx, candidates(signal, ctx.events, linkKeys, messageWords, windows, linking, people), linkKeys, messageWords, own);
    if (ctx.authorEmail !== undefined || theirs.some((s) => s.eligible && s.score >= THRESHOLD)) return theirs;
  }
  return scoreList(signal, ctx, candidates(signal, ctx.events, linkKeys, messageWords, windows, linking), linkKeys, messageWords, own);
}

/** Channels up to this many members name the people a message concerns; a bigger one is most of the organization. */
const CONCERNED_CHANNEL = 30;

/**
 * Whose meetings a message is most likely about: its author, the people it mentions, those who
 * answered it, and the members of its channel unless the channel is a big one. Lower-cased.
 */
function concernedPeople(ctx: CorrelationContext): Set<string> | undefined {
  const out = new Set<string>();
  if (ctx.authorEmail) out.add(ctx.authorEmail.toLowerCase());
  for (const m of ctx.mentionedEmails) out.add(m.toLowerCase());
  for (const p of ctx.participantEmails ?? []) out.add(p.toLowerCase());
  const members = ctx.channelMemberEmails;
  if (members !== undefined && members.length <= CONCERNED_CHANNEL) for (const m of lowerCased(members)) out.add(m);
  return out.size > 0 ? out : undefined;
}

function scoreList(signal: Signal, ctx: CorrelationContext, list: IndexedEvent[], linkKeys: Set<string>, messageWords: Set<string>, own: IndexedEvent | undefined): Array<ScoredCandidate & { eligible: boolean }> {
  if (own !== undefined && !list.some((e) => e.id === own.id)) list.push(own);
  if (ctx.threadMeetingId !== undefined && !list.some((e) => e.id === ctx.threadMeetingId)) {
    const threadEvent = ctx.events.get(ctx.threadMeetingId);
    if (threadEvent) list.push(threadEvent);
  }
  const scored = list.map((e) => scoreEvent(signal, e, ctx, linkKeys, messageWords, own));
  preferNearestNamed(signal, scored);
  // "are we doing standup Wednesday?": when an event of the type named is on the day named, the
  // day alone no longer points at the other events of that day.
  const namedOnDay = scored.some((s) => s.namedOnDay === true && s.score >= THRESHOLD && s.event.id !== own?.id);
  return scored
    // Without a link, a time or a title, people alone would tie a message to whatever meeting its author has next.
    // A title word does not outweigh a stated day that is another one ("review the budget Tuesday" is not Friday's budget review).
    // In a DM, the members' own next meeting outweighs a word of another's title ("main item for catch up: performance reviews").
    .map((s) => ({ ...s, eligible: s.linkMatch || (s.timeMatches && !(namedOnDay && s.partOfDayOnly && s.titleScore === 0)) || (s.titleScore > 0 && own === undefined && (signal.times.length === 0 || s.timeScore > 0)) }))
    .sort((a, b) => b.score - a.score || a.event.start - b.event.start || (a.event.id < b.event.id ? -1 : 1));
}

/**
 * Several events share the title word a message names ("Hiring sync", "Customer call: Hooli"):
 * the one it most likely means is, of those the author is invited to and that share the most
 * title words, the next one to start (for a follow-up, the last one to end). It gets a small lead.
 */
function preferNearestNamed(signal: Signal, scored: ScoredCandidate[]): void {
  const looksBack = signal.kind === 'followup';
  // "cancelled the invite for standup": of the instances named, the one the calendar shows cancelled.
  const cancelledOnly = signal.kind === 'cancel' && scored.some((s) => s.titleScore > 0 && s.event.status === 'cancelled' && s.event.end > signal.time && s.evidence.includes('author:attendee'));
  let pick: ScoredCandidate | undefined;
  for (const s of scored) {
    if (s.titleScore === 0 || !s.evidence.includes('author:attendee')) continue;
    if (cancelledOnly && s.event.status !== 'cancelled') continue;
    // The next meeting that takes place; only a cancellation looks at cancelled ones.
    if (s.event.status === 'cancelled' && signal.kind !== 'cancel') continue;
    if (looksBack ? s.event.end > signal.time : s.event.end <= signal.time) continue;
    const same = pick !== undefined && s.titleScore === pick.titleScore && s.event.start === pick.event.start;
    const nearer = pick === undefined || s.titleScore > pick.titleScore || (s.titleScore === pick.titleScore && (looksBack ? s.event.end > pick.event.end : s.event.start < pick.event.start))
      // At the same start, a cancellation means the instance that was cancelled.
      || (same && signal.kind === 'cancel' && s.event.status === 'cancelled');
    if (nearer) pick = s;
  }
  if (pick === undefined) return;
  pick.score += 0.05;
  pick.evidence.push(looksBack ? 'title:last' : 'title:next');
}

/**
 * "agenda is in the invite - mostly OKRs", "thanks all, notes are in the doc": an agenda or a
 * follow-up that names neither a time nor a meeting is about the meeting its channel has been
 * arranging. For an agenda, the one upcoming event (within a week) the channel's messages of the
 * last days were linked to; for a follow-up, the latest of them that began in the last day and
 * has ended. Only events the author is invited to; none when the channel talked of several.
 */
function discussedMeeting(signal: Signal, ctx: CorrelationContext): EventLink | null {
  if ((signal.kind !== 'agenda' && signal.kind !== 'followup') || signal.times.length > 0 || !ctx.discussedEventIds || !ctx.authorEmail) return null;
  const author = ctx.authorEmail.toLowerCase();
  const found: IndexedEvent[] = [];
  for (const id of ctx.discussedEventIds.keys()) {
    const e = ctx.events.get(id);
    if (!e || e.status === 'cancelled' || !attendeeEmails(e).has(author)) continue;
    const fits = signal.kind === 'agenda' ? e.start > signal.time && e.start <= signal.time + NEXT_WITHIN_MS : e.end <= signal.time && e.start >= signal.time - DAY;
    if (fits) found.push(e);
  }
  if (found.length === 0 || (signal.kind === 'agenda' && found.length > 1)) return null;
  const e = found.reduce((a, b) => (b.start > a.start ? b : a));
  return { eventId: e.id, confidence: 0.55, method: 'context', evidence: ['channel:discussed', signal.kind === 'agenda' ? 'channel:only-upcoming' : 'channel:last-held'] };
}

/** The calendar event a signal concerns, or null when no candidate is convincing. */
export function linkToEvent(signal: Signal, ctx: CorrelationContext): EventLink | null {
  // Only eligible candidates and the thread's event matter here: the others are not looked up.
  const all = scoreCandidates(signal, ctx, true);
  const scored = all.filter((s) => s.eligible);
  const best = scored[0];

  if (ctx.threadMeetingId !== undefined) {
    // A reply names another meeting only with a strong cue of its own and a clear lead over the thread's.
    const context = all.find((s) => s.event.id === ctx.threadMeetingId);
    const threadScore = context?.score ?? 0;
    // A title word the context's meeting lacks ("cancelling weekly thu" after a standup message) names
    // another meeting: outside a thread that is enough, in a thread it takes a matching time too.
    const namesAnother =
      best !== undefined && best.titleScore > 0 && (context?.titleScore ?? 0) === 0 && (ctx.contextIsChannel ? best.score >= THRESHOLD : best.timeMatches && best.score >= 0.6);
    // Outside threads, a day or time stated for another meeting ("agenda for Wednesday's call") leaves the context's.
    const statesAnother = ctx.contextIsChannel === true && best !== undefined && signal.times.length > 0 && best.timeMatches && !(context?.timeMatches ?? false) && best.score >= THRESHOLD;
    const lead = best !== undefined && best.titleScore > 0 && best.timeScore >= 0.3 ? 0.15 : 0.3;
    const clearlyElsewhere =
      best !== undefined && best.event.id !== ctx.threadMeetingId &&
      (namesAnother || statesAnother || (best.score >= 0.6 && (best.linkMatch || best.timeScore >= 0.3) && best.score - threadScore >= lead));
    if (!clearlyElsewhere) return { eventId: ctx.threadMeetingId, confidence: 0.85, method: 'thread', evidence: ['thread:parent'] };
  }
  if (best === undefined || best.score < THRESHOLD) return discussedMeeting(signal, ctx);
  const runnerUp = scored[1];
  // Two instances equally good (a weekly meeting, no time stated): pick none rather than guess.
  if (runnerUp !== undefined && best.score - runnerUp.score < 0.02 && !best.linkMatch) return discussedMeeting(signal, ctx);
  const method: EventLink['method'] = best.linkMatch ? 'link' : best.timeScore >= 0.3 ? 'time' : best.titleScore > 0 ? 'title' : 'context';
  return { eventId: best.event.id, confidence: Math.min(0.99, Math.round(best.score * 100) / 100), method, evidence: best.evidence };
}
