import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { slackWebSource } from '../../../src/sources/slack-web/slack-web.source.js';
import { SlackWebConfig } from '../../../src/sources/slack-web/slack-web.source.js';
import { slackExportSource } from '../../../src/sources/slack-export/slack-export.source.js';
import { startEmulator, EMULATOR_SLACK_TOKEN } from '../../../src/emulate/server.js';
import type { Emulator } from '../../../src/emulate/server.js';
import { LimitedCallGate } from '../../../src/runtime/limits/call-gate.js';
import { ConveneError } from '../../../src/core/errors.js';
import { join } from 'node:path';
import { contentByKey, context, ofKind, readAll, smallBundle, withEmulator } from './live-support.js';


function source(emu: Emulator, extra: Record<string, unknown> = {}) {
  const config = SlackWebConfig.parse({ token: EMULATOR_SLACK_TOKEN, apiUrl: emu.slackApiUrl, pageLimit: 7, ...extra });
  return slackWebSource.create(config, context());
}

test('collecting through the emulator gives the same people, channels and messages as replaying the export', async () => {
  await withEmulator({}, async (emu) => {
    const live = await readAll(source(emu));
    const replay = await readAll(slackExportSource.create({ path: join(smallBundle(), 'slack') }, context()));
    for (const kind of ['person', 'channel', 'message']) {
      const a = contentByKey(live.envelopes, kind);
      const b = contentByKey(replay.envelopes, kind);
      assert.ok(b.size > 0, `the replay has ${kind} records`);
      assert.equal([...a.keys()].sort(), [...b.keys()].sort(), `${kind} keys`);
      for (const [key, payload] of b) assert.is(a.get(key), payload, `${kind} ${key}`);
    }
    assert.is(ofKind(live.envelopes, 'problem').length, 0);
    // pageLimit 7 forces many pages: pagination was exercised.
    assert.ok(emu.requests('conversations.history') > emu.store.channels.length);
  });
});

test('a second run from the cursor fetches one history page per channel and only the new message', async () => {
  await withEmulator({}, async (emu) => {
    const first = await readAll(source(emu));
    assert.ok(first.cursor !== undefined);
    const channel = emu.store.channels.find((c) => (emu.store.messages.get(c.id)?.length ?? 0) > 3)!;
    const last = emu.store.messages.get(channel.id)!.at(-1)!;
    const newTs = (Number(last['ts']) + 60).toFixed(6);
    emu.store.postMessage(channel.id, { type: 'message', user: 'U1', text: 'new one after the first run', ts: newTs });
    emu.resetStats();
    // No lookback: the second run reads only what is newer than each channel's cursor.
    const second = await readAll(source(emu, { threadLookbackDays: 0 }), first.cursor);
    const messages = ofKind(second.envelopes, 'message');
    assert.equal(messages.map((m) => m.key), [`${channel.id}:${newTs}`]);
    assert.is(emu.requests('conversations.replies'), 0, 'no unchanged thread was fetched again');
    assert.is(emu.requests('conversations.history'), emu.store.channels.length, 'one history page per channel');
  });
});

test('a run resumed from any mid-run checkpoint delivers everything not yet durable', async () => {
  await withEmulator({}, async (emu) => {
    const full = await readAll(source(emu, { concurrency: 3 }));
    const all = new Set(ofKind(full.envelopes, 'message').map((e) => e.key));
    const withCursor = full.envelopes.map((e, i) => [e, i] as const).filter(([e]) => e.cursor !== undefined);
    for (const fraction of [0.2, 0.5, 0.8]) {
      const [checkpoint, index] = withCursor[Math.floor(withCursor.length * fraction)]!;
      // What the runtime made durable: everything up to and including the checkpointed envelope.
      const durable = new Set(full.envelopes.slice(0, index + 1).filter((e) => e.kind === 'message').map((e) => e.key));
      const resumed = await readAll(source(emu, { concurrency: 3, threadLookbackDays: 0 }), JSON.parse(JSON.stringify(checkpoint.cursor)));
      const union = new Set([...durable, ...ofKind(resumed.envelopes, 'message').map((e) => e.key)]);
      assert.is(union.size, all.size, `resumed at ${fraction}: ${all.size - union.size} messages lost`);
      assert.ok(ofKind(resumed.envelopes, 'message').length < all.size, 'the resumed run did not start over');
    }
  });
});

test('a late reply to an older thread is collected, and only that thread is fetched', async () => {
  await withEmulator({}, async (emu) => {
    const first = await readAll(source(emu));
    let target: { channel: string; parentTs: string; latest: string } | undefined;
    for (const [channel, list] of emu.store.messages) {
      const parent = list.find((m) => typeof m['reply_count'] === 'number' && (m['reply_count'] as number) > 0 && m['thread_ts'] === m['ts']);
      if (parent) {
        target = { channel, parentTs: parent['ts'] as string, latest: parent['latest_reply'] as string };
        break;
      }
    }
    assert.ok(target, 'the bundle has a thread');
    const replyTs = (Number(target!.latest) + 5).toFixed(6);
    emu.store.postMessage(target!.channel, { type: 'message', user: 'U2', text: 'late reply', ts: replyTs, thread_ts: target!.parentTs });
    emu.resetStats();
    const second = await readAll(source(emu), first.cursor);
    const keys = ofKind(second.envelopes, 'message').map((m) => m.key).sort();
    assert.equal(keys, [`${target!.channel}:${target!.parentTs}`, `${target!.channel}:${replyTs}`].sort());
    assert.is(emu.requests('conversations.replies'), 1);
  });
});

