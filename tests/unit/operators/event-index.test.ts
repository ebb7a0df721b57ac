import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { conferenceKeysOf, EventIndex, titleWordsOf } from '../../../src/operators/event-index.logic.js';
import { attendee, event } from './support.js';

test('merges copies of one event from several calendars, uniting attendees', () => {
  const index = new EventIndex();
  index.add(event('e1', '2026-03-05T15:00:00Z', { calendarId: 'ana@acme.test', attendees: [attendee('ana@acme.test'), attendee('bo@acme.test', 'needsAction')] }));
  index.add(event('e1', '2026-03-05T15:00:00Z', { calendarId: 'bo@acme.test', attendees: [attendee('bo@acme.test', 'declined'), attendee('cy@acme.test')] }));
  assert.is(index.size, 1);
  const e = index.get('e1')!;
  assert.equal(e.attendees.map((a) => `${a.email}:${a.responseStatus}`), ['ana@acme.test:accepted', 'bo@acme.test:declined', 'cy@acme.test:accepted']);
  assert.is(index.between(0, Number.MAX_SAFE_INTEGER).length, 1);
});

test('keeps the most recently updated copy', () => {
  const index = new EventIndex();
  index.add(event('e1', '2026-03-05T15:00:00Z', { summary: 'old', updated: 1 }));
  index.add(event('e1', '2026-03-05T15:00:00Z', { summary: 'new', updated: 2 }));
  index.add(event('e1', '2026-03-05T15:00:00Z', { summary: 'stale', updated: 1 }));
  assert.is(index.get('e1')!.summary, 'new');
});

test("an event's times come from the index's columns: a newer copy's replace them, a null stays null, and JSON has them as fields", () => {
  const index = new EventIndex();
  for (let i = 0; i < 3000; i++) index.add(event(`x${i}`, '2026-03-01T09:00:00Z', { created: i, updated: null }));
  index.add(event('e1', '2026-03-05T15:00:00Z', { created: 5, updated: 1 }));
  const before = index.get('e1')!;
  index.add(event('e1', '2026-03-05T16:00:00Z', { created: 5, updated: 2 }));
  const after = index.get('e1')!;
  assert.is(after.start, Date.parse('2026-03-05T16:00:00Z'));
  assert.is(after.end, Date.parse('2026-03-05T16:30:00Z'));
  assert.equal([after.created, after.updated], [5, 2]);
  // The copy took over the first one's place: what still holds the first reads the newer times.
  assert.is(before.start, after.start);
  assert.equal([index.get('x2999')!.created, index.get('x2999')!.updated, index.get('x0')!.created], [2999, null, 0]);
  const json = JSON.parse(JSON.stringify(after)) as Record<string, unknown>;
  assert.equal(Object.keys(json).sort(), ['allDay', 'attendees', 'calendarId', 'conferenceLinks', 'created', 'documents', 'end', 'eventType', 'id', 'organizer', 'recurringEventId', 'start', 'status', 'summary', 'updated']);
  assert.is(json['start'], after.start);
});

test('returns events by start window in start order', () => {
  const index = new EventIndex();
  index.add(event('c', '2026-03-07T09:00:00Z'));
  index.add(event('a', '2026-03-05T09:00:00Z'));
  index.add(event('b', '2026-03-06T09:00:00Z'));
  assert.equal(index.between(Date.parse('2026-03-05T10:00:00Z'), Date.parse('2026-03-07T09:00:00Z')).map((e) => e.id), ['b']);
  index.add(event('d', '2026-03-06T08:00:00Z'));
  assert.equal(index.between(Date.parse('2026-03-05T00:00:00Z'), Date.parse('2026-03-08T00:00:00Z')).map((e) => e.id), ['a', 'd', 'b', 'c']);
});

test('finds every instance sharing a conference link', () => {
  const index = new EventIndex();
  index.add(event('s_1', '2026-03-03T09:00:00Z', { conferenceLinks: ['https://meet.google.com/abc-defg-hij'] }));
  index.add(event('s_2', '2026-03-04T09:00:00Z', { conferenceLinks: ['https://meet.google.com/abc-defg-hij?authuser=1'] }));
  index.add(event('x', '2026-03-04T09:00:00Z', { conferenceLinks: ['https://zoom.us/j/999999999'] }));
  assert.equal(index.byConferenceKey('meet:abc-defg-hij').map((e) => e.id), ['s_1', 's_2']);
  assert.equal(index.byConferenceKey('meet:zzz-zzzz-zzz'), []);
});

