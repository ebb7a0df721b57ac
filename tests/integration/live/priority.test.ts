/** Live sources read their channels most recently active first, or those named in `first` before all. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Message } from '../../../src/core/records.js';
import { EMULATOR_SLACK_TOKEN, type Emulator } from '../../../src/emulate/server.js';
import { SlackWebConfig, slackWebSource } from '../../../src/sources/slack-web/slack-web.source.js';
import { context, ofKind, readAll, withEmulator } from './live-support.js';

function source(emu: Emulator, extra: Record<string, unknown> = {}) {
  const config = SlackWebConfig.parse({ token: EMULATOR_SLACK_TOKEN, apiUrl: emu.slackApiUrl, concurrency: 1, ...extra });
  return slackWebSource.create(config, context());
}

/** The channels in the order their messages came out. */
function channelOrder(envelopes: ReturnType<typeof ofKind>): string[] {
  const seen: string[] = [];
  for (const e of envelopes) {
    const id = (e.payload as Message).channelId;
    if (seen.at(-1) !== id) seen.push(id);
  }
  return seen;
}

test('channels named in `first` are read before all others', async () => {
  await withEmulator({}, async (emu) => {
    const withMessages = emu.store.channels.filter((c) => (emu.store.messages.get(c.id)?.length ?? 0) > 0);
    const last = withMessages.at(-1)!;
    // Named by id: `first` takes ids or names.
    const run = await readAll(source(emu, { first: [last.id] }));
    assert.is(channelOrder(ofKind(run.envelopes, 'message'))[0], last.id);
  });
});

test('the next run reads the most recently active channel first, listed order otherwise', async () => {
  await withEmulator({}, async (emu) => {
    const first = await readAll(source(emu));
    const latest = new Map<string, number>();
    for (const e of ofKind(first.envelopes, 'message')) {
      const m = e.payload as Message;
      if (m.threadTs === null || m.threadTs === m.ts) latest.set(m.channelId, Math.max(latest.get(m.channelId) ?? 0, Number(m.ts)));
    }
    const listed = emu.store.channels.map((c) => c.id).filter((id) => latest.has(id));
    // A pair whose two orders differ: `early` is listed before `late` but was less recently active.
    const pairs = listed.flatMap((a, i) => listed.slice(i + 1).map((b) => [a, b] as const)).filter(([a, b]) => latest.get(a)! < latest.get(b)!);
    assert.ok(pairs.length > 0);
    const [early, late] = pairs[0]!;
    const after = Math.max(...latest.values()) + 60;
    emu.store.postMessage(early, { type: 'message', user: 'U1', text: 'in the quiet channel', ts: after.toFixed(6) });
    emu.store.postMessage(late, { type: 'message', user: 'U1', text: 'in the busy channel', ts: (after + 1).toFixed(6) });

    const recent = channelOrder(ofKind((await readAll(source(emu, { threadLookbackDays: 0 }), first.cursor)).envelopes, 'message'));
    assert.equal(recent, [late, early]);
    const asListed = channelOrder(ofKind((await readAll(source(emu, { threadLookbackDays: 0, priority: 'listed' }), first.cursor)).envelopes, 'message'));
    assert.equal(asListed, [early, late]);
  });
});

test.run();
