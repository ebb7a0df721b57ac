import { firstValueFrom, from, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { envelope, type Envelope } from '../../../src/core/envelope.js';
import { Gate } from '../../../src/core/rx.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Meeting, MeetingMetrics, Message, MessageLink } from '../../../src/core/records.js';
import { EventIndex } from '../../../src/operators/event-index.logic.js';
import { IdentityIndex } from '../../../src/operators/identity.logic.js';
import { MeetingIntelligence } from '../../../src/operators/meeting-intelligence.logic.js';
import { meetingIntelligenceOperator } from '../../../src/operators/meeting-intelligence.operator.js';
import { OPERATORS } from '../../../src/operators/registry.js';
import { attendee, event, message, person, tsAt } from './support.js';

const PEOPLE = [
  person('slack', 'U1', { email: 'ana@acme.test', name: 'Ana Lopez', timezone: 'Europe/Berlin' }),
  person('slack', 'U2', { email: 'bo@acme.test', name: 'Bo Chen' }),
  person('slack', 'U3', { email: 'cy@acme.test', name: 'Cy Diaz' }),
];
const EVENTS = ['2026-03-03', '2026-03-05', '2026-03-10'].map((day) =>
  event(`design_${day.replace(/-/g, '')}T1500Z`, `${day}T15:00:00Z`, {
    summary: 'Design sync', recurringEventId: 'design',
    attendees: [attendee('ana@acme.test'), attendee('bo@acme.test'), { ...attendee('room@resource.test'), resource: true }],
  }),
);

const parentTs = tsAt('2026-03-02T09:00:00Z');
const huddleTs = tsAt('2026-03-02T11:00:00Z');
const adhocTs = tsAt('2026-03-02T13:00:00Z');
const deployTs = tsAt('2026-03-02T14:00:00Z');
const room = { roomId: 'R1', name: 'pairing', createdBy: 'U3', dateStart: Date.parse('2026-03-02T11:00:00Z'), dateEnd: Date.parse('2026-03-02T11:40:00Z'), participants: ['U3', 'U1'] };

const MESSAGES: Message[] = [
  message('<@U2> can we meet for the design sync Thursday at 4pm?', { ts: parentTs, userId: 'U1', mentions: ['U2'], threadTs: parentTs, isThreadParent: true, replyCount: 1 }),
  message('👍', { ts: tsAt('2026-03-02T09:05:00Z'), userId: 'U2', threadTs: parentTs }),
  message('', { ts: huddleTs, userId: 'USLACKBOT', subtype: 'huddle_thread', huddle: room, threadTs: huddleTs, isThreadParent: true, replyCount: 1 }),
  message('notes from the huddle: we pick option B', { ts: tsAt('2026-03-02T11:02:00Z'), userId: 'U1', threadTs: huddleTs }),
  message('<@U2> hop on a quick call now?', { ts: adhocTs, userId: 'U3', mentions: ['U2'], threadTs: adhocTs, isThreadParent: true, replyCount: 1 }),
  message('ok joining', { ts: tsAt('2026-03-02T13:01:00Z'), userId: 'U1', threadTs: adhocTs }),
  message('deploying the release at 3pm, freeze starts now', { ts: deployTs, userId: 'U2', threadTs: deployTs, isThreadParent: true, replyCount: 1 }),
  message('👍', { ts: tsAt('2026-03-02T14:01:00Z'), userId: 'U1', threadTs: deployTs }),
  message("Notes from today's design sync: ship v2 next week", { channelId: 'C2', ts: tsAt('2026-03-05T16:00:00Z'), userId: 'U2' }),
];

function run(): { perMessage: Envelope[][]; finished: Envelope[] } {
  const identities = new IdentityIndex();
  for (const p of PEOPLE) identities.add(p);
  const events = new EventIndex();
  for (const e of EVENTS) events.add(e);
  const zones = new Map(PEOPLE.map((p) => [p.externalId, { tz: p.timezone, offsetMinutes: p.tzOffsetMinutes }] as const));
  const core = new MeetingIntelligence({ events, identities, timezoneOf: (id) => zones.get(id) ?? { tz: null, offsetMinutes: null } });
  const perMessage = MESSAGES.map((m) => core.processMessage(m));
  return { perMessage, finished: core.finish() };
}

const linkOf = (out: Envelope[]): MessageLink | undefined => out.find((e) => e.kind === 'message_link')?.payload as MessageLink | undefined;

test("links a proposal in the author's zone to the right instance of a recurring meeting", () => {
  const { perMessage } = run();
  // 4pm in Berlin is 15:00 UTC on Thursday: the second instance, not Tuesday's or next week's.
  const link = linkOf(perMessage[0]!)!;
  assert.is(link.meetingId, 'design_20260305T1500Z');
  assert.is(link.kind, 'propose');
  assert.is(link.method, 'time');
  assert.is(perMessage[0]![0]!.key, `C1:${parentTs}`);
  assert.is(perMessage[0]![0]!.origin, 'meeting-intelligence');
});

test("links a thumbs-up reply to the proposal's meeting", () => {
  const link = linkOf(run().perMessage[1]!)!;
  assert.equal([link.meetingId, link.kind, link.method], ['design_20260305T1500Z', 'confirm', 'thread']);
});

test('turns a huddle into a Slack-only meeting and links its thread to it', () => {
  const { perMessage } = run();
  const meeting = perMessage[2]!.find((e) => e.kind === 'meeting')!.payload as Meeting;
  assert.equal(meeting, {
    id: `slack:C1:${huddleTs}`, source: 'slack', kind: 'huddle', calendarEventId: null, title: 'pairing', channelId: 'C1',
    start: room.dateStart, end: room.dateEnd, status: 'confirmed', organizer: 'U3', participants: ['U3', 'U1'], recurringEventId: null,
  });
  assert.is(linkOf(perMessage[2]!)!.method, 'huddle');
  assert.is(linkOf(perMessage[3]!)!.meetingId, `slack:C1:${huddleTs}`);
});

test('turns a call started now without a calendar event into an ad hoc meeting', () => {
  const { perMessage, finished } = run();
  const created = perMessage[4]!.find((e) => e.kind === 'meeting')!.payload as Meeting;
  assert.is(created.kind, 'adhoc');
  assert.is(created.start, Date.parse('2026-03-02T13:00:00Z'));
  assert.is(created.end, Date.parse('2026-03-02T13:30:00Z'));
  assert.equal(created.participants, ['U3', 'U2']);
  assert.is(linkOf(perMessage[5]!)!.meetingId, created.id);
  // The replier joins the participants by the end of the run.
  const final = finished.find((e) => e.kind === 'meeting' && e.key === created.id)!.payload as Meeting;
  assert.equal(final.participants, ['U3', 'U2', 'U1']);
});

test('leaves a distractor thread and its thumbs-up unlinked', () => {
  const { perMessage } = run();
  assert.equal(perMessage[6], []);
  assert.equal(perMessage[7], []);
});

test('links a follow-up in another channel to the meeting that took place', () => {
  const link = linkOf(run().perMessage[8]!)!;
  assert.equal([link.meetingId, link.kind], ['design_20260305T1500Z', 'followup']);
});

test('emits calendar meetings and metrics for every linked meeting on finish', () => {
  const { finished } = run();
  const meetings = finished.filter((e) => e.kind === 'meeting').map((e) => e.payload as Meeting);
  assert.equal(meetings.map((m) => m.id).sort(), ['design_20260305T1500Z', `slack:C1:${adhocTs}`, `slack:C1:${huddleTs}`].sort());
  const design = meetings.find((m) => m.id === 'design_20260305T1500Z')!;
  assert.equal([design.source, design.kind, design.title, design.channelId, design.recurringEventId], ['calendar', 'scheduled', 'Design sync', 'C1', 'design']);
  assert.equal(design.participants, ['U1', 'U2']);
  const metrics = finished.filter((e) => e.kind === 'meeting_metrics').map((e) => e.payload as MeetingMetrics);
  assert.is(metrics.length, 3);
  const dm = metrics.find((m) => m.meetingId === 'design_20260305T1500Z')!;
  assert.equal([dm.messages, dm.schedulingMessages, dm.followups, dm.coordinators, dm.channels, dm.timeToScheduleMs], [3, 2, 1, 2, 2, 5 * 60_000]);
  assert.is(dm.leadTimeMs, Date.parse('2026-03-05T15:00:00Z') - Date.parse('2026-03-02T09:00:00Z'));
});

test('the operator passes envelopes through, adds derived ones and finishes on completion', async () => {
  const input: Envelope[] = [
    ...PEOPLE.map((p) => envelope('person', p.key, 0, 'test', p)),
    ...EVENTS.map((e) => envelope('calendar_event', e.id, e.start, 'test', e)),
    ...MESSAGES.map((m) => envelope('message', `${m.channelId}:${m.ts}`, m.time, 'test', m)),
  ];
  const registered = OPERATORS.find((o) => o.type === meetingIntelligenceOperator.type)!;
  const out = await firstValueFrom(from(input).pipe(registered.create({}, { logger: silentLogger, runId: 'r1' }), toArray()));
  const kinds = (k: string) => out.filter((e) => e.kind === k).length;
  assert.is(kinds('message'), MESSAGES.length);
  assert.is(kinds('calendar_event'), EVENTS.length);
  assert.is(kinds('message_link'), 7);
  assert.is(kinds('meeting_metrics'), 3);
  // Derived envelopes follow the message they come from.
  const i = out.findIndex((e) => e.kind === 'message' && e.key === `C1:${parentTs}`);
  assert.equal(out.slice(i, i + 3).map((e) => e.kind), ['message', 'signal', 'message_link']);
  assert.is(out[out.length - 1]!.kind, 'meeting_metrics');
});

test('the meetings and metrics at the end wait while the stage has no room for them', async () => {
  const input: Envelope[] = [
    ...PEOPLE.map((p) => envelope('person', p.key, 0, 'test', p)),
    ...EVENTS.map((e) => envelope('calendar_event', e.id, e.start, 'test', e)),
    ...MESSAGES.map((m) => envelope('message', `${m.channelId}:${m.ts}`, m.time, 'test', m)),
  ];
  const unpaced = await firstValueFrom(from(input).pipe(meetingIntelligenceOperator.create({}, { logger: silentLogger, runId: 'r1' }), toArray()));
  const gate = new Gate(5);
  gate.emitted(10); // the stage holds ten records it has not written yet
  const seen: Envelope[] = [];
  let completed = false;
  from(input).pipe(meetingIntelligenceOperator.create({}, { logger: silentLogger, runId: 'r1', gate })).subscribe({ next: (e) => seen.push(e), complete: () => (completed = true) });
  await new Promise((resolve) => setTimeout(resolve, 20));
  const finishKinds = new Set(['meeting_metrics']);
  assert.is(seen.filter((e) => finishKinds.has(e.kind)).length, 0, 'no metrics while the gate is full');
  assert.not.ok(completed);
  gate.acked(10);
  await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(completed);
  assert.equal(seen.map((e) => `${e.kind}:${e.key}`), unpaced.map((e) => `${e.kind}:${e.key}`));
});

function fresh(): MeetingIntelligence {
  const identities = new IdentityIndex();
  for (const p of PEOPLE) identities.add(p);
  const events = new EventIndex();
  for (const e of EVENTS) events.add(e);
  return new MeetingIntelligence({ events, identities, timezoneOf: () => ({ tz: 'Europe/Berlin', offsetMinutes: 60 }) });
}

test('folds a call request and the huddle that follows into one meeting', () => {
  const core = fresh();
  const askTs = tsAt('2026-03-02T16:00:00Z');
  const ask = core.processMessage(message('huddle now?', { channelId: 'C3', ts: askTs, userId: 'U1' }));
  const id = `slack:C3:${askTs}`;
  assert.is((ask.find((e) => e.kind === 'meeting')!.payload as Meeting).kind, 'adhoc');
  const h = { ...room, dateStart: Date.parse('2026-03-02T16:03:00Z'), dateEnd: Date.parse('2026-03-02T16:20:00Z'), participants: ['U1', 'U2'] };
  const started = core.processMessage(message('', { channelId: 'C3', ts: tsAt('2026-03-02T16:03:00Z'), userId: 'USLACKBOT', subtype: 'huddle_thread', huddle: h }));
  const meeting = started.find((e) => e.kind === 'meeting')!.payload as Meeting;
  assert.equal([meeting.id, meeting.kind, meeting.start, meeting.participants], [id, 'huddle', h.dateStart, ['U1', 'U2']]);
  assert.is(linkOf(started)!.meetingId, id);
  assert.equal(core.finish().filter((e) => e.kind === 'meeting').map((e) => e.key), [id]);
});

test('reads an unthreaded short reply right after a proposal as its confirmation', () => {
  const core = fresh();
  const at = '2026-03-02T09:00:00Z';
  const proposal = core.processMessage(message('can we meet for the design sync Thursday at 4pm?', { channelId: 'D1', ts: tsAt(at), userId: 'U1' }));
  const reply = core.processMessage(message('wokrs for me', { channelId: 'D1', ts: tsAt('2026-03-02T09:04:00Z'), userId: 'U2' }));
  const late = core.processMessage(message('ok', { channelId: 'D1', ts: tsAt('2026-03-02T11:00:00Z'), userId: 'U2' }));
  assert.is(linkOf(proposal)!.meetingId, 'design_20260305T1500Z');
  assert.equal([linkOf(reply)!.meetingId, linkOf(reply)!.kind], ['design_20260305T1500Z', 'confirm']);
  assert.equal(late, []);
});

test('waits longer for an answer in a DM than in a busy channel', () => {
  const core = fresh();
  core.addChannel({ id: 'D2', name: 'D2', kind: 'im', created: null, creator: null, members: ['U1', 'U2'], topic: null, purpose: null, isArchived: false });
  core.processMessage(message('can we meet for the design sync Thursday at 4pm?', { channelId: 'D2', ts: tsAt('2026-03-02T09:00:00Z'), userId: 'U1' }));
  const later = core.processMessage(message('sounds good', { channelId: 'D2', ts: tsAt('2026-03-02T11:00:00Z'), userId: 'U2' }));
  assert.equal([linkOf(later)!.meetingId, linkOf(later)!.kind], ['design_20260305T1500Z', 'confirm']);
  const muchLater = core.processMessage(message('ok', { channelId: 'D2', ts: tsAt('2026-03-02T13:00:00Z'), userId: 'U2' }));
  assert.equal(muchLater, []);
});

test("does not pass a thread's meeting to an aside about another one", () => {
  const core = fresh();
  const parent = tsAt('2026-03-02T09:00:00Z');
  core.processMessage(message('can we meet for the design sync Thursday at 4pm?', { ts: parent, userId: 'U1', threadTs: parent, replyCount: 1 }));
  const aside = core.processMessage(message('unrelated, but is the design sync on Tuesday 4pm still on?', { ts: tsAt('2026-03-02T09:10:00Z'), userId: 'U2', threadTs: parent }));
  assert.is(linkOf(aside)!.meetingId, 'design_20260303T1500Z');
});

test('rejects unknown operator options', () => {
  const registered = OPERATORS.find((o) => o.type === 'meeting-intelligence')!;
  assert.throws(() => registered.create({ bogus: 1 }, { logger: silentLogger, runId: 'r1' }), /bogus|Unrecognized/);
});

test.run();
