/** A1: the integration pipeline, from one command. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queryJson, replayedOrganization } from '../support/bundle.js';

test('A1.1 one command runs collection → intelligence → results', () => {
  const { db } = replayedOrganization();
  const [r] = queryJson(db, `SELECT (SELECT count(*) FROM messages) AS messages, (SELECT count(*) FROM signals) AS signals,
                                    (SELECT count(*) FROM message_links) AS links, (SELECT count(*) FROM meetings) AS meetings`);
  assert.ok(Number(r!['messages']) > 1000);
  assert.ok(Number(r!['signals']) > 0 && Number(r!['signals']) < Number(r!['messages']));
  assert.ok(Number(r!['links']) > 0);
  assert.ok(Number(r!['meetings']) > 0);
});

test('A1.3 progress is reported stage by stage', () => {
  const { replayOutput } = replayedOrganization();
  for (const stage of ['people', 'directory', 'calendars', 'drive', 'slack']) assert.match(replayOutput, new RegExp(`^${stage}\\s+read \\d+`, 'm'));
  assert.match(replayOutput, /read \d+ records, stored \d+, skipped \d+/);
});

test('A1.4 components run sequentially in dependency order', () => {
  const { replayOutput } = replayedOrganization();
  const order = ['people', 'directory', 'calendars', 'drive', 'slack'].map((s) => replayOutput.search(new RegExp(`^${s}\\s+read`, 'm')));
  assert.equal([...order].sort((a, b) => a - b), order);
});

test('A1.6 meetings come out with coordination metrics', () => {
  const { db } = replayedOrganization();
  const rows = queryJson(db, `SELECT m.id, x.scheduling_messages, x.coordinators, x.coordination_cost_minutes, x.lead_time_ms
                               FROM meetings m JOIN meeting_metrics x ON x.meeting_id = m.id WHERE x.scheduling_messages > 0`);
  assert.ok(rows.length > 0);
  for (const r of rows) {
    assert.ok(Number(r['coordinators']) >= 1);
    assert.ok(Number(r['coordination_cost_minutes']) > 0, `meeting ${String(r['id'])} has no cost`);
  }
});

test.run();
