/**
 * Per-meeting coordination figures, from the messages linked to the meeting and what is known
 * of its attendees. docs/metrics.md defines each figure with its unit.
 */
import type { Meeting, MeetingMetrics, SignalKind } from '../core/records.js';

export const SCHEDULING_KINDS: ReadonlySet<SignalKind> = new Set(['propose', 'confirm', 'decline', 'reschedule', 'cancel']);

/**
 * Minutes of attention one scheduling message costs each person on the meeting: reading it,
 * checking a calendar, answering. A deliberately plain estimate, so that figures compare
 * across meetings: cost = scheduling messages × 1.5 min × max(1, participants).
 */
export const MINUTES_PER_SCHEDULING_MESSAGE_PER_READER = 1.5;

/** Default cost of one attendee-hour, in the organization's currency. */
export const DEFAULT_HOURLY_RATE = 75;
/** Working hours, local time: a meeting outside them (or on a weekend) is after hours for that attendee. */
export const WORKDAY_START_HOUR = 9;
export const WORKDAY_END_HOUR = 18;

export interface MetricsAttendee {
  /** Whether the person has a Slack account in the workspace. */
  readonly inSlack: boolean;
  /** IANA zone, when known. */
  readonly timeZone: string | null;
  readonly team: string | null;
}

/** What the figures need beyond the linked messages. */
export interface MetricsContext {
  /** When the calendar event was created (a Slack-only meeting has none). */
  readonly eventCreated: number | null;
  /** The people on the meeting who did not decline, rooms excluded. */
  readonly attendees: readonly MetricsAttendee[];
  /** Drive file ids referenced by the linked messages and the event. */
  readonly documents: readonly string[];
  readonly hourlyRate: number;
}

/** Is `at` outside working hours or on a weekend in `tz`? */
export function isAfterHours(at: number, tz: string): boolean {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = formatterFor(tz).formatToParts(new Date(at));
  } catch {
    return false;
  }
  const hour = Number(parts.find((p) => p.type === 'hour')?.value ?? '12') % 24;
  const weekday = parts.find((p) => p.type === 'weekday')?.value ?? 'Mon';
  return weekday === 'Sat' || weekday === 'Sun' || hour < WORKDAY_START_HOUR || hour >= WORKDAY_END_HOUR;
}

const FORMATTERS = new Map<string, Intl.DateTimeFormat>();
function formatterFor(tz: string): Intl.DateTimeFormat {
  let f = FORMATTERS.get(tz);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', hour: '2-digit', weekday: 'short' });
    FORMATTERS.set(tz, f);
  }
  return f;
}

const NO_CONTEXT: MetricsContext = { eventCreated: null, attendees: [], documents: [], hourlyRate: DEFAULT_HOURLY_RATE };

/** What the figures read of one message linked to a meeting. */
export interface LinkedFact {
  readonly channelId: string;
  /** The link's kind (a later message may have moved the link, keeping the signal's kind). */
  readonly kind: SignalKind;
  /** The signal's time. */
  readonly time: number;
  readonly userId: string | null;
}

/**
 * A meeting's coordination figures from one fact per linked message (its channel, its link's
 * kind, its time and author): what the meeting intelligence keeps of each link, so that it need
 * not hold every link and signal until the end of a run.
 */
export function meetingMetricsFromFacts(meeting: Meeting, facts: readonly LinkedFact[], context: MetricsContext = NO_CONTEXT): MeetingMetrics {
  const own = [...facts].sort((a, b) => a.time - b.time);

  const scheduling = own.filter((s) => SCHEDULING_KINDS.has(s.kind));
  const schedulingMessages = facts.filter((l) => SCHEDULING_KINDS.has(l.kind)).length;
  const firstPropose = own.find((s) => s.kind === 'propose');
  const firstConfirm = firstPropose ? own.find((s) => s.kind === 'confirm' && s.time >= firstPropose.time) : undefined;
  // Scheduled when someone confirms or the invite goes out, whichever comes first after the proposal.
  const created = firstPropose && context.eventCreated !== null && context.eventCreated >= firstPropose.time ? context.eventCreated : undefined;
  const scheduledAt = [firstConfirm?.time, created].filter((t): t is number => t !== undefined);
  const firstFollowup = own.find((s) => s.kind === 'followup' && s.time >= (meeting.end ?? meeting.start));
  const hours = meeting.end !== null ? Math.max(0, meeting.end - meeting.start) / 3_600_000 : 0;
  const zoned = context.attendees.filter((a) => a.timeZone !== null);
  const attendeeHours = Math.round(context.attendees.length * hours * 100) / 100;
  const coordinators = new Set(own.map((s) => s.userId).filter((u): u is string => u !== null));

  return {
    meetingId: meeting.id,
    messages: facts.length,
    schedulingMessages,
    followups: facts.filter((l) => l.kind === 'followup').length,
    reschedules: facts.filter((l) => l.kind === 'reschedule').length,
    participants: meeting.participants.length,
    coordinators: coordinators.size,
    channels: new Set(facts.map((l) => l.channelId)).size,
    firstMessageAt: own.length > 0 ? own[0]!.time : null,
    leadTimeMs: scheduling.length > 0 ? meeting.start - scheduling[0]!.time : null,
    timeToScheduleMs: firstPropose && scheduledAt.length > 0 ? Math.min(...scheduledAt) - firstPropose.time : null,
    coordinationCostMinutes: schedulingMessages * MINUTES_PER_SCHEDULING_MESSAGE_PER_READER * Math.max(1, meeting.participants.length),
    schedulingParticipants: new Set(scheduling.map((s) => s.userId).filter((u): u is string => u !== null)).size,
    cancelled: meeting.status === 'cancelled',
    preMeetingMessages: own.filter((s) => s.time < meeting.start).length,
    followupLatencyMs: firstFollowup ? firstFollowup.time - (meeting.end ?? meeting.start) : null,
    documents: [...new Set(context.documents)].sort(),
    attendees: context.attendees.length,
    attendeesActiveInSlack: context.attendees.filter((a) => a.inSlack).length,
    attendeeHours,
    attendeeCost: Math.round(attendeeHours * context.hourlyRate * 100) / 100,
    afterHoursShare: zoned.length > 0 ? Math.round((zoned.filter((a) => isAfterHours(meeting.start, a.timeZone!)).length / zoned.length) * 1000) / 1000 : null,
    teams: [...new Set(context.attendees.map((a) => a.team).filter((t): t is string => t !== null))].sort(),
  };
}
