import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Envelope } from '../../../src/core/envelope.js';
import { Gate } from '../../../src/core/rx.js';
import { EMULATOR_SLACK_TOKEN, startEmulator } from '../../../src/emulate/server.js';
import type { BundleStore } from '../../../src/emulate/bundle-store.js';
import { LimitedCallGate } from '../../../src/runtime/limits/call-gate.js';
import { estimatePlan } from '../../../src/runtime/limits/plan.js';
import type { ChannelVolume } from '../../../src/runtime/limits/plan.js';
import { SlackWebConfig, slackWebSource } from '../../../src/sources/slack-web/slack-web.source.js';
import { context, readAll, smallBundle } from './live-support.js';
import { BundleStore as Store } from '../../../src/emulate/bundle-store.js';

/** The true volumes of the bundle, as `convene plan` would be told them. */
function volumesOf(store: BundleStore): ChannelVolume[] {
  return store.channels.map((c) => {
    const list = store.messages.get(c.id) ?? [];
    const top = list.filter((m) => m['thread_ts'] === undefined || m['thread_ts'] === m['ts'] || m['subtype'] === 'thread_broadcast');
    const threads = top.filter((m) => typeof m['reply_count'] === 'number' && (m['reply_count'] as number) > 0 && m['thread_ts'] === m['ts']);
    return { topLevel: top.length, threads: threads.map((t) => list.filter((m) => m['thread_ts'] === t['ts'] && m['ts'] !== t['ts']).length) };
  });
}

test("the plan's calls are the calls a run makes, and its time is a lower bound the emulator's tiers enforce", async () => {
  const store = await Store.load(smallBundle());
  const pageLimit = 20;
  const volumes = { slack: { users: store.users.length, channels: volumesOf(store), pageLimit } };
  // Scale time so that the slowest method needs about 1.5 s.
  const unscaled = estimatePlan(volumes, { profile: 'internal', tierScale: 1 });
  const tierScale = unscaled.minimumMs / 1500;
  const plan = estimatePlan(volumes, { profile: 'internal', tierScale });
  const emu = await startEmulator(store, { rateLimits: true, tierScale, profile: 'internal' });
  try {
    const gate = new LimitedCallGate({ limits: { profile: 'internal', tierScale } });
    const config = SlackWebConfig.parse({ token: EMULATOR_SLACK_TOKEN, apiUrl: emu.slackApiUrl, pageLimit, concurrency: 8 });
    const started = Date.now();
    await readAll(slackWebSource.create(config, context({ calls: gate })));
    const elapsed = Date.now() - started;
    const stats = gate.stats();
    for (const m of plan.methods) assert.is(stats[`slack:${m.method}`]?.calls, m.calls, `${m.method} calls`);
    assert.ok(elapsed >= plan.minimumMs * 0.95, `the run took ${elapsed} ms, the plan says at least ${Math.round(plan.minimumMs)} ms`);
    // The gate paces calls to the same tiers the emulator enforces, so 429s stay rare.
    const requests = Object.values(emu.stats.requests).reduce((a, b) => a + b, 0);
    assert.ok(emu.stats.rateLimited <= requests * 0.05, `${emu.stats.rateLimited} 429s in ${requests} requests`);
  } finally {
    await emu.close();
  }
});

test('a stalled sink stops the collector: pending records and fetched pages stay bounded', async () => {
  const emu = await startEmulator(smallBundle(), { rateLimits: false });
  try {
    const highWater = 40;
    const pageLimit = 10;
    const concurrency = 4;
    const gate = new Gate(highWater);
    const config = SlackWebConfig.parse({ token: EMULATOR_SLACK_TOKEN, apiUrl: emu.slackApiUrl, pageLimit, concurrency });
    const received: Envelope[] = [];
    let maxPending = 0;
    let acked = 0;
    let stalled = true;
    const done = new Promise<void>((resolve, reject) => {
      slackWebSource.create(config, context({ gate })).read().subscribe({
        next: (e) => {
          received.push(e);
          maxPending = Math.max(maxPending, gate.pending);
        },
        error: reject,
        complete: resolve,
      });
    });
    // The sink does not acknowledge: wait until the collector stops asking for more.
    let last = -1;
    const total = (): number => Object.values(emu.stats.requests).reduce((a, b) => a + b, 0);
    while (total() !== last) {
      last = total();
      await new Promise((r) => setTimeout(r, 150));
    }
    const pagesWhileStalled = total();
    assert.ok(received.length < highWater + pageLimit, `${received.length} records arrived while the sink was stalled`);
    // Each producer may hold one fetched page, and each may have one request in flight.
    // Each producer may hold one fetched page and have one request in flight; nothing more is read ahead.
    assert.ok(emu.requests('conversations.history') + emu.requests('conversations.replies') <= received.length + 2 * concurrency, `${pagesWhileStalled} requests while stalled`);

    // The slow sink now acknowledges 15 records at a time.
    stalled = false;
    const slowSink = setInterval(() => {
      if (stalled) return;
      const n = Math.min(15, received.length - acked);
      acked += n;
      gate.acked(n);
    }, 1);
    await done;
    clearInterval(slowSink);
    assert.ok(maxPending <= highWater - 1 + pageLimit, `pending peaked at ${maxPending}`);
    assert.ok(total() > 5 * pagesWhileStalled, `the whole run made ${total()} requests, the stalled part ${pagesWhileStalled}`);
    assert.ok(received.filter((e) => e.kind === 'message').length > 2000, 'every message arrived in the end');
  } finally {
    await emu.close();
  }
});

test.run();
