import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConveneError } from '../../../src/core/errors.js';
import { EMULATOR_GOOGLE_TOKEN } from '../../../src/emulate/server.js';
import type { Emulator } from '../../../src/emulate/server.js';
import { LimitedCallGate } from '../../../src/runtime/limits/call-gate.js';
import { calendarFilesSource } from '../../../src/sources/calendar-files/calendar-files.source.js';
import { directoryFilesSource } from '../../../src/sources/directory-files/directory-files.source.js';
import { driveFilesSource } from '../../../src/sources/drive-files/drive-files.source.js';
import { GoogleCalendarConfig, googleCalendarSource } from '../../../src/sources/google-api/google-calendar.source.js';
import { GoogleDirectoryConfig, googleDirectorySource } from '../../../src/sources/google-api/google-directory.source.js';
import { GoogleDriveConfig, googleDriveSource } from '../../../src/sources/google-api/google-drive.source.js';
import { contentByKey, context, ofKind, readAll, smallBundle, withEmulator } from './live-support.js';


function calendars(emu: Emulator, extra: Record<string, unknown> = {}, calls?: LimitedCallGate) {
  const config = GoogleCalendarConfig.parse({ token: EMULATOR_GOOGLE_TOKEN, rootUrl: emu.googleRootUrl, maxResults: 25, ...extra });
  return googleCalendarSource.create(config, context(calls ? { calls } : {}));
}

test('calendars, Drive files and directory users collected through the emulator equal the replayed files', async () => {
  await withEmulator({}, async (emu) => {
    const auth = { token: EMULATOR_GOOGLE_TOKEN, rootUrl: emu.googleRootUrl };
    const bundle = smallBundle();
    const pairs = [
      { kind: 'calendar_event', live: calendars(emu), replay: calendarFilesSource.create({ paths: [join(bundle, 'google/calendar')] }, context()) },
      { kind: 'drive_file', live: googleDriveSource.create(GoogleDriveConfig.parse({ ...auth, pageSize: 10 }), context()), replay: driveFilesSource.create({ paths: [join(bundle, 'google/drive')] }, context()) },
      { kind: 'person', live: googleDirectorySource.create(GoogleDirectoryConfig.parse({ ...auth, maxResults: 4 }), context()), replay: directoryFilesSource.create({ paths: [join(bundle, 'google/directory')] }, context()) },
    ];
    for (const { kind, live, replay } of pairs) {
      const a = contentByKey((await readAll(live)).envelopes, kind);
      let b = contentByKey((await readAll(replay)).envelopes, kind);
      if (kind === 'calendar_event') {
        // ICS calendars have no API form in the emulator; compare the API-JSON calendars.
        b = new Map([...b].filter(([, v]) => JSON.parse(v).format === 'api-json'));
      }
      assert.ok(b.size > 0, `${kind}: the replay has records`);
      assert.equal([...a.keys()].sort(), [...b.keys()].sort(), `${kind} keys`);
      for (const [key, payload] of b) assert.is(a.get(key), payload, `${kind} ${key}`);
    }
    assert.ok(emu.requests('calendar:events.list') > emu.store.calendars.size, 'calendars were read in several pages');
  });
});

test('calendars not listed in the config are taken from the directory', async () => {
  await withEmulator({}, async (emu) => {
    const live = await readAll(calendars(emu));
    const read = new Set(ofKind(live.envelopes, 'calendar_event').map((e) => (e.payload as { calendarId: string }).calendarId));
    assert.equal([...read].sort(), [...emu.store.calendars.keys()].sort());
    assert.ok(emu.requests('directory:users.list') >= 1);
    // Directory users without an API calendar (the ICS one) are reported, not fatal.
    assert.ok(ofKind(live.envelopes, 'problem').every((p) => (p.payload as { code: string }).code === 'GOOGLE_NOT_FOUND'));
  });
});

