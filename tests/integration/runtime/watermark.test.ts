/**
 * The watch watermark: after each tick it is the newest message time minus the allowed
 * lateness; meetings behind it are final (meeting_finality); a message pushed with a time
 * behind it is late, and the meetings it is linked to are derived again with it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../../src/config/load.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startEmulator } from '../../../src/emulate/server.js';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { signSlackRequest } from '../../../src/runtime/watch/slack-events.logic.js';
import { watch } from '../../../src/runtime/watch/watch.js';
import type { WatermarkReport } from '../../../src/runtime/watch/watermark.js';
import { convene } from '../../support/cli.js';
import { scratch } from '../../support/paths.js';

const SECRET = 'watermark-secret';
const DAY = 86_400_000;

async function rows(path: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const db = await Database.open(path, { readOnly: true });
  try {
    return await db.all(sql);
  } finally {
    db.close();
  }
}

test('a late pushed message is taken, counted as late, and its meeting derived again; final meetings are those behind the watermark', async () => {
  const dir = scratch('convene-watermark-');
  const bundle = join(dir, 'bundle');
  assert.is(convene(['generate', '--out', bundle, '--seed', '8', '--scale', '0.005']).status, 0);
  const emulator = await startEmulator(bundle, { tierScale: 1000 });
  const dbPath = join(dir, 'w.duckdb');
  const file = join(dir, 'convene.config.json');
  writeFileSync(file, JSON.stringify({ ...emulator.config(), db: dbPath, watch: { intervalSeconds: 2, port: 0, signingSecret: SECRET, allowedLatenessSeconds: 2 * 86_400 } }));
  const loaded = loadConfig({ file });

  const marks: WatermarkReport[] = [];
  let url = '';
  let pushed: Promise<number> = Promise.resolve(0);
  let late: { channel: string; ts: string; meeting: string; time: number } | null = null;
  try {
    await watch(loaded, {
      logger: silentLogger,
      ticks: 2,
      stop: new Promise(() => undefined),
      progress: (line) => {
        const m = /listening for Slack events at (\S+)/.exec(line);
        if (m) url = m[1]!;
      },
      onWatermark: (mark) => {
        marks.push(mark);
        if (marks.length > 1) return;
        // After the first tick: push a reply, timed well behind the watermark, into the thread of a message linked to a meeting.
        pushed = (async () => {
          const [linked] = await rows(
            dbPath,
            `SELECT l.channel_id, coalesce(m.thread_ts, m.ts) AS thread, m.text, l.meeting_id, epoch_ms(m.time) AS t, m.user_id FROM message_links l JOIN messages m USING (channel_id, ts)
              WHERE m.time < to_timestamp(${mark.watermark! / 1000}) - INTERVAL 3 DAY AND l.kind IN ('propose', 'confirm') AND m.user_id IS NOT NULL ORDER BY m.time DESC LIMIT 1`,
          );
          const time = Number(linked!['t']) + 60_000;
          const ts = `${Math.floor(time / 1000)}.000900`;
          late = { channel: String(linked!['channel_id']), ts, meeting: String(linked!['meeting_id']), time };
          const body = JSON.stringify({
            type: 'event_callback',
            event_id: 'EvLate',
            event: { type: 'message', channel: late.channel, user: String(linked!['user_id']), ts, thread_ts: String(linked!['thread']), text: String(linked!['text']) },
          });
          const stamp = String(Math.floor(Date.now() / 1000));
          const r = await fetch(`${url}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-slack-request-timestamp': stamp, 'x-slack-signature': signSlackRequest(SECRET, stamp, body) }, body });
          return r.status;
        })();
      },
    });
  } finally {
    await emulator.close();
  }
  assert.is(await pushed, 200);
  assert.is(marks.length, 2);
  const [first, second] = marks as [WatermarkReport, WatermarkReport];

  // The first watermark: the newest message minus two days; nothing is late on a first tick.
  const newest = Number((await rows(dbPath, 'SELECT epoch_ms(max(time)) AS t FROM messages'))[0]!['t']);
  assert.is(first.watermark, newest - 2 * DAY);
  assert.is(first.lateMessages, 0);
  assert.ok(first.finalMeetings > 0, 'no meeting is final');

  // The second tick took the late reply, counted it, and derived its meeting again.
  const l = late as unknown as { channel: string; ts: string; meeting: string; time: number };
  assert.ok(l.time < first.watermark!);
  assert.is(second.lateMessages, 1);
  assert.ok(second.watermark! >= first.watermark!, 'the watermark went back');
  const stored = await rows(dbPath, `SELECT l.meeting_id FROM messages m LEFT JOIN message_links l USING (channel_id, ts) WHERE m.channel_id = '${l.channel}' AND m.ts = '${l.ts}'`);
  assert.is(stored.length, 1, 'the late message was not stored');
  // Same text, same thread: linked to the meeting of the message it answers, which was derived again with it.
  assert.is(stored[0]!['meeting_id'], l.meeting);
  assert.equal(second.touchedMeetings, [l.meeting]);

  // meeting_finality agrees with the report, and a meeting is final exactly when the watermark has passed it.
  const finality = await rows(dbPath, 'SELECT count(*) FILTER (final) AS f, count(*) FILTER (NOT final AND settles_at <= watermark) AS wrong, max(epoch_ms(watermark)) AS w FROM meeting_finality');
  assert.is(Number(finality[0]!['f']), second.finalMeetings);
  assert.is(Number(finality[0]!['wrong']), 0);
  assert.is(Number(finality[0]!['w']), second.watermark);
  const recorded = await rows(dbPath, 'SELECT epoch_ms(watermark) AS w FROM runs ORDER BY started_at');
  assert.equal(recorded.map((r) => Number(r['w'])), [first.watermark, second.watermark]);
});

test.run();
