import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { filteredQuery, meetingListQuery, messageListQuery, parseFilters, type FilterTable, type FiltersInput } from '../../../src/sinks/search/filters.js';
import { fixtureDatabase } from './store-fixture.js';

let db: Database;

test.before(async () => {
  db = await Database.open(await fixtureDatabase(), { readOnly: true });
});
test.after(() => db.close());

async function meetingIds(input: FiltersInput): Promise<string[]> {
  const q = meetingListQuery(parseFilters(input));
  return (await db.all(q.sql, q.params)).map((r) => String(r['id']));
}

async function messageTexts(input: FiltersInput): Promise<string[]> {
  const q = messageListQuery(parseFilters(input));
  return (await db.all(q.sql, q.params)).map((r) => String(r['text']));
}

test('without filters every meeting is listed, oldest first', async () => {
  assert.equal(await meetingIds({}), ['ev1', 'slack:D1:h', 'slack:C1:a']);
});

test('a person is found by Slack id, email or name, across their identities', async () => {
  // Ann organizes ev1 (by email) and the ad hoc call (by Slack id), and is on the huddle.
  const all = ['ev1', 'slack:D1:h', 'slack:C1:a'];
  assert.equal(await meetingIds({ person: 'U1' }), all);
  assert.equal(await meetingIds({ person: 'ANN@acme.test' }), all);
  assert.equal(await meetingIds({ person: 'ann lee' }), all);
  // Bob is on ev1 and the huddle only.
  assert.equal(await meetingIds({ person: 'Bob Ng' }), ['ev1', 'slack:D1:h']);
  assert.equal(await meetingIds({ person: 'nobody@acme.test' }), []);
});

test('a team is the department of the meeting organizer', async () => {
  assert.equal(await meetingIds({ team: 'engineering' }), ['ev1', 'slack:C1:a']);
  assert.equal(await meetingIds({ team: 'Sales' }), ['slack:D1:h']);
});

test('channel by name or id, kind, time range and minimum cost narrow the meetings', async () => {
  // ev1 has no channel of its own but was coordinated in #general.
  assert.equal(await meetingIds({ channel: '#general' }), ['ev1', 'slack:C1:a']);
  assert.equal(await meetingIds({ channel: 'D1' }), ['slack:D1:h']);
  assert.equal(await meetingIds({ kind: 'huddle' }), ['slack:D1:h']);
  assert.equal(await meetingIds({ from: '2026-03-03', to: '2026-03-03' }), ['slack:D1:h']);
  assert.equal(await meetingIds({ to: '2026-03-02T10:00:00Z' }), ['ev1']);
  assert.equal(await meetingIds({ minCost: 12.5 }), ['ev1', 'slack:C1:a']);
  assert.equal(await meetingIds({ minCost: 10, team: 'engineering', kind: 'adhoc' }), ['slack:C1:a']);
});

test('free-text search matches meeting titles and the text of linked messages, every word', async () => {
  assert.equal(await meetingIds({ search: 'roadmap' }), ['ev1', 'slack:C1:a']);
  assert.equal(await meetingIds({ search: 'PRICING' }), ['slack:D1:h']);
  assert.equal(await meetingIds({ search: 'roadmap review' }), ['ev1']);
  assert.equal(await messageTexts({ search: 'me works' }), ['works for me']);
});

test('limit and offset page through the rows in a stable order', async () => {
  assert.equal(await meetingIds({ limit: 2 }), ['ev1', 'slack:D1:h']);
  assert.equal(await meetingIds({ limit: 2, offset: 2 }), ['slack:C1:a']);
  assert.equal(await meetingIds({ offset: 1 }), ['slack:D1:h', 'slack:C1:a']);
});

test('message filters: author, team, channel, signal kind and the cost of the linked meeting', async () => {
  assert.equal(await messageTexts({ person: 'bob@acme.test' }), ['works for me', 'huddle now about pricing', 'lunch anyone']);
  assert.equal((await messageTexts({ team: 'Engineering' })).length, 2);
  assert.equal(await messageTexts({ channel: 'D1' }), ['huddle now about pricing']);
  assert.equal(await messageTexts({ kind: 'confirm' }), ['works for me']);
  assert.equal(await messageTexts({ minCost: 20 }).then((t) => t.length), 1);
});

test('search text is bound as a parameter: quotes and SQL in it find nothing and harm nothing', async () => {
  const evil = "x'); DROP TABLE meetings; --";
  const q = meetingListQuery(parseFilters({ search: evil }));
  assert.not.ok(q.sql.includes('DROP'));
  assert.equal(await meetingIds({ search: evil }), []);
  assert.equal(await meetingIds({ search: '%' }), []);
  assert.is(Number((await db.all('SELECT count(*) AS n FROM meetings'))[0]!['n']), 3);
});

test('each table is filtered through its meeting or its message', async () => {
  const count = async (table: FilterTable, input: FiltersInput): Promise<number> => {
    const q = filteredQuery(table, parseFilters(input));
    return (await db.all(q.sql, q.params)).length;
  };
  assert.is(await count('meetings', { kind: 'scheduled' }), 1);
  assert.is(await count('meeting_metrics', { minCost: 10 }), 2);
  assert.is(await count('message_links', { channel: 'general' }), 3);
  assert.is(await count('signals', { kind: 'propose' }), 2);
  assert.is(await count('messages', {}), 5);
  assert.is(await count('people', { team: 'engineering' }), 1);
  assert.is(await count('people', { search: 'bob' }), 1);
});

test.run();
