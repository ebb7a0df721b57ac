/** The hot path's shortcuts give what the long way gives: title words by window, zone offsets by day. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EventIndex } from '../../../src/operators/event-index.logic.js';
import { offsetMinutesAt } from '../../../src/operators/time-expressions.logic.js';
import { event } from './support.js';

test('withTitleWordBetween gives the events withTitleWord gives that start in [from, to), by start', () => {
  const index = new EventIndex();
  index.add(event('s3', '2026-03-03T09:30:00Z', { summary: 'Team standup' }));
  index.add(event('s1', '2026-03-01T09:30:00Z', { summary: 'Team standup' }));
  index.add(event('s2', '2026-03-02T09:30:00Z', { summary: 'Team standup' }));
  index.add(event('r', '2026-03-02T10:00:00Z', { summary: 'Sprint retro' }));
  const from = Date.parse('2026-03-01T09:30:00Z');
  const to = Date.parse('2026-03-03T09:30:00Z');
  assert.equal(index.withTitleWordBetween('standup', from, to).map((e) => e.id), ['s1', 's2']);
  assert.equal(index.withTitleWordBetween('retro', from, to).map((e) => e.id), ['r']);
  assert.equal(index.withTitleWordBetween('standup', to + 1, to + 2), []);
  // An event added after a lookup is seen by the next one.
  index.add(event('s0', '2026-03-01T12:00:00Z', { summary: 'Standup' }));
  assert.equal(index.withTitleWordBetween('standup', from, to).map((e) => e.id), ['s1', 's0', 's2']);
});

test('a zone offset is right on both sides of a DST switch, at any minute of the switching day', () => {
  // America/New_York springs forward on 8 March 2026 at 07:00 UTC (02:00 local).
  const at = (iso: string): number => offsetMinutesAt('America/New_York', Date.parse(iso));
  assert.is(at('2026-03-08T06:59:00Z'), -300);
  assert.is(at('2026-03-08T07:00:00Z'), -240);
  assert.is(at('2026-03-08T23:59:59Z'), -240);
  assert.is(at('2026-03-07T12:00:00Z'), -300);
  assert.is(at('2026-03-09T00:00:00Z'), -240);
  // Asked again (now from the per-day memo): the same answers.
  assert.is(at('2026-03-08T06:59:00Z'), -300);
  assert.is(at('2026-03-07T23:00:00Z'), -300);
  // A zone with a quarter-hour offset and no DST.
  assert.is(offsetMinutesAt('Asia/Kathmandu', Date.parse('2026-06-01T00:00:00Z')), 345);
  assert.is(offsetMinutesAt('Asia/Kathmandu', Date.parse('2026-06-01T18:30:00Z')), 345);
});

test.run();
