import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { findTimeMentions, hasTimeLikeToken, offsetMinutesAt } from '../../../src/operators/time-expressions.logic.js';

// Monday 2 March 2026, 10:00 in Berlin (UTC+1).
const AT = Date.parse('2026-03-02T09:00:00Z');
const BERLIN = 60;

test("parses 'Thu 10:30 PT' in Pacific time from a Berlin author", () => {
  const [m] = findTimeMentions('can we do Thu 10:30 PT?', AT, BERLIN);
  assert.ok(m);
  assert.is(new Date(m.start).toISOString(), '2026-03-05T18:30:00.000Z');
  assert.is(m.certain, true);
});

test("'this morning' with a zone is today in that zone, not tomorrow", () => {
  // 10:11 in Berlin: 10:30 CET is still to come; 10:30 ET (15:30 UTC) too.
  const at = Date.parse('2026-03-02T09:11:00Z');
  const [cet] = findTimeMentions('how does 10:30 am cet this morning look for you?', at, BERLIN, 'Europe/Berlin');
  assert.is(new Date(cet!.start).toISOString(), '2026-03-02T09:30:00.000Z');
  const [et] = findTimeMentions('how does 10:30 AM ET this morning look for you?', at, BERLIN, 'Europe/Berlin');
  assert.is(new Date(et!.start).toISOString(), '2026-03-02T15:30:00.000Z');
  // A fixed zone is left to the parser: 9:00 UTC is 9:00 UTC.
  const [utc] = findTimeMentions('today at 9:00 UTC', at, BERLIN, 'Europe/Berlin');
  assert.is(new Date(utc!.start).toISOString(), '2026-03-02T09:00:00.000Z');
});

test("'this morning' and 'this afternoon' without a clock stay today once that part of the day has begun", () => {
  // 11:19 in Los Angeles: chrono's implied 6am has passed and reading forward moved it to tomorrow.
  const at = Date.parse('2026-03-13T18:19:00Z');
  const [morning] = findTimeMentions('reminder that we have demo prep this morning', at, -420, 'America/Los_Angeles');
  assert.is(new Date(morning!.start).toISOString().slice(0, 10), '2026-03-13');
  const [afternoon] = findTimeMentions('reminder that we have a call this afternoon', Date.parse('2026-03-13T21:21:00Z'), -420, 'America/Los_Angeles');
  assert.is(new Date(afternoon!.start).toISOString().slice(0, 10), '2026-03-13');
  assert.is(afternoon!.certain, false);
});

test("'1:1 mon at 3:30 PM PT' is Monday's meeting, not one month ahead", () => {
  const [m] = findTimeMentions('also reminder we have 1:1 mon at 3:30 PM PT', Date.parse('2026-03-13T08:05:00Z'), BERLIN, 'Europe/Berlin');
  assert.is(new Date(m!.start).toISOString(), '2026-03-16T22:30:00.000Z');
});

test("reads 'tmrw 2pm' in the author's own zone", () => {
  const [m] = findTimeMentions('tmrw 2pm works', AT, BERLIN);
  assert.is(new Date(m!.start).toISOString(), '2026-03-03T13:00:00.000Z');
});

test('resolves a weekday forward from the message time', () => {
  const [m] = findTimeMentions('let us sync Friday at 9:00', AT, 0);
  assert.is(new Date(m!.start).toISOString(), '2026-03-06T09:00:00.000Z');
});

test("reads a bare hour such as 'at 4' as the afternoon of the same day", () => {
  const [m] = findTimeMentions('quick chat at 4?', AT, BERLIN);
  assert.is(new Date(m!.start).toISOString(), '2026-03-02T15:00:00.000Z');
  assert.is(m!.certain, false);
});

test('honours zone abbreviations such as ET and IST over the author zone', () => {
  assert.is(new Date(findTimeMentions('tomorrow at 3pm ET', AT, BERLIN)[0]!.start).toISOString(), '2026-03-03T20:00:00.000Z');
  assert.is(new Date(findTimeMentions('Wednesday 3pm IST', AT, BERLIN)[0]!.start).toISOString(), '2026-03-04T09:30:00.000Z');
});

test("drops implausible dates such as 'Jan 2 be there' read as a year BC", () => {
  assert.equal(findTimeMentions('Jan 2 be there', AT, 0).filter((m) => m.start < AT - 8 * 86_400_000), []);
});

test("reads 'PT' on a date after the DST change as daylight time", () => {
  // Friday 6 March; US clocks change on Sunday 8 March 2026.
  const at = Date.parse('2026-03-06T09:00:00Z');
  assert.is(new Date(findTimeMentions('does 9:45 PT Monday work?', at, 0)[0]!.start).toISOString(), '2026-03-09T16:45:00.000Z');
  assert.is(new Date(findTimeMentions('Mon 9:45 PST', at, 0)[0]!.start).toISOString(), '2026-03-09T16:45:00.000Z');
});

test("understands chat spellings such as 'tomorow' and 'thurs'", () => {
  assert.is(new Date(findTimeMentions('can we meet tomorow 16:45 CET?', AT, BERLIN)[0]!.start).toISOString(), '2026-03-03T15:45:00.000Z');
  assert.is(new Date(findTimeMentions('thurs 9:00?', AT, 0)[0]!.start).toISOString(), '2026-03-05T09:00:00.000Z');
});

test('skips chrono on text without time-like tokens', () => {
  assert.is(hasTimeLikeToken('the build is green again'), false);
  assert.is(hasTimeLikeToken('after lunch?'), true);
  assert.equal(findTimeMentions('the build is green again', AT, 0), []);
});

test('computes the UTC offset of an IANA zone at a given instant, including DST', () => {
  assert.is(offsetMinutesAt('America/Los_Angeles', Date.parse('2026-01-15T12:00:00Z')), -480);
  assert.is(offsetMinutesAt('America/Los_Angeles', Date.parse('2026-07-15T12:00:00Z')), -420);
  assert.is(offsetMinutesAt('Asia/Kolkata', AT), 330);
  assert.is(offsetMinutesAt(null, AT), 0);
  assert.is(offsetMinutesAt('Not/AZone', AT), 0);
});

test.run();