test('an incremental read lists only changed events, and a 410 re-reads that calendar only', async () => {
  await withEmulator({}, async (emu) => {
    const ids = [...emu.store.calendars.keys()].sort();
    const first = await readAll(calendars(emu, { calendars: ids }));
    const [moved, stale] = ids as [string, string];
    const event = [...emu.store.calendars.get(moved)!.events.values()][0]!.value;
    emu.store.putEvent(moved, { ...event, summary: 'Moved by the test' });
    emu.store.expireSyncTokens(stale);
    emu.resetStats();
    const second = await readAll(calendars(emu, { calendars: ids }), first.cursor);
    const events = ofKind(second.envelopes, 'calendar_event');
    const fromMoved = events.filter((e) => (e.payload as { calendarId: string }).calendarId === moved);
    assert.equal(fromMoved.map((e) => (e.payload as { summary: string }).summary), ['Moved by the test']);
    const fromStale = events.filter((e) => (e.payload as { calendarId: string }).calendarId === stale);
    assert.is(fromStale.length, emu.store.calendars.get(stale)!.events.size, 'the stale calendar was read in full');
    assert.is(events.length, 1 + fromStale.length, 'every other calendar returned nothing new');
    // The third run is quiet everywhere: the resync stored a fresh token.
    const third = await readAll(calendars(emu, { calendars: ids }), second.cursor ?? first.cursor);
    assert.is(ofKind(third.envelopes, 'calendar_event').length, 0);
  });
});

test('a calendar read resumed from a mid-run checkpoint (page token) delivers the rest', async () => {
  await withEmulator({}, async (emu) => {
    const ids = [...emu.store.calendars.keys()].sort();
    const full = await readAll(calendars(emu, { calendars: ids, concurrency: 2, maxResults: 10 }));
    const all = new Set(ofKind(full.envelopes, 'calendar_event').map((e) => e.key));
    const marked = full.envelopes.map((e, i) => [e, i] as const).filter(([e]) => e.cursor !== undefined);
    const [checkpoint, index] = marked[Math.floor(marked.length / 2)]!;
    const durable = full.envelopes.slice(0, index + 1).map((e) => e.key);
    const resumed = await readAll(calendars(emu, { calendars: ids, concurrency: 2, maxResults: 10 }), JSON.parse(JSON.stringify(checkpoint.cursor)));
    const rest = ofKind(resumed.envelopes, 'calendar_event').map((e) => e.key);
    assert.is(new Set([...durable, ...rest]).size, all.size);
    assert.ok(rest.length < all.size / 2 + 30, `resumed read ${rest.length} of ${all.size}`);
  });
});

test('Drive changes after the first read are the only files of the second', async () => {
  await withEmulator({}, async (emu) => {
    const auth = GoogleDriveConfig.parse({ token: EMULATOR_GOOGLE_TOKEN, rootUrl: emu.googleRootUrl, pageSize: 10 });
    const first = await readAll(googleDriveSource.create(auth, context()));
    assert.ok(first.cursor !== undefined);
    const file = [...emu.store.driveFiles.values()][0]!.value;
    emu.store.putDriveFile({ ...file, name: 'Renamed by the test', modifiedTime: '2026-03-20T10:00:00.000Z' });
    const second = await readAll(googleDriveSource.create(auth, context()), first.cursor);
    assert.equal(ofKind(second.envelopes, 'drive_file').map((e) => (e.payload as { name: string }).name), ['Renamed by the test']);
  });
});

test('a wrong token is GOOGLE_AUTH; 429s and 5xx faults are retried by the call gate', async () => {
  await withEmulator({}, async (emu) => {
    const err = await readAll(calendars(emu, { token: 'ya29.wrong', calendars: ['x@y.test'] })).then(() => null, (e: unknown) => e);
    assert.instance(err, ConveneError);
    assert.is((err as ConveneError).code, 'GOOGLE_AUTH');
  });
  await withEmulator({ faults: { '429': 0.15, '5xx': 0.1, malformed: 0.1 }, seed: 7, tierScale: 1000 }, async (emu) => {
    const gate = new LimitedCallGate({ limits: { tierScale: 1000, backoffMs: 1, maxAttempts: 12 } });
    const ids = [...emu.store.calendars.keys()].sort();
    const live = await readAll(calendars(emu, { calendars: ids, maxResults: 10 }, gate));
    const expected = [...emu.store.calendars.values()].reduce((n, c) => n + c.events.size, 0);
    assert.is(new Set(ofKind(live.envelopes, 'calendar_event').map((e) => e.key)).size, expected);
    const stats = gate.stats()['calendar:events.list']!;
    assert.ok(stats.rateLimited > 0, 'some 429s were waited out');
    assert.ok(stats.attempts > stats.calls, 'faults cost extra attempts');
    assert.ok((emu.stats.faults['5xx'] ?? 0) > 0 && (emu.stats.faults['malformed'] ?? 0) > 0);
  });
});

test.run();
