/**
 * Per-meeting coordination figures, from the messages linked to the meeting.
 */
import type { Meeting, MeetingMetrics, MessageLink, Signal, SignalKind } from '../core/records.js';

export const SCHEDULING_KINDS: ReadonlySet<SignalKind> = new Set(['propose', 'confirm', 'decline', 'reschedule', 'cancel']);

/**
 * Minutes of attention one scheduling message costs each person on the meeting: reading it,
 * checking a calendar, answering. A deliberately plain estimate, so that figures compare
 * across meetings: cost = scheduling messages × 1.5 min × max(1, participants).
 */
export const MINUTES_PER_SCHEDULING_MESSAGE_PER_READER = 1.5;

/** `links` and `signals` are those of this meeting's messages (matched by channel and ts). */
export function computeMeetingMetrics(meeting: Meeting, links: readonly MessageLink[], signals: readonly Signal[]): MeetingMetrics {
  const linked = new Set(links.map((l) => `${l.channelId}:${l.ts}`));
  const own = signals.filter((s) => linked.has(`${s.channelId}:${s.ts}`)).sort((a, b) => a.time - b.time);
  const kindOf = new Map(links.map((l) => [`${l.channelId}:${l.ts}`, l.kind] as const));
  const kind = (s: Signal): SignalKind => kindOf.get(`${s.channelId}:${s.ts}`) ?? s.kind;

  const scheduling = own.filter((s) => SCHEDULING_KINDS.has(kind(s)));
  const schedulingMessages = links.filter((l) => SCHEDULING_KINDS.has(l.kind)).length;
  const firstPropose = own.find((s) => kind(s) === 'propose');
  const firstConfirm = firstPropose ? own.find((s) => kind(s) === 'confirm' && s.time >= firstPropose.time) : undefined;
  const coordinators = new Set(own.map((s) => s.userId).filter((u): u is string => u !== null));

  return {
    meetingId: meeting.id,
    messages: links.length,
    schedulingMessages,
    followups: links.filter((l) => l.kind === 'followup').length,
    reschedules: links.filter((l) => l.kind === 'reschedule').length,
    participants: meeting.participants.length,
    coordinators: coordinators.size,
    channels: new Set(links.map((l) => l.channelId)).size,
    firstMessageAt: own.length > 0 ? own[0]!.time : null,
    leadTimeMs: scheduling.length > 0 ? meeting.start - scheduling[0]!.time : null,
    timeToScheduleMs: firstPropose && firstConfirm ? firstConfirm.time - firstPropose.time : null,
    coordinationCostMinutes: schedulingMessages * MINUTES_PER_SCHEDULING_MESSAGE_PER_READER * Math.max(1, meeting.participants.length),
  };
}
