import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CalendarEvent } from '../../../src/core/records.js';
import { readIcs } from '../../../src/sources/calendar-files/calendar-ics.parser.js';
import { instanceId, parseRdates } from '../../../src/sources/calendar-files/calendar-ics.mapping.js';

const ics = (...lines: string[]): string => ['BEGIN:VCALENDAR', 'VERSION:2.0', ...lines, 'END:VCALENDAR', ''].join('\r\n');

test('names recurring instances UID_<original start> and keeps an EXDATE occurrence as cancelled', () => {
  const result = readIcs(
    ics('X-WR-CALNAME:ana@acme.test', 'BEGIN:VEVENT', 'UID:s1@google.com', 'DTSTART:20260505T070000Z', 'DTEND:20260505T073000Z', 'RRULE:FREQ=WEEKLY;COUNT=3', 'EXDATE:20260512T070000Z', 'SUMMARY:Standup', 'END:VEVENT'),
    'file',
  );
  assert.equal(result.problems, []);
  for (const e of result.events) CalendarEvent.parse(e);
  assert.equal(result.events.map((e) => [e.id, e.status]), [
    ['s1@google.com_20260505T070000Z', 'confirmed'],
    ['s1@google.com_20260512T070000Z', 'cancelled'],
    ['s1@google.com_20260519T070000Z', 'confirmed'],
  ]);
  assert.is(result.events[0]!.calendarId, 'ana@acme.test');
  assert.is(result.events[0]!.recurringEventId, 's1@google.com');
});

test('a moved instance keeps the id of its original start', () => {
  const result = readIcs(
    ics(
      'BEGIN:VEVENT', 'UID:m1', 'DTSTART:20260505T070000Z', 'DTEND:20260505T073000Z', 'RRULE:FREQ=DAILY;COUNT=2', 'SUMMARY:Sync', 'END:VEVENT',
      'BEGIN:VEVENT', 'UID:m1', 'RECURRENCE-ID:20260506T070000Z', 'DTSTART:20260506T090000Z', 'DTEND:20260506T093000Z', 'SUMMARY:Sync (moved)', 'END:VEVENT',
    ),
    'team',
  );
  const moved = result.events.find((e) => e.id === 'm1_20260506T070000Z');
  assert.ok(moved);
  assert.is(moved!.start, Date.UTC(2026, 4, 6, 9));
  assert.is(moved!.originalStart, Date.UTC(2026, 4, 6, 7));
  assert.is(moved!.summary, 'Sync (moved)');
  assert.is(moved!.calendarId, 'team');
});

test('a single event is named by its UID; an all-day instance id carries the date alone', () => {
  const single = readIcs(ics('BEGIN:VEVENT', 'UID:one', 'DTSTART:20260505T070000Z', 'DTEND:20260505T080000Z', 'X-GOOGLE-CONFERENCE:https://meet.google.com/abc-defg-hij', 'END:VEVENT'), 'f');
  assert.is(single.events[0]!.id, 'one');
  assert.is(single.events[0]!.recurringEventId, null);
  assert.equal(single.events[0]!.conferenceLinks, ['https://meet.google.com/abc-defg-hij']);
  assert.is(instanceId('u', new Date(Date.UTC(2026, 4, 12)), true), 'u_20260512');
});

test('reads RDATE values given as DATE, UTC, TZID and PERIOD', () => {
  const { values, bad } = parseRdates(['20131210Z', { params: { TZID: 'America/Los_Angeles' }, val: '20121110T100000,20121130T100000' }, { params: { VALUE: 'PERIOD' }, val: '20231125T090000Z/20231125T123000Z' }, 'garbage'], null);
  assert.equal(values.map((v) => [v.start, v.end, v.allDay]), [
    [Date.UTC(2013, 11, 10), null, true],
    [Date.UTC(2012, 10, 10, 18), null, false],
    [Date.UTC(2012, 10, 30, 18), null, false],
    [Date.UTC(2023, 10, 25, 9), Date.UTC(2023, 10, 25, 12, 30), false],
  ]);
  assert.equal(bad, ['garbage']);
});

test('reports an event without a readable start by name and UID instead of dropping it', () => {
  const result = readIcs(ics('BEGIN:VEVENT', 'UID:nostart', 'SUMMARY:Lost meeting', 'END:VEVENT'), 'f');
  assert.is(result.events.length, 0);
  assert.is(result.problems.length, 1);
  assert.match(result.problems[0]!.entry ?? '', /Lost meeting.*nostart/);
});

test.run();