test('finds events by a distinctive title word, ignoring generic ones', () => {
  const index = new EventIndex();
  index.add(event('a', '2026-03-05T09:00:00Z', { summary: 'Mobile standup' }));
  index.add(event('b', '2026-03-06T09:00:00Z', { summary: 'Weekly sync: Hermes' }));
  index.add(event('a', '2026-03-05T09:00:00Z', { summary: 'Mobile standup', calendarId: 'bo@acme.test' }));
  assert.equal(index.withTitleWord('standup').map((e) => e.id), ['a']);
  assert.equal(index.withTitleWord('hermes').map((e) => e.id), ['b']);
  assert.equal(index.withTitleWord('weekly'), []);
});

test("keeps the Drive files an event's description (its first 500 characters) and location link to, not their text", () => {
  const index = new EventIndex();
  const doc = (id: string): string => `https://docs.google.com/document/d/${id}/edit`;
  index.add(event('e1', '2026-03-05T15:00:00Z', { description: `notes: ${doc('1AbCdEfGhIjK')} ${'x'.repeat(500)} ${doc('9ZzZzZzZzZzZ')}`, location: `room 4, ${doc('5LoCaTiOnDoC')}` }));
  index.add(event('e2', '2026-03-06T15:00:00Z', { description: 'x'.repeat(10_000) }));
  const e1 = index.get('e1')!;
  assert.equal(e1.documents, ['1AbCdEfGhIjK', '5LoCaTiOnDoC']);
  assert.is('description' in e1, false);
  assert.equal(index.get('e2')!.documents, []);
});

test('merges an iCalendar copy with its API twin under the API id, keeping ICS-only ids', () => {
  const index = new EventIndex();
  index.add(event('k7q2@google.com_20260305T150000Z', '2026-03-05T15:00:00Z', { format: 'ics', calendarId: 'bo@acme.test', attendees: [attendee('bo@acme.test')] }));
  index.add(event('k7q2_20260305T150000Z', '2026-03-05T15:00:00Z', { attendees: [attendee('ana@acme.test')] }));
  index.add(event('k7q2@google.com_20260305T150000Z', '2026-03-05T15:00:00Z', { format: 'ics', calendarId: 'cy@acme.test', attendees: [attendee('cy@acme.test')] }));
  index.add(event('single@google.com', '2026-03-06T15:00:00Z', { format: 'ics' }));
  index.add(event('other@example.org', '2026-03-07T15:00:00Z', { format: 'ics' }));
  assert.equal(index.between(0, Number.MAX_SAFE_INTEGER).map((e) => e.id), ['k7q2_20260305T150000Z', 'single@google.com', 'other@example.org']);
  assert.is(index.get('k7q2@google.com_20260305T150000Z')!.attendees.length, 3);
  assert.is(index.get('single@google.com')!.id, 'single@google.com');
});


test('copies read after the first query (the index dropped its interner then) merge with the events kept before it', () => {
  const index = new EventIndex();
  const links = ['https://meet.google.com/abc-defg-hij'];
  index.add(event('k7q2@google.com', '2026-03-05T15:00:00Z', { format: 'ics', summary: 'Roadmap review', conferenceLinks: links, attendees: [attendee('bo@acme.test', 'needsAction')] }));
  index.add(event('s_1', '2026-03-03T09:00:00Z', { recurringEventId: 's', attendees: [attendee('ana@acme.test')] }));
  assert.equal(index.between(0, Number.MAX_SAFE_INTEGER).map((e) => e.id), ['s_1', 'k7q2@google.com']);
  index.add(event('k7q2', '2026-03-05T15:00:00Z', { calendarId: 'bo@acme.test', summary: 'Roadmap review', conferenceLinks: [...links], attendees: [attendee('bo@acme.test', 'accepted'), attendee('cy@acme.test')] }));
  index.add(event('s_2', '2026-03-10T09:00:00Z', { recurringEventId: 's', attendees: [attendee('ana@acme.test')] }));
  assert.is(index.size, 3);
  assert.equal(index.between(0, Number.MAX_SAFE_INTEGER).map((e) => e.id), ['s_1', 'k7q2', 's_2']);
  const e = index.get('k7q2@google.com')!;
  assert.equal(e.attendees.map((a) => `${a.email}:${a.responseStatus}`), ['bo@acme.test:accepted', 'cy@acme.test:accepted']);
  assert.equal(e.conferenceLinks, links);
  assert.equal(index.byConferenceKey('meet:abc-defg-hij').map((x) => x.id), ['k7q2']);
  assert.equal(index.withTitleWord('roadmap').map((x) => x.id), ['k7q2']);
  assert.equal(index.invitedBetween('cy@acme.test', 0, Number.MAX_SAFE_INTEGER).map((x) => x.id), ['k7q2']);
  assert.equal(index.get('s_2')!.attendees, index.get('s_1')!.attendees);
});

