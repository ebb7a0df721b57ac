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
import type { CalendarEvent, Signal } from '../core/records.js';
import { conferenceKey } from './conference-links.logic.js';
import { conferenceKeysOf, textWords, titleWordsOf, type EventIndex } from './event-index.logic.js';

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
}

export interface EventLink {
  readonly eventId: string;
  readonly confidence: number;
  readonly method: 'thread' | 'link' | 'time' | 'title' | 'context';
  readonly evidence: string[];
}

const HOUR = 3_600_000;
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

// Derived per event once, not per message: correlation runs for every signal.
const PEOPLE = new WeakMap<CalendarEvent, Set<string>>();

function attendeeEmails(e: CalendarEvent): Set<string> {
  const cached = PEOPLE.get(e);
  if (cached) return cached;
  const s = new Set<string>();
  for (const a of e.attendees) if (a.email && a.responseStatus !== 'declined') s.add(a.email.toLowerCase());
  if (e.organizer?.email) s.add(e.organizer.email.toLowerCase());
  PEOPLE.set(e, s);
  return s;
}

/** One candidate event with its score and the cues that gave it (what `convene explain` prints). */
export interface ScoredCandidate {
  event: CalendarEvent;
  score: number;
  linkMatch: boolean;
  timeScore: number;
  titleScore: number;
  evidence: string[];
}

