/** Linking and detection cases found in `convene eval` misses, pinned so they stay fixed. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CalendarEvent, MessageLink } from '../../../src/core/records.js';
import { linkToEvent, scoreCandidates } from '../../../src/operators/correlate.logic.js';
import { EventIndex } from '../../../src/operators/event-index.logic.js';
import { IdentityIndex } from '../../../src/operators/identity.logic.js';
import { MeetingIntelligence } from '../../../src/operators/meeting-intelligence.logic.js';
import { detectSignal } from '../../../src/operators/meeting-signals.logic.js';
import { findTimeMentions } from '../../../src/operators/time-expressions.logic.js';
import { LineDetector } from '../../../src/cli/commands/detect.js';
import { attendee, event, message, person, tsAt } from './support.js';

const PEOPLE = [
  person('slack', 'U1', { email: 'ana@acme.test', name: 'Ana Lopez', timezone: 'America/Los_Angeles' }),
  person('slack', 'U2', { email: 'bo@acme.test', name: 'Bo Chen', timezone: 'America/Los_Angeles' }),
];
const both = [attendee('ana@acme.test'), attendee('bo@acme.test')];

function intelligence(events: CalendarEvent[]): MeetingIntelligence {
  const identities = new IdentityIndex();
  for (const p of PEOPLE) identities.add(p);
  const index = new EventIndex();
  for (const e of events) index.add(e);
  const zones = new Map(PEOPLE.map((p) => [p.externalId, { tz: p.timezone, offsetMinutes: null }] as const));
  return new MeetingIntelligence({ events: index, identities, timezoneOf: (id) => zones.get(id) ?? { tz: null, offsetMinutes: null } });
}
const links = (out: ReturnType<MeetingIntelligence['processMessage']>): MessageLink[] => out.filter((e) => e.kind === 'message_link').map((e) => e.payload as MessageLink);

test('a counter-proposal in a thread moves the thread, and the proposal before it follows', () => {
  // Ana proposes Wednesday 2:15pm PT (an unrelated meeting sits there); Bo counters with Thursday 1:15pm, which is booked.
  const wrong = event('other', '2026-03-11T21:15:00Z', { summary: 'Kickoff', attendees: both });
  const right = event('debrief', '2026-03-12T20:15:00Z', { summary: 'Interview debrief', attendees: both });
  const mi = intelligence([wrong, right]);
  const parentTs = tsAt('2026-03-10T16:00:00Z');
  const first = links(mi.processMessage(message('wed at 2:15 pm work?', { ts: parentTs, userId: 'U1', threadTs: parentTs, isThreadParent: true, replyCount: 2 })));
  assert.is(first[0]?.meetingId, 'other');
  const counter = links(mi.processMessage(message('i have a clash at 2:15 pm, 1:15pm thu ok?', { ts: tsAt('2026-03-10T16:10:00Z'), userId: 'U2', threadTs: parentTs })));
  assert.equal(counter.map((l) => [l.ts, l.meetingId]), [[tsAt('2026-03-10T16:10:00Z'), 'debrief'], [parentTs, 'debrief']]);
  assert.ok(counter[1]!.evidence.includes('thread:later'));
});

test('a reply in an unlinked thread that names the meeting links the messages before it', () => {
  const standup = event('s1', '2026-03-11T17:00:00Z', { summary: 'Payments standup', attendees: both });
  const mi = intelligence([standup]);
  const parentTs = tsAt('2026-03-10T16:00:00Z');
  assert.equal(links(mi.processMessage(message('can we find some time this week?', { ts: parentTs, userId: 'U1', threadTs: parentTs, isThreadParent: true, replyCount: 2 }))), []);
  const named = links(mi.processMessage(message("let's do it at the standup tomorrow at 10am", { ts: tsAt('2026-03-10T16:05:00Z'), userId: 'U2', threadTs: parentTs })));
  assert.equal(named.map((l) => l.meetingId), ['s1', 's1']);
});

test('the stated minute beats an event a quarter-hour later', () => {
  const signal = detectSignal({ message: message('any chance you have 45 min Friday at 3:45pm PT?', { at: '2026-03-24T09:00:00Z' }), tzOffsetMinutes: 0 })!;
  const index = new EventIndex();
  index.add(event('exact', '2026-03-27T22:45:00Z', { attendees: both }));
  index.add(event('later', '2026-03-27T23:00:00Z', { attendees: both }));
  assert.is(linkToEvent(signal, { authorEmail: 'ana@acme.test', mentionedEmails: [], text: 'any chance you have 45 min Friday at 3:45pm PT?', events: index })?.eventId, 'exact');
});

test("reads the author's clock time at the offset of the day meant, across a DST change", () => {
  // Posted at 01:12 PST on the night US clocks spring forward: 1:15pm tomorrow is 1:15pm PDT.
  const at = Date.parse('2026-03-08T09:12:00Z');
  const [t] = findTimeMentions('1:15pm tomorrow ok?', at, -480, 'America/Los_Angeles');
  assert.is(new Date(t!.start).toISOString(), '2026-03-09T20:15:00.000Z');
});

test('out-of-office and focus blocks are never candidates', () => {
  const index = new EventIndex();
  index.add(event('ooo', '2026-03-03T15:00:00Z', { eventType: 'outOfOffice', summary: 'Out of office' }));
  index.add(event('focus', '2026-03-03T15:00:00Z', { eventType: 'focusTime', summary: 'Focus time' }));
  const signal = detectSignal({ message: message('can we meet tomorrow at 3pm?', { at: '2026-03-02T09:00:00Z' }), tzOffsetMinutes: 0 })!;
  assert.equal(scoreCandidates(signal, { mentionedEmails: [], text: 'can we meet tomorrow at 3pm?', events: index }), []);
});

test('data syncs, graph zooms, launch timing and personal appointments are not meetings', () => {
  for (const text of [
    'zoom in on the api graph, the spike is at 3pm',
    'let’s sync the auth config with staging tomorrow',
    'how does friday look for the checkout launch?',
    'my dentist appointment got moved to thu 3pm 🙄',
  ]) {
    assert.is(detectSignal({ message: message(text), tzOffsetMinutes: 0 }), null, text);
  }
  assert.ok(detectSignal({ message: message("let's sync on the data pipeline thu at 9:15 am"), tzOffsetMinutes: 0 }), 'a sync on a topic is a meeting');
});

test('convene detect reads NDJSON replies in their thread and reports unreadable lines', () => {
  const d = new LineDetector({ tz: 'UTC', now: Date.parse('2026-03-02T09:00:00Z') });
  assert.is(d.detect(JSON.stringify({ ts: '1772442000.000100', user: 'U1', text: 'can we meet tomorrow at 3pm?', thread_ts: '1772442000.000100', reply_count: 1 }))?.kind, 'propose');
  assert.is(d.detect(JSON.stringify({ ts: '1772442060.000100', user: 'U2', text: 'sgtm', thread_ts: '1772442000.000100' }))?.kind, 'confirm');
  assert.is(d.detect('sgtm')?.related, false);
  assert.match(d.detect('{not json')?.problem ?? '', /line 4: not valid JSON/);
});

test.run();