test('shares attendee, organizer and repeated string objects across events instead of keeping each copy', () => {
  const index = new EventIndex();
  // Each event read from a file holds its own copies; the index keeps one.
  const copy = (s: string): string => JSON.parse(JSON.stringify(s)) as string;
  const long = 'Weekly planning: agenda in the doc, bring your numbers.';
  for (const id of ['r_1', 'r_2']) {
    index.add(event(id, id === 'r_1' ? '2026-03-03T09:00:00Z' : '2026-03-10T09:00:00Z', {
      summary: copy('Planning'), description: copy(long), recurringEventId: copy('recurring-planning-series'),
      organizer: { email: copy('ana@acme.test'), name: copy('Ana') }, attendees: [attendee(copy('ana@acme.test')), attendee(copy('bo@acme.test'), 'declined')],
    }));
  }
  const [a, b] = [index.get('r_1')!, index.get('r_2')!];
  assert.is(a.attendees[0], b.attendees[0]);
  assert.is(a.attendees[1], b.attendees[1]);
  assert.is(a.organizer, b.organizer);
  assert.equal(a.attendees.map((x) => `${x.email}:${x.responseStatus}`), ['ana@acme.test:accepted', 'bo@acme.test:declined']);
  assert.is(a.summary, b.summary);
  assert.is(b.recurringEventId, 'recurring-planning-series');
});

test('a merged copy that raises an attendee answer changes only that event', () => {
  const index = new EventIndex();
  index.add(event('e1', '2026-03-05T15:00:00Z', { attendees: [attendee('ana@acme.test'), attendee('bo@acme.test', 'needsAction')] }));
  index.add(event('e2', '2026-03-06T15:00:00Z', { attendees: [attendee('ana@acme.test'), attendee('bo@acme.test', 'needsAction')] }));
  index.add(event('e1', '2026-03-05T15:00:00Z', { calendarId: 'bo@acme.test', attendees: [attendee('bo@acme.test', 'accepted')] }));
  assert.equal(index.get('e1')!.attendees.map((x) => x.responseStatus), ['accepted', 'accepted']);
  assert.equal(index.get('e2')!.attendees.map((x) => x.responseStatus), ['accepted', 'needsAction']);
  assert.is(index.get('e1')!.attendees[0], index.get('e2')!.attendees[0]);
});

test('a copy with the same title and links keeps finding the event by title word and conference key', () => {
  const index = new EventIndex();
  const links = ['https://meet.google.com/abc-defg-hij'];
  index.add(event('e1', '2026-03-05T15:00:00Z', { summary: 'Roadmap review', conferenceLinks: links, updated: 1 }));
  index.add(event('e1', '2026-03-05T15:00:00Z', { summary: 'Roadmap review', conferenceLinks: [...links, links[0]!], calendarId: 'bo@acme.test', updated: 2 }));
  index.add(event('e1', '2026-03-05T15:00:00Z', { summary: 'Roadmap review', conferenceLinks: ['https://zoom.us/j/999999999'], calendarId: 'cy@acme.test', updated: 1 }));
  assert.equal(index.withTitleWord('roadmap').map((e) => e.id), ['e1']);
  assert.equal(index.get('e1')!.conferenceLinks, ['https://meet.google.com/abc-defg-hij', 'https://zoom.us/j/999999999']);
  assert.equal(index.byConferenceKey('meet:abc-defg-hij').map((e) => e.id), ['e1']);
  assert.equal(index.byConferenceKey('zoom:999999999').map((e) => e.id), ['e1']);
});

