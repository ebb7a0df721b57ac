import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Meeting, MessageLink, Signal, SignalKind } from '../../../src/core/records.js';
import { computeMeetingMetrics, meetingMetricsFromFacts } from '../../../src/operators/metrics.logic.js';

const HOUR = 3_600_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');
const meeting: Meeting = {
  id: 'e1', source: 'calendar', kind: 'scheduled', calendarEventId: 'e1', title: 'Sync', channelId: 'C1', start: T0 + 48 * HOUR,
  end: T0 + 49 * HOUR, status: 'confirmed', organizer: 'U1', participants: ['U1', 'U2', 'U3'], recurringEventId: null,
};
function item(n: number, kind: SignalKind, user: string, channel = 'C1'): { link: MessageLink; signal: Signal } {
  const ts = `${T0 / 1000 + n * 600}.000100`;
  return {
    link: { channelId: channel, ts, meetingId: 'e1', kind, confidence: 0.9, method: 'time', evidence: [] },
    signal: { channelId: channel, ts, time: T0 + n * 600_000, userId: user, kind, confidence: 0.9, evidence: [], times: [], links: [], threadTs: null },
  };
}

test('counts coordination messages, people and times for a meeting', () => {
  const items = [item(0, 'propose', 'U1'), item(1, 'decline', 'U2'), item(2, 'reschedule', 'U1'), item(3, 'confirm', 'U3'), item(4, 'confirm', 'U2', 'C2'), item(50, 'followup', 'U1')];
  const m = computeMeetingMetrics(meeting, items.map((i) => i.link), items.map((i) => i.signal));
  assert.equal(m, {
    meetingId: 'e1', messages: 6, schedulingMessages: 5, followups: 1, reschedules: 1, participants: 3, coordinators: 3, channels: 2,
    firstMessageAt: T0, leadTimeMs: 48 * HOUR, timeToScheduleMs: 30 * 60_000, coordinationCostMinutes: 5 * 1.5 * 3,
    schedulingParticipants: 3, cancelled: false, preMeetingMessages: 6, followupLatencyMs: null, documents: [], attendees: 0,
    attendeesActiveInSlack: 0, attendeeHours: 0, attendeeCost: 0, afterHoursShare: null, teams: [],
  });
});

test('leaves lead time and time to schedule empty without scheduling messages', () => {
  const items = [item(0, 'link', 'U1')];
  const m = computeMeetingMetrics(meeting, items.map((i) => i.link), items.map((i) => i.signal));
  assert.is(m.leadTimeMs, null);
  assert.is(m.timeToScheduleMs, null);
  assert.is(m.coordinationCostMinutes, 0);
});

test('measures attendees, their hours and cost, after-hours share by zone, teams, documents and follow-up latency', () => {
  // The meeting runs 09:00–10:00 UTC on Wednesday 4 March: 10:00 in Berlin, 01:00 in Los Angeles, 14:30 in Kolkata.
  const items = [item(0, 'propose', 'U1'), item(1, 'confirm', 'U2'), item(3 * 144 + 12, 'followup', 'U1')];
  const m = computeMeetingMetrics(meeting, items.map((i) => i.link), items.map((i) => i.signal), {
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

test('one fact per linked message gives the figures the links and signals give', () => {
  const items = [item(0, 'propose', 'U1'), item(1, 'decline', 'U2'), item(3, 'confirm', 'U3', 'C2'), item(2, 'reschedule', 'U1'), item(60, 'followup', 'U2')];
  // A later message moved the reschedule's link: the link's kind counts, not the signal's.
  items[3]!.link = { ...items[3]!.link, kind: 'confirm' };
  const context = { eventCreated: T0 + 15 * 60_000, attendees: [{ inSlack: true, timeZone: 'Europe/Berlin', team: 'Sales' }], documents: ['doc1'], hourlyRate: 90 };
  const facts = items.map((i) => ({ channelId: i.link.channelId, kind: i.link.kind, time: i.signal.time, userId: i.signal.userId }));
  const fromFacts = meetingMetricsFromFacts(meeting, facts, context);
  assert.equal(fromFacts, computeMeetingMetrics(meeting, items.map((i) => i.link), items.map((i) => i.signal), context));
  assert.is(fromFacts.schedulingMessages, 4);
  assert.is(fromFacts.reschedules, 0);
  assert.is(fromFacts.timeToScheduleMs, 15 * 60_000);
  assert.is(fromFacts.channels, 2);
});

test.run();