function scoreEvent(signal: Signal, e: CalendarEvent, ctx: CorrelationContext, linkKeys: Set<string>, messageWords: Set<string>): ScoredCandidate {
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
  for (const t of signal.times) {
    const delta = Math.abs(t.start - e.start);
    // The stated minute itself beats a start a quarter-hour off: meetings start on the quarter.
    if (delta <= TIME_TOLERANCE_MS) timeScore = Math.max(timeScore, (t.certain ? 0.45 : 0.3) - (delta > 60_000 ? 0.1 : 0));
    // The same clock time a day off: "today" and "tomorrow" read across zones and midnights.
    else if (t.certain && delta <= DAY + TIME_TOLERANCE_MS && Math.abs(delta - DAY) <= TIME_TOLERANCE_MS) timeScore = Math.max(timeScore, 0.15);
    else if (t.certain && delta < 12 * HOUR && new Date(t.start).getUTCDate() === new Date(e.start).getUTCDate()) timeScore = Math.max(timeScore, 0.1);
    else if (!t.certain && delta < 12 * HOUR) timeScore = Math.max(timeScore, 0.08);
    // A clock time without a day chrono could read ("16:45 on the usual day"): the same clock time on a nearby day.
    else if (!t.certain && delta < 7 * DAY && Math.abs(((delta + 12 * HOUR) % DAY) - 12 * HOUR) <= TIME_TOLERANCE_MS) timeScore = Math.max(timeScore, 0.15);
  }
  // Notes and action items follow a meeting that just ended; "starting in 5", a join link or
  // "where is everyone?" precede one about to start. When the message states no clock time of
  // its own, that nearness is its time.
  const statedClock = signal.times.some((t) => t.certain);
  if (!statedClock) {
    if (signal.kind === 'followup' && e.end <= signal.time && signal.time - e.end <= RECENT_END_MS) {
      timeScore = Math.max(timeScore, Math.max(0.1, 0.3 * Math.exp(-(signal.time - e.end) / (4 * HOUR))));
      evidence.push('time:just-ended');
    } else if (IMMINENT_KINDS.has(signal.kind) && e.start - signal.time >= -IMMINENT_BEFORE_MS && e.start - signal.time <= IMMINENT_AFTER_MS) {
      timeScore = Math.max(timeScore, 0.3);
      evidence.push('time:imminent');
    }
  }
  if (timeScore > 0) {
    score += timeScore;
    evidence.push(timeScore >= 0.3 ? 'time:start' : 'time:day');
  }

  let titleScore = 0;
  const shared = titleWordsOf(e).filter((w) => messageWords.has(w));
  if (shared.length > 0) {
    titleScore = Math.min(0.3, 0.15 * shared.length);
    score += titleScore;
    evidence.push(`title:${shared.join(',')}`);
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
  const mentioned = ctx.mentionedEmails.filter((m) => people.has(m.toLowerCase())).length;
  if (mentioned > 0) {
    score += Math.min(0.2, 0.1 * mentioned);
    evidence.push(`mentions:${mentioned}`);
  }
  if (ctx.channelMemberEmails && ctx.channelMemberEmails.length > 0 && people.size > 0) {
    const members = new Set(ctx.channelMemberEmails.map((m) => m.toLowerCase()));
    let overlap = 0;
    for (const m of members) if (people.has(m)) overlap++;
    // In a DM or a small group, who is talking says which meeting it is; in a big channel, little.
    const small = members.size <= SMALL_CHANNEL;
    const share = small ? overlap / members.size : overlap / people.size;
    const gain = small ? 0.3 * share - (share < 0.5 ? 0.1 : 0) : 0.1 * share;
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
  return { event: e, score, linkMatch, timeScore, titleScore, evidence };
}

/**
 * Only events some cue points at can score: those starting near a stated time (or at the same
 * clock time on a nearby day), those sharing a title word, those with the same conference
 * link. Looking them up instead of scanning the 23-day window keeps a signal to microseconds.
 */
function candidates(signal: Signal, events: EventIndex, linkKeys: Set<string>, messageWords: Set<string>, windows: CorrelationWindows): CalendarEvent[] {
  // Events that end at most followUpMs before the message (an event lasts under a day) or start at most lookbackMs after it.
  const from: Millis = signal.time - windows.followUpMs - DAY;
  const to: Millis = signal.time + windows.lookbackMs;
  const byId = new Map<string, CalendarEvent>();
  const add = (list: CalendarEvent[]): void => {
    for (const e of list) if (e.start >= from && e.start < to && e.end + windows.followUpMs >= signal.time && !e.allDay && !NOT_MEETINGS.has(e.eventType)) byId.set(e.id, e);
  };
  for (const t of signal.times) {
    add(events.between(t.start - 12 * HOUR, t.start + 12 * HOUR));
    for (let d = -7; d <= 7; d++) {
      if (d === 0 || (t.certain && Math.abs(d) > 1)) continue;
      add(events.between(t.start + d * DAY - TIME_TOLERANCE_MS, t.start + d * DAY + TIME_TOLERANCE_MS + 1));
    }
  }
  // Meetings last a few hours at most; a day-long block is no meeting to follow up on.
  if (signal.kind === 'followup') add(events.between(signal.time - RECENT_END_MS - 4 * HOUR, signal.time));
  if (IMMINENT_KINDS.has(signal.kind)) add(events.between(signal.time - IMMINENT_BEFORE_MS, signal.time + IMMINENT_AFTER_MS + 1));
  for (const w of messageWords) add(events.withTitleWord(w));
  for (const k of linkKeys) add(events.byConferenceKey(k));
  return [...byId.values()];
}

/**
 * Every candidate event some cue points at, scored, best first. Candidates that only people
 * point at are kept here (explain shows them) but marked `eligible: false`.
 */
export function scoreCandidates(signal: Signal, ctx: CorrelationContext): Array<ScoredCandidate & { eligible: boolean }> {
  const linkKeys = new Set(signal.links.map(conferenceKey).filter((k): k is string => k !== null));
  const messageWords = textWords(ctx.text);
  const list = candidates(signal, ctx.events, linkKeys, messageWords, ctx.windows ?? DEFAULT_WINDOWS);
  if (ctx.threadMeetingId !== undefined && !list.some((e) => e.id === ctx.threadMeetingId)) {
    const threadEvent = ctx.events.get(ctx.threadMeetingId);
    if (threadEvent) list.push(threadEvent);
  }
  return list
    .map((e) => scoreEvent(signal, e, ctx, linkKeys, messageWords))
    // Without a link, a time or a title, people alone would tie a message to whatever meeting its author has next.
    .map((s) => ({ ...s, eligible: s.linkMatch || s.timeScore >= 0.1 || s.titleScore > 0 }))
    .sort((a, b) => b.score - a.score || a.event.start - b.event.start || (a.event.id < b.event.id ? -1 : 1));
}

/** The calendar event a signal concerns, or null when no candidate is convincing. */
export function linkToEvent(signal: Signal, ctx: CorrelationContext): EventLink | null {
  const all = scoreCandidates(signal, ctx);
  const scored = all.filter((s) => s.eligible);
  const best = scored[0];

  if (ctx.threadMeetingId !== undefined) {
    // A reply names another meeting only with a strong cue of its own and a clear lead over the thread's.
    const threadScore = all.find((s) => s.event.id === ctx.threadMeetingId)?.score ?? 0;
    const clearlyElsewhere =
      best !== undefined && best.event.id !== ctx.threadMeetingId && best.score >= 0.6 && (best.linkMatch || best.timeScore >= 0.3) && best.score - threadScore >= 0.3;
    if (!clearlyElsewhere) return { eventId: ctx.threadMeetingId, confidence: 0.85, method: 'thread', evidence: ['thread:parent'] };
  }
  if (best === undefined || best.score < THRESHOLD) return null;
  const runnerUp = scored[1];
  // Two instances equally good (a weekly meeting, no time stated): pick none rather than guess.
  if (runnerUp !== undefined && best.score - runnerUp.score < 0.02 && !best.linkMatch) return null;
  const method: EventLink['method'] = best.linkMatch ? 'link' : best.timeScore >= 0.3 ? 'time' : best.titleScore > 0 ? 'title' : 'context';
  return { eventId: best.event.id, confidence: Math.min(0.99, Math.round(best.score * 100) / 100), method, evidence: best.evidence };
}
