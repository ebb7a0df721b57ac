import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Envelope } from '../../../src/core/envelope.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { CalendarEvent, InputProblem } from '../../../src/core/records.js';
import { CalendarEvent as CalendarEventSchema } from '../../../src/core/records.js';
import { calendarFilesSource } from '../../../src/sources/calendar-files/calendar-files.source.js';
import { fixturesDir } from '../../support/paths.js';

const google = join(fixturesDir, 'google');
const ics = (folder: string, file: string): string => join(google, 'ics', folder, file);

function read(...paths: string[]): Promise<Envelope[]> {
  return lastValueFrom(calendarFilesSource.create({ paths }, { logger: silentLogger, runId: 'it' }).read().pipe(toArray()));
}
const events = (records: Envelope[]): CalendarEvent[] => records.filter((e) => e.kind === 'calendar_event').map((e) => e.payload as CalendarEvent);
const iso = (ms: number): string => new Date(ms).toISOString();

const allIcs = [
  ...['google-export', 'outlook-exchange', 'recurrence-attendees'].flatMap((f) => readdirSync(join(google, 'ics', f)).map((n) => join(google, 'ics', f, n))),
  ...readdirSync(join(google, 'copyleft-lgpl')).filter((n) => n.endsWith('.ics')).map((n) => join(google, 'copyleft-lgpl', n)),
];

test('reads every ICS fixture without throwing, and every event passes its schema', async () => {
  assert.ok(allIcs.length >= 22);
  for (const file of allIcs) {
    const records = await read(file);
    for (const e of events(records)) CalendarEventSchema.parse(e);
    assert.ok(records.length > 0, `${file} yields events or problems`);
  }
});

test('keeps an EXDATE occurrence as cancelled under its UID_<date> id', async () => {
  const list = events(await read(ics('google-export', 'node-ical_biweekly-exdate-until.ics')));
  const removed = list.find((e) => e.id === '98765432-ABCD-DCBB-999A-987765432123_20170706T140000Z');
  assert.ok(removed);
  assert.is(removed!.status, 'cancelled');
  assert.is(removed!.recurringEventId, '98765432-ABCD-DCBB-999A-987765432123');
});

test('applies an override listed before its master (Europe/Kiev)', async () => {
  const list = events(await read(ics('google-export', 'node-ical_google-calendar-kiev-tz.ics')));
  assert.equal(list.map((e) => iso(e.start)), ['2016-08-25T11:00:00.000Z', '2016-08-26T11:00:00.000Z', '2016-08-27T11:00:00.000Z', '2016-08-28T11:00:00.000Z']);
  assert.is(list[1]!.summary, 'bla bla');
});

test('moves an Exchange all-day instance while keeping its original date id', async () => {
  const list = events(await read(ics('outlook-exchange', 'node-ical_exchange_whole_day_moved_recurrence.ics')));
  const moved = list.find((e) => e.id.endsWith('_20260226'));
  assert.ok(moved);
  assert.is(iso(moved!.start), '2026-02-27T00:00:00.000Z');
  assert.ok(moved!.allDay);
  assert.not.ok(list.some((e) => iso(e.start) === '2026-02-26T00:00:00.000Z'));
});

test('maps Windows display-name zones of an OWA export', async () => {
  const list = events(await read(ics('outlook-exchange', 'node-ical_Office-2012-owa.ics')));
  const syd = list.find((e) => e.summary?.trim() === 'TEST Syd');
  assert.is(iso(syd!.start), '2020-10-28T02:30:00.000Z');
});

test('keeps a moved instance and a cancelled one of a weekly series', async () => {
  const list = events(await read(ics('recurrence-attendees', 'khal_event_rrule_recuid_cancelled.ics')));
  const moved = list.find((e) => e.id === 'event_rrule_recurrence_id_20140707T050000Z');
  assert.is(iso(moved!.start), '2014-07-07T07:00:00.000Z');
  assert.is(list.find((e) => e.id === 'event_rrule_recurrence_id_20140714T050000Z')!.status, 'cancelled');
});

test('expands RDATE occurrences, including one moved by an override', async () => {
  const starts = events(await read(ics('recurrence-attendees', 'icaljs_recur_instances.ics'))).map((e) => iso(e.start));
  for (const s of ['2012-11-10T18:00:00.000Z', '2012-11-30T18:00:00.000Z', '2012-11-07T04:00:00.000Z']) assert.ok(starts.includes(s), s);
  const birthdays = events(await read(ics('google-export', 'icaljs_google_birthday.ics')));
  assert.is(birthdays.filter((e) => e.iCalUid === '2014_BIRTHDAY_79d389868f96182e@google.com').length, 3);
});

test('emits overrides that have no master as standalone instances', async () => {
  const birthdays = events(await read(ics('google-export', 'icaljs_google_birthday.ics')));
  assert.equal(birthdays.filter((e) => e.iCalUid === 'BIRTHDAY_79d389868f96182e@google.com').map((e) => e.id), [
    'BIRTHDAY_79d389868f96182e@google.com_20121210',
    'BIRTHDAY_79d389868f96182e@google.com_20131210',
    'BIRTHDAY_79d389868f96182e@google.com_20141210',
  ]);
});

test('reports an event with an empty TZID by file and UID', async () => {
  const problems = (await read(ics('outlook-exchange', 'ical4j_blankTzid.ics'))).filter((e) => e.kind === 'problem').map((e) => e.payload as InputProblem);
  assert.is(problems.length, 1);
  assert.is(problems[0]!.code, 'INPUT_MALFORMED_ICS');
  assert.match(problems[0]!.file, /ical4j_blankTzid\.ics$/);
  assert.match(problems[0]!.entry ?? '', /t21ocubdt9jagerldbkak7uhcg@google\.com/);
});

test('reads the Google Workspace export with its Meet links', async () => {
  const list = events(await read(join(google, 'copyleft-lgpl', 'recurring-ical-events_issue_173_google_workspace_export.ics')));
  assert.ok(list.length > 677);
  assert.ok(list.some((e) => e.conferenceLinks.includes('https://meet.google.com/xxx')));
  assert.ok(list.some((e) => e.status === 'cancelled'));
});

test('maps the Google API JSON fixture with its time zones', async () => {
  const list = events(await read(join(google, 'api-json', 'faros_googlecalendar_events.json')));
  assert.equal(list.map((e) => [e.id, e.timeZone, iso(e.start)]), [
    ['pu9eddmgti5ui6gqgnhf8ki75g', 'UTC', '2021-12-31T20:00:00.000Z'],
    ['violnsh17k2gpmf15s74t07uak', 'Europe/Zurich', '2021-12-31T12:00:00.000Z'],
    ['eeo5b8rm34097ahr16eovtdceo', 'Europe/Kiev', '2021-12-31T11:00:00.000Z'],
  ]);
  assert.ok(list.every((e) => e.format === 'api-json' && e.calendarId === 'faros_googlecalendar_events'));
});

test.run();
