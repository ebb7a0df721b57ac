import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Meeting, SignalKind } from '../../../src/core/records.js';
import { meetingMetricsFromFacts, type LinkedFact } from '../../../src/operators/metrics.logic.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const meeting: Meeting = {
  id: 'e1', source: 'calendar', kind: 'scheduled', calendarEventId: 'e1', title: 'Sync', channelId: 'C1', start: T0 + 48 * HOUR,
  end: T0 + 49 * HOUR, status: 'confirmed', organizer: 'U1', participants: ['U1', 'U2', 'U3'], recurringEventId: null,
};
/** The nth linked message, ten minutes apart from T0. */
function fact(n: number, kind: SignalKind, user: string, channel = 'C1'): LinkedFact {
  return { channelId: channel, kind, time: T0 + n * 600_000, userId: user };
}

test('counts coordination messages, people and times for a meeting', () => {
  const facts = [fact(0, 'propose', 'U1'), fact(1, 'decline', 'U2'), fact(2, 'reschedule', 'U1'), fact(3, 'confirm', 'U3'), fact(4, 'confirm', 'U2', 'C2'), fact(50, 'followup', 'U1')];
  const m = meetingMetricsFromFacts(meeting, facts);
  assert.equal(m, {
    meetingId: 'e1', messages: 6, schedulingMessages: 5, followups: 1, reschedules: 1, participants: 3, coordinators: 3, channels: 2,
    firstMessageAt: T0, leadTimeMs: 48 * HOUR, timeToScheduleMs: 30 * 60_000, coordinationCostMinutes: 5 * 1.5 * 3,
    schedulingParticipants: 3, cancelled: false, preMeetingMessages: 6, followupLatencyMs: null, documents: [], attendees: 0,
    attendeesActiveInSlack: 0, attendeeHours: 0, attendeeCost: 0, afterHoursShare: null, teams: [],
  });
});

test('leaves lead time and time to schedule empty without scheduling messages', () => {
  const facts = [fact(0, 'link', 'U1')];
  const m = meetingMetricsFromFacts(meeting, facts);
  assert.is(m.leadTimeMs, null);
  assert.is(m.timeToScheduleMs, null);
  assert.is(m.coordinationCostMinutes, 0);
});

test('measures attendees, their hours and cost, after-hours share by zone, teams, documents and follow-up latency', () => {
  // The meeting runs 09:00–10:00 UTC on Wednesday 4 March: 10:00 in Berlin, 01:00 in Los Angeles, 14:30 in Kolkata.
  const facts = [fact(0, 'propose', 'U1'), fact(1, 'confirm', 'U2'), fact(3 * 144 + 12, 'followup', 'U1')];
  const m = meetingMetricsFromFacts(meeting, facts, {
    eventCreated: T0 + 5 * 60_000,
    attendees: [
      { inSlack: true, timeZone: 'Europe/Berlin', team: 'Sales' },
      { inSlack: true, timeZone: 'America/Los_Angeles', team: 'Engineering' },
      { inSlack: false, timeZone: null, team: 'Sales' },
      { inSlack: true, timeZone: 'Asia/Kolkata', team: null },
    ],
    documents: ['doc2', 'doc1', 'doc2'],
    hourlyRate: 100,
  });
  assert.is(m.attendees, 4);
  assert.is(m.attendeesActiveInSlack, 3);
  assert.is(m.attendeeHours, 4);
  assert.is(m.attendeeCost, 400);
  assert.is(m.afterHoursShare, 0.333);
  assert.equal(m.teams, ['Engineering', 'Sales']);
  assert.equal(m.documents, ['doc1', 'doc2']);
  // The invite went out 5 minutes after the proposal, before the confirmation 10 minutes after it.
  assert.is(m.timeToScheduleMs, 5 * 60_000);
  assert.is(m.preMeetingMessages, 2);
  assert.is(m.followupLatencyMs, (3 * 144 + 12) * 600_000 - 49 * HOUR);
});

test("a message's kind is its link's: a reschedule whose link a later message moved to confirm counts as a confirmation", () => {
  const facts = [fact(0, 'propose', 'U1'), fact(1, 'decline', 'U2'), fact(3, 'confirm', 'U3', 'C2'), fact(2, 'confirm', 'U1'), fact(60, 'followup', 'U2')];
  const m = meetingMetricsFromFacts(meeting, facts, { eventCreated: T0 + 15 * 60_000, attendees: [{ inSlack: true, timeZone: 'Europe/Berlin', team: 'Sales' }], documents: ['doc1'], hourlyRate: 90 });
  assert.is(m.schedulingMessages, 4);
  assert.is(m.reschedules, 0);
  // The invite (15 minutes after the proposal) comes before the first confirmation (20 minutes).
  assert.is(m.timeToScheduleMs, 15 * 60_000);
  assert.is(m.channels, 2);
});

test.run();
