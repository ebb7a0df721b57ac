import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CalendarEvent } from '../../../src/core/records.js';
import { calendarIdOf, mapGoogleEvent } from '../../../src/sources/calendar-files/calendar-api.mapping.js';

function event(raw: unknown) {
  const mapped = mapGoogleEvent(raw, 'team@acme.test');
  if (!mapped.ok) throw new Error(mapped.reason);
  CalendarEvent.parse(mapped.value);
  return mapped.value;
}

test('maps a timed event with its zone, organizer and attendee responses', () => {
  const e = event({
    id: 'abc', status: 'confirmed', summary: 'Planning', iCalUID: 'abc@google.com',
    start: { dateTime: '2026-03-04T10:00:00-05:00', timeZone: 'America/New_York' }, end: { dateTime: '2026-03-04T10:30:00-05:00', timeZone: 'America/New_York' },
    organizer: { email: 'ana@acme.test', displayName: 'Ana' },
    attendees: [{ email: 'ana@acme.test', organizer: true, responseStatus: 'accepted' }, { email: 'room@acme.test', resource: true }, { email: 'bo@acme.test', optional: true, responseStatus: 'tentative' }],
    created: '2026-03-01T00:00:00Z', updated: '2026-03-02T00:00:00Z',
  });
  assert.is(e.start, Date.UTC(2026, 2, 4, 15, 0));
  assert.is(e.end, Date.UTC(2026, 2, 4, 15, 30));
  assert.is(e.timeZone, 'America/New_York');
  assert.is(e.allDay, false);
  assert.is(e.eventType, 'default');
  assert.equal(e.organizer, { email: 'ana@acme.test', name: 'Ana' });
  assert.equal(e.attendees.map((a) => [a.email, a.responseStatus, a.organizer, a.resource, a.optional]), [
    ['ana@acme.test', 'accepted', true, false, false],
    ['room@acme.test', 'needsAction', false, true, false],
    ['bo@acme.test', 'tentative', false, false, true],
  ]);
  assert.is(e.format, 'api-json');
});

test('maps an all-day event to UTC midnight with an exclusive end', () => {
  const e = event({ id: 'd1', start: { date: '2026-05-12' }, end: { date: '2026-05-13' }, eventType: 'outOfOffice' });
  assert.is(e.allDay, true);
  assert.is(e.start, Date.UTC(2026, 4, 12));
  assert.is(e.end, Date.UTC(2026, 4, 13));
  assert.is(e.eventType, 'outOfOffice');
});

test('keeps a bare cancelled instance at its original start', () => {
  const e = event({ id: 'abc_20260304T150000Z', status: 'cancelled', recurringEventId: 'abc', originalStartTime: { dateTime: '2026-03-04T15:00:00Z' } });
  assert.is(e.status, 'cancelled');
  assert.is(e.start, Date.UTC(2026, 2, 4, 15));
  assert.is(e.end, e.start);
  assert.is(e.originalStart, e.start);
  assert.is(e.recurringEventId, 'abc');
});

test('collects Meet links from hangoutLink and entry points, and Zoom links from location and description', () => {
  const e = event({
    id: 'm1', start: { dateTime: '2026-03-04T15:00:00Z' }, end: { dateTime: '2026-03-04T16:00:00Z' },
    hangoutLink: 'https://meet.google.com/abc-defg-hij',
    conferenceData: { entryPoints: [{ entryPointType: 'video', uri: 'https://meet.google.com/abc-defg-hij' }, { entryPointType: 'phone', uri: 'tel:+1-555-0100' }] },
    location: 'https://acme.zoom.us/j/987654321', description: 'Join: <a href="https://acme.zoom.us/j/111">https://acme.zoom.us/j/111</a>.',
  });
  assert.equal(e.conferenceLinks, ['https://meet.google.com/abc-defg-hij', 'https://acme.zoom.us/j/987654321', 'https://acme.zoom.us/j/111']);
});

test('reports an event with no start and no id', () => {
  assert.is(mapGoogleEvent({ id: 'x' }, 'c').ok, false);
  assert.is(mapGoogleEvent({ start: { date: '2026-01-01' } }, 'c').ok, false);
});

test('names the calendar by an email summary, else by the file name', () => {
  assert.is(calendarIdOf([{ summary: 'ana@acme.test', items: [] }], 'ana'), 'ana@acme.test');
  assert.is(calendarIdOf([{ summary: 'Team events', items: [] }], 'team'), 'team');
});

test.run();
