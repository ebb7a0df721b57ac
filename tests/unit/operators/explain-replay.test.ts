/**
 * `convene explain` links a message again with the context the replay had. It builds that
 * context through the intelligence's own `linkingInput`, so for messages the replay linked at
 * the message itself, explain chooses the stored event. The cases are those whose link depends
 * on the context's newer parts: a DM's own next meeting standing in for a time (standalone), an
 * answer in the channel (contextIsChannel), "this afternoon" read in the author's day
 * (tzOffsetMinutes), and a proposal whose answerers chose between events at its time
 * (participantEmails).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { explainMessage } from '../../../src/cli/commands/explain.js';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { convene } from '../../support/cli.js';
import { scratch } from '../../support/paths.js';

// Seed 5 at scale 0.05 holds every case below (three answerer-decided proposals among them).
const dir = scratch('convene-explain-');
const bundle = join(dir, 'bundle');
const dbFile = join(dir, 'org.duckdb');
let db: Database;

test.before(async () => {
  const g = convene(['generate', '--out', bundle, '--seed', '5', '--scale', '0.05']);
  if (g.status !== 0) throw new Error(`generate failed: ${g.stderr}`);
  const r = convene(['replay', bundle, '--db', dbFile]);
  if (r.status !== 0) throw new Error(`replay failed: ${r.stderr}${r.stdout}`);
  db = await Database.open(dbFile, { readOnly: true });
});

test.after(() => {
  db?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function storedLinks(sql: string): Promise<Array<{ channel: string; ts: string; meeting: string }>> {
  return (await db.all(sql)).map((r) => ({ channel: String(r['channel_id']), ts: String(r['ts']), meeting: String(r['meeting_id']) }));
}

async function mismatches(links: Array<{ channel: string; ts: string; meeting: string }>): Promise<string[]> {
  const out: string[] = [];
  for (const l of links) {
    const x = await explainMessage(db, l.channel, l.ts);
    if (x.chosen?.eventId !== l.meeting) out.push(`${l.channel} ${l.ts}: stored ${l.meeting}, explain chose ${x.chosen?.eventId ?? 'none'}`);
  }
  return out;
}

test('explain chooses the stored event where a DM\'s own next meeting stood in for the time', async () => {
  const links = await storedLinks(`SELECT channel_id, ts, meeting_id FROM message_links
    WHERE evidence::VARCHAR LIKE '%of-members%' ORDER BY channel_id, ts LIMIT 12`);
  assert.ok(links.length >= 5, `only ${links.length} such links`);
  assert.equal(await mismatches(links), []);
});

test('explain chooses the stored event for an answer in the channel, read with the exchange it answers', async () => {
  const links = await storedLinks(`SELECT l.channel_id, l.ts, l.meeting_id FROM message_links l JOIN signals s USING (channel_id, ts)
    WHERE s.evidence::VARCHAR LIKE '%"channel:%' AND l.meeting_id NOT LIKE 'slack:%' AND l.evidence::VARCHAR NOT LIKE '%thread:later%'
    ORDER BY l.channel_id, l.ts LIMIT 12`);
  assert.ok(links.length >= 5, `only ${links.length} such links`);
  assert.equal(await mismatches(links), []);
});

test('explain reads a part of the day ("this afternoon") in the author\'s zone, as the replay did', async () => {
  const links = await storedLinks(`SELECT l.channel_id, l.ts, l.meeting_id FROM message_links l JOIN signals s USING (channel_id, ts)
    WHERE l.method IN ('time', 'context')
      AND s.times::VARCHAR SIMILAR TO '.*"text":"[^"0-9]*(afternoon|lunch|morning)[^"0-9]*","start":[0-9]+,"end":null,"certain":false.*'`);
  assert.ok(links.length >= 1, 'no link decided by a part of the day');
  assert.equal(await mismatches(links), []);
});

test('explain lets the people who answered a proposal choose between the events at its time', async () => {
  const links = await storedLinks(`SELECT l.channel_id, l.ts, l.meeting_id FROM message_links l JOIN signals s USING (channel_id, ts)
    WHERE l.evidence::VARCHAR LIKE '%repliers:attendees%' AND (s.thread_ts IS NULL OR s.thread_ts = s.ts) ORDER BY l.channel_id, l.ts`);
  assert.ok(links.length >= 1, 'no proposal moved by its answerers');
  assert.equal(await mismatches(links), []);
});

test('explain chooses the stored event for messages linked by their own time, link or title', async () => {
  const links = await storedLinks(`SELECT channel_id, ts, meeting_id FROM message_links
    WHERE method IN ('time', 'link', 'title') AND evidence::VARCHAR NOT LIKE '%moved-from%' ORDER BY channel_id, ts LIMIT 20`);
  assert.is(links.length, 20);
  assert.equal(await mismatches(links), []);
});

test.run();
