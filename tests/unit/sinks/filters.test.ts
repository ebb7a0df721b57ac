import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { describeFilters, FilterError, filteredQuery, meetingListQuery, parseFilters, searchTerms } from '../../../src/sinks/search/filters.js';

function problems(input: Record<string, unknown>): string {
  try {
    parseFilters(input);
  } catch (err) {
    if (err instanceof FilterError) return err.message;
    throw err;
  }
  return '';
}

test('bad filter values are refused with the flag named', () => {
  assert.match(problems({ from: 'yesterday' }), /--from must be a date/);
  assert.match(problems({ from: '2026-02-30' }), /--from is not a real date/);
  assert.match(problems({ minCost: -1 }), /--min-cost/);
  assert.match(problems({ limit: 0 }), /--limit/);
  assert.match(problems({ offset: -3 }), /--offset/);
  assert.match(problems({ from: '2026-03-05', to: '2026-03-01' }), /--from is after --to/);
  assert.match(problems({ colour: 'red' }), /colour|Unrecognized/i);
});

test('a bare --to day reaches the end of that day', () => {
  const q = meetingListQuery(parseFilters({ to: '2026-03-02' }));
  assert.ok(q.params.includes('2026-03-02T23:59:59.999Z'), JSON.stringify(q.params));
});

test('kinds are checked against the table they filter', () => {
  assert.throws(() => filteredQuery('meetings', parseFilters({ kind: 'propose' })), /scheduled, huddle, adhoc/);
  assert.is(filteredQuery('signals', parseFilters({ kind: ' huddle ' })).params[0], 'huddle');
  assert.throws(() => filteredQuery('messages', parseFilters({ kind: 'adhoc' })), /signal|propose/);
  assert.throws(() => filteredQuery('people', parseFilters({ from: '2026-03-01' })), /--from does not apply to the people table/);
});

test('user values only ever travel as parameters', () => {
  const f = parseFilters({ search: "o'hara", person: "o'hara", channel: "o'hara", team: "o'hara" });
  for (const table of ['meetings', 'messages', 'signals', 'message_links', 'meeting_metrics'] as const) {
    const q = filteredQuery(table, f);
    assert.not.ok(q.sql.includes("o'hara"), table);
    assert.ok(q.params.some((p) => p === "o'hara"), table);
  }
});

test('search words are lower-cased, deduplicated and all required', () => {
  assert.equal(searchTerms('  Sync  TOMORROW sync '), ['sync', 'tomorrow']);
  const q = meetingListQuery(parseFilters({ search: 'a b' }));
  assert.is(q.params.filter((p) => p === 'a').length, 2);
  assert.is(q.params.filter((p) => p === 'b').length, 2);
});

test('filters are described in words for reports', () => {
  assert.is(describeFilters(parseFilters({})), 'none');
  assert.is(describeFilters(parseFilters({ kind: 'huddle', minCost: 5, offset: 10 })), '--kind "huddle" --min-cost 5 --offset 10');
});

test.run();
