import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventIndex } from '../../../src/operators/event-index.logic.js';
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

test('trims long descriptions to keep memory modest', () => {
  const index = new EventIndex();
  index.add(event('e1', '2026-03-05T15:00:00Z', { description: 'x'.repeat(10_000) }));
  assert.is(index.get('e1')!.description!.length, 500);
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

test.run();
