/**
 * The API answer cache against the emulator: Google answers with an ETag are revalidated
 * (If-None-Match, 304 Not Modified) and served from the cache; Slack answers are served within
 * their lifetime and asked again after it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { EMULATOR_GOOGLE_TOKEN, EMULATOR_SLACK_TOKEN } from '../../../src/emulate/server.js';
import { ApiCache } from '../../../src/runtime/cache/api-cache.js';
import { createGoogleClient } from '../../../src/sources/google-api/google-api.client.js';
import { createSlackClient } from '../../../src/sources/slack-web/slack-web.client.js';
import { withEmulator } from './live-support.js';

const MIN = 60_000;

test('the emulator answers 304 to an If-None-Match naming the current ETag, and 200 with a new one after a change', async () => {
  await withEmulator({ rateLimits: false }, async (emu) => {
    const id = [...emu.store.calendars.keys()][0]!;
    const url = `${emu.googleRootUrl}calendar/v3/calendars/${encodeURIComponent(id)}/events?maxResults=250`;
    const auth = { authorization: `Bearer ${EMULATOR_GOOGLE_TOKEN}` };
    const first = await fetch(url, { headers: auth });
    const etag = first.headers.get('etag');
    assert.ok(etag !== null && etag.startsWith('"'));
    assert.is(((await first.json()) as { etag: string }).etag, etag, 'the ETag is in the body too, as Google lists have it');
    const again = await fetch(url, { headers: { ...auth, 'if-none-match': etag! } });
    assert.is(again.status, 304);
    assert.is(await again.text(), '');
    emu.store.putEvent(id, { id: 'added-for-etag', status: 'confirmed', summary: 'new', start: { dateTime: '2026-01-05T10:00:00Z' }, end: { dateTime: '2026-01-05T10:30:00Z' } });
    const changed = await fetch(url, { headers: { ...auth, 'if-none-match': etag! } });
    assert.is(changed.status, 200);
    assert.is.not(changed.headers.get('etag'), etag);
  });
});

test('Calendar events.list and Directory users.list through the cache: a 304 is served from the cache, a change is read', async () => {
  await withEmulator({ rateLimits: false }, async (emu) => {
    const answers = new ApiCache({ maxAgeMs: 15 * MIN, activityFactor: 0.1, fresh: false, diskPath: null });
    const client = createGoogleClient({ auth: { token: EMULATOR_GOOGLE_TOKEN, rootUrl: emu.googleRootUrl, timeoutMs: 5000 }, answers });
    const id = [...emu.store.calendars.keys()][0]!;
    const full = await client.events({ calendarId: id, maxResults: 250 });
    const sync = { calendarId: id, maxResults: 250, syncToken: full.nextSyncToken! };
    const nothing = await client.events(sync);
    emu.resetStats();
    const cached = await client.events(sync);
    assert.equal(cached, nothing, 'the cached answer, nextSyncToken included');
    assert.is(emu.stats.notModified, 1);
    assert.is(emu.requests('calendar:events.list'), 1, 'a 304 is still a request: the validator is asked');
    emu.store.putEvent(id, { id: 'added-after-cache', status: 'confirmed', summary: 'new', start: { dateTime: '2026-01-05T10:00:00Z' }, end: { dateTime: '2026-01-05T10:30:00Z' } });
    const changed = await client.events(sync);
    assert.equal(changed.items.map((e) => e['id']), ['added-after-cache']);
    const users1 = await client.users({ customer: 'my_customer', maxResults: 500 });
    const users2 = await client.users({ customer: 'my_customer', maxResults: 500 });
    assert.equal(users2, users1);
    assert.ok(users1.items.length > 0);
    assert.is(emu.stats.notModified, 2);
    const s = answers.stats();
    assert.equal(s.byMethod['calendar:events.list'], { hits: 0, revalidated: 1, misses: 3 });
    assert.equal(s.byMethod['directory:users.list'], { hits: 0, revalidated: 1, misses: 1 });
    await answers.close();
  });
});

test('Slack history through the cache: served without a request within the lifetime, asked again after it', async () => {
  await withEmulator({ rateLimits: false }, async (emu) => {
    const clock = { now: Date.now() };
    const answers = new ApiCache({ maxAgeMs: 15 * MIN, activityFactor: 0.1, fresh: false, diskPath: null, clock: () => clock.now });
    const client = createSlackClient({ token: EMULATOR_SLACK_TOKEN, apiUrl: emu.slackApiUrl, timeoutMs: 5000, answers });
    const channel = emu.store.channels.find((c) => (emu.store.messages.get(c.id) ?? []).length > 0)!.id;
    const first = await client.history({ channel, limit: 200 });
    const newest = first.items[0]!['ts'] as string;
    emu.store.postMessage(channel, { type: 'message', user: 'U1', ts: `${Number(newest.split('.')[0]) + 1}.000100`, text: 'added upstream' });
    emu.resetStats();
    const within = await client.history({ channel, limit: 200 });
    assert.equal(within, first, 'within the lifetime: the cached answer, without the new message');
    assert.is(emu.requests('conversations.history'), 0);
    clock.now += 15 * MIN + 1;
    const after = await client.history({ channel, limit: 200 });
    assert.is(after.items[0]!['text'], 'added upstream');
    assert.is(emu.requests('conversations.history'), 1);
    await answers.close();
  });
});

test.run();