test('instances of a recurring series with the same people and answers share one attendee list', () => {
  const index = new EventIndex();
  const people = (bo: 'accepted' | 'declined') => [attendee('ana@acme.test'), attendee('bo@acme.test', bo)];
  index.add(event('s_1', '2026-03-03T09:00:00Z', { recurringEventId: 's', attendees: people('accepted') }));
  index.add(event('s_2', '2026-03-10T09:00:00Z', { recurringEventId: 's', attendees: people('accepted') }));
  index.add(event('s_3', '2026-03-17T09:00:00Z', { recurringEventId: 's', attendees: people('declined') }));
  index.add(event('x', '2026-03-17T09:00:00Z', { attendees: people('accepted') }));
  assert.is(index.get('s_1')!.attendees, index.get('s_2')!.attendees);
  assert.is.not(index.get('s_3')!.attendees, index.get('s_2')!.attendees);
  assert.equal(index.get('s_3')!.attendees.map((a) => a.responseStatus), ['accepted', 'declined']);
  assert.equal(index.get('s_2')!.attendees.map((a) => a.responseStatus), ['accepted', 'accepted']);
  assert.equal(index.get('x')!.attendees, index.get('s_1')!.attendees);
});

test('events with the same title share their title words, and conference keys come from each link', () => {
  const a = event('a', '2026-03-03T09:00:00Z', { summary: 'Atlas standup', conferenceLinks: ['https://meet.google.com/abc-defg-hij', 'https://example.test/notes'] });
  const b = event('b', '2026-03-04T09:00:00Z', { summary: 'Atlas standup' });
  assert.equal(titleWordsOf(a), ['atlas', 'standup']);
  assert.is(titleWordsOf(a), titleWordsOf(b));
  assert.equal(conferenceKeysOf(a), ['meet:abc-defg-hij']);
  assert.equal(conferenceKeysOf(b), []);
});

test.run();

test('finds the events of any of several people in a window, each by its own calendar', () => {
  const index = new EventIndex();
  index.add(event('a', '2026-03-05T09:00:00Z', { attendees: [attendee('ana@acme.test'), attendee('bo@acme.test')] }));
  index.add(event('b', '2026-03-05T10:00:00Z', { attendees: [attendee('cy@acme.test')] }));
  index.add(event('c', '2026-03-06T09:00:00Z', { organizer: { email: 'Bo@acme.test', name: null }, attendees: [attendee('dan@acme.test')] }));
  const from = Date.parse('2026-03-05T00:00:00Z');
  const to = Date.parse('2026-03-07T00:00:00Z');
  assert.equal(index.invitedAnyBetween(['bo@acme.test'], from, to).map((e) => e.id), ['a', 'c']);
  assert.equal(index.invitedAnyBetween(['ana@acme.test', 'cy@acme.test'], from, Date.parse('2026-03-05T09:30:00Z')).map((e) => e.id), ['a']);
  assert.equal(index.invitedAnyBetween(['nobody@acme.test'], from, to), []);
  // An event added after a lookup is found by the next one.
  index.add(event('d', '2026-03-05T08:00:00Z', { attendees: [attendee('bo@acme.test')] }));
  assert.equal(index.invitedBetween('BO@acme.test', from, to).map((e) => e.id), ['d', 'a', 'c']);
  assert.equal(index.between(from, to).map((e) => e.id), ['d', 'a', 'b', 'c']);
});

test("finds a title word's events in a window by start", () => {
  const index = new EventIndex();
  index.add(event('late', '2026-03-06T09:00:00Z', { summary: 'Mobile standup' }));
  index.add(event('early', '2026-03-04T09:00:00Z', { summary: 'Web standup' }));
  index.add(event('other', '2026-03-05T09:00:00Z', { summary: 'Roadmap review' }));
  assert.equal(index.withTitleWordBetween('standup', Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-03-10T00:00:00Z')).map((e) => e.id), ['early', 'late']);
  assert.equal(index.withTitleWordBetween('standup', Date.parse('2026-03-05T00:00:00Z'), Date.parse('2026-03-10T00:00:00Z')).map((e) => e.id), ['late']);
});