test('a channel the app is not in is skipped with a problem, and joined when configured', async () => {
  await withEmulator({}, async (emu) => {
    const pub = emu.store.channels.find((c) => c.kind === 'public' && (emu.store.messages.get(c.id)?.length ?? 0) > 0)!;
    const emuNot = await startEmulator(emu.store, { rateLimits: false, notMemberOf: [pub.id] });
    try {
      const skipped = await readAll(source(emuNot));
      const problems = ofKind(skipped.envelopes, 'problem');
      assert.is(problems.length, 1);
      assert.is((problems[0]!.payload as { code: string }).code, 'SLACK_NOT_IN_CHANNEL');
      assert.not.ok(ofKind(skipped.envelopes, 'message').some((m) => m.key.startsWith(`${pub.id}:`)));
      const joined = await readAll(source(emuNot, { joinChannels: true }));
      assert.is(ofKind(joined.envelopes, 'problem').length, 0);
      assert.ok(ofKind(joined.envelopes, 'message').some((m) => m.key.startsWith(`${pub.id}:`)));
      assert.is(emuNot.requests('conversations.join'), 1);
    } finally {
      await emuNot.close();
    }
  });
});

test('an invalid or revoked token stops the source with SLACK_AUTH, a missing scope names the scope', async () => {
  await withEmulator({ revokedSlackTokens: ['xoxb-revoked'], slackScopes: ['users:read', 'channels:read', 'groups:read', 'im:read', 'mpim:read', 'channels:history', 'groups:history', 'mpim:history'] }, async (emu) => {
    for (const token of ['xoxb-wrong', 'xoxb-revoked']) {
      const err = await readAll(source(emu, { token })).then(() => null, (e: unknown) => e);
      assert.instance(err, ConveneError);
      assert.is((err as ConveneError).code, 'SLACK_AUTH');
      assert.not.match((err as ConveneError).describe(), token);
    }
    const err = await readAll(source(emu)).then(() => null, (e: unknown) => e);
    assert.is((err as ConveneError).code, 'SLACK_MISSING_SCOPE');
    assert.match((err as ConveneError).message, 'im:history');
  });
});

test('429s are waited out through the call gate and every message still arrives', async () => {
  // The emulator enforces the non-marketplace limit (1 a minute, 15 a page) while the gate paces
  // for Tier 3: the emulator must answer 429, and the gate must wait for Retry-After.
  await withEmulator({ rateLimits: true, tierScale: 3000, profile: 'non-marketplace' }, async (emu) => {
    const busiest = [...emu.store.messages.entries()].sort((a, b) => b[1].length - a[1].length).slice(0, 2).map(([id]) => id);
    const gate = new LimitedCallGate({ limits: { tierScale: 3000, profile: 'internal', maxAttempts: 30 } });
    const config = SlackWebConfig.parse({ token: EMULATOR_SLACK_TOKEN, apiUrl: emu.slackApiUrl, pageLimit: 15, concurrency: 2, channels: busiest });
    const live = await readAll(slackWebSource.create(config, context({ calls: gate })));
    const replay = await readAll(slackExportSource.create({ path: join(smallBundle(), 'slack') }, context()));
    const keys = (es: typeof live.envelopes) => [...new Set(ofKind(es, 'message').map((e) => e.key).filter((k) => busiest.includes(k.split(':')[0]!)))].sort();
    assert.ok(keys(replay.envelopes).length > 30);
    assert.equal(keys(live.envelopes), keys(replay.envelopes));
    assert.ok(emu.stats.rateLimited > 0, 'the emulator answered 429');
    const history = gate.stats()['slack:conversations.history']!;
    assert.ok(history.rateLimited > 0 && history.failures === 0, JSON.stringify(history));
  });
});

test('with 5xx, 429, timeout and malformed faults injected, the call gate still collects every message', async () => {
  await withEmulator({ faults: { '5xx': 0.08, '429': 0.08, timeout: 0.03, malformed: 0.05 }, seed: 11, tierScale: 1000, timeoutHoldMs: 5_000 }, async (emu) => {
    const gate = new LimitedCallGate({ limits: { tierScale: 1000, backoffMs: 1, maxAttempts: 15 } });
    const config = SlackWebConfig.parse({ token: EMULATOR_SLACK_TOKEN, apiUrl: emu.slackApiUrl, pageLimit: 50, concurrency: 8, timeoutMs: 250 });
    const live = await readAll(slackWebSource.create(config, context({ calls: gate })));
    const replay = await readAll(slackExportSource.create({ path: join(smallBundle(), 'slack') }, context()));
    const keys = (es: typeof live.envelopes) => [...new Set(ofKind(es, 'message').map((e) => e.key))].sort();
    assert.equal(keys(live.envelopes), keys(replay.envelopes));
    for (const kind of ['5xx', '429', 'timeout', 'malformed']) assert.ok((emu.stats.faults[kind] ?? 0) > 0, `${kind} faults were injected`);
  });
});

test.run();
