import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RECORDS_PER_SCALE, generateBundle, sizeFor } from '../../../src/generate/generate.js';
import type { GenerateSummary } from '../../../src/generate/generate.js';
import { laDate } from '../../../src/generate/time.js';
import { readCalendarIds, readJson, readSlack, tempDir } from './bundle-reader.js';
import type { SlackMessage, Truth } from './bundle-reader.js';

const dirs: string[] = [];
async function bundle(label: string, seed: number, scale: number, extra: { people?: number; days?: number } = {}): Promise<{ dir: string; summary: GenerateSummary }> {
  const dir = tempDir(label);
  dirs.push(dir);
  return { dir, summary: await generateBundle({ out: dir, seed, scale, ...extra }) };
}

const a = await bundle('a', 7, 0.02, { people: 40 });
const b = await bundle('b', 7, 0.02, { people: 40 });
const c = await bundle('c', 8, 0.02, { people: 40 });
const slackA = readSlack(a.dir);
const truthA = readJson<Truth>(join(a.dir, 'truth.json'));

function firstDayFile(dir: string): string {
  const general = join(dir, 'slack', 'general');
  return join(general, (readdirSync(general).sort()[0]) as string);
}

test('the same seed and options give byte-identical truth, day files and calendars', () => {
  assert.is(readFileSync(join(a.dir, 'truth.json'), 'utf8'), readFileSync(join(b.dir, 'truth.json'), 'utf8'));
  assert.is(readFileSync(firstDayFile(a.dir), 'utf8'), readFileSync(firstDayFile(b.dir), 'utf8'));
  const calA = readdirSync(join(a.dir, 'google', 'calendar')).sort();
  assert.equal(calA, readdirSync(join(b.dir, 'google', 'calendar')).sort());
  const one = calA[0] as string;
  assert.is(readFileSync(join(a.dir, 'google', 'calendar', one), 'utf8'), readFileSync(join(b.dir, 'google', 'calendar', one), 'utf8'));
  assert.equal(a.summary, { ...b.summary, out: a.dir });
});

test('another seed gives a different bundle', () => {
  assert.is.not(readFileSync(join(a.dir, 'truth.json'), 'utf8'), readFileSync(join(c.dir, 'truth.json'), 'utf8'));
  assert.is.not(readFileSync(join(a.dir, 'people.csv'), 'utf8'), readFileSync(join(c.dir, 'people.csv'), 'utf8'));
});

test('the bundle holds every part bundle.md lists', () => {
  for (const f of ['slack/users.json', 'slack/channels.json', 'slack/groups.json', 'slack/dms.json', 'slack/mpims.json', 'slack/integration_logs.json',
    'google/drive/files.json', 'google/directory/users.json', 'people.csv', 'truth.json']) {
    assert.ok(existsSync(join(a.dir, f)), `${f} exists`);
  }
  const calendars = readdirSync(join(a.dir, 'google', 'calendar'));
  assert.ok(calendars.some((f) => f.endsWith('.json')), 'some JSON calendars');
  assert.ok(calendars.some((f) => f.endsWith('.ics')), 'some iCalendar calendars');
  assert.is(readFileSync(join(a.dir, 'people.csv'), 'utf8').split('\n')[0], 'email,name,slack_user_id,department,title,manager_email,timezone');
  const dir = readJson<{ users: { id: string; primaryEmail: string; name: { fullName: string } }[] } | { users: { id: string; primaryEmail: string; name: { fullName: string } }[] }[]>(join(a.dir, 'google', 'directory', 'users.json'));
  const users = (Array.isArray(dir) ? dir : [dir]).flatMap((p) => p.users);
  assert.is(users.length, a.summary.people);
  assert.is(new Set(users.map((u) => u.id)).size, users.length, 'directory ids are unique');
  assert.ok(users.every((u) => u.primaryEmail.endsWith('@northwind.test') && u.name.fullName.length > 0));
});

test('users.json has people in several zones, bots, a deleted user, nicknames and users without email', () => {
  const users = readJson<Record<string, unknown>[]>(join(a.dir, 'slack', 'users.json'));
  const humans = users.filter((u) => u.is_bot === false && u.id !== 'USLACKBOT');
  assert.ok(new Set(humans.map((u) => u.tz)).size >= 3, 'three or more time zones');
  for (const u of humans) {
    assert.type(u.tz_offset, 'number');
    assert.type(u.tz_label, 'string');
    assert.match(String(u.id), /^U[A-Z0-9]+$/);
  }
  const names = users.filter((u) => u.is_bot === true).map((u) => u.real_name);
  assert.ok(names.includes('Google Calendar') && names.includes('Zoom'), 'calendar and zoom apps');
  assert.ok(users.some((u) => u.deleted === true), 'a deleted user');
  const profiles = humans.map((u) => u.profile as Record<string, unknown>);
  assert.ok(profiles.some((p) => !('email' in p)), 'someone without an email');
  assert.ok(profiles.some((p) => p.display_name !== '' && p.display_name !== p.real_name), 'someone with a nickname or initials');
});

test('channels, DMs and MPIMs have the export shapes and folder names', () => {
  const channels = readJson<Record<string, unknown>[]>(join(a.dir, 'slack', 'channels.json'));
  const names = channels.map((ch) => ch.name);
  for (const n of ['general', 'random', 'incidents', 'deploys']) assert.ok(names.includes(n), `#${n}`);
  for (const ch of channels) {
    assert.match(String(ch.id), /^C/);
    assert.ok(Array.isArray(ch.members));
    assert.type((ch.topic as Record<string, unknown>).value, 'string');
  }
  const dms = readJson<{ id: string; members: string[] }[]>(join(a.dir, 'slack', 'dms.json'));
  assert.ok(dms.length > 0);
  for (const dm of dms) { assert.match(dm.id, /^D/); assert.is(dm.members.length, 2); assert.ok(slackA.days.has(dm.id), `folder ${dm.id}`); }
  const mpims = readJson<{ name: string }[]>(join(a.dir, 'slack', 'mpims.json'));
  for (const m of mpims) { assert.match(m.name, /^mpdm-.+--.+-1$/); assert.ok(slackA.days.has(m.name)); }
});

test('every day file is an array sorted by ts, bucketed by Los Angeles date, ts unique per channel', () => {
  let total = 0;
  for (const [folder, byDate] of slackA.days) {
    const seen = new Set<string>();
    for (const [date, msgs] of byDate) {
      assert.ok(Array.isArray(msgs));
      for (let i = 0; i < msgs.length; i++) {
        const m = msgs[i] as SlackMessage;
        assert.match(m.ts, /^\d{10}\.\d{6}$/);
        assert.is(laDate(Number(m.ts.split('.')[0]) * 1000), date, `${folder}/${date} ${m.ts}`);
        if (i > 0) assert.ok((msgs[i - 1] as SlackMessage).ts < m.ts, `${folder}/${date} sorted`);
        assert.not.ok(seen.has(m.ts), `${folder} ts ${m.ts} unique`);
        seen.add(m.ts);
        total++;
      }
    }
  }
  assert.is(total, a.summary.messages);
});

test('threads carry reply summaries and the export has huddles, bots, files, edits and joins', () => {
  const all = [...slackA.days.values()].flatMap((d) => [...d.values()].flat());
  const byTs = new Map(all.map((m) => [m.ts, m]));
  const parents = all.filter((m) => typeof m.reply_count === 'number');
  assert.ok(parents.length > 0);
  for (const p of parents.slice(0, 200)) {
    const replies = p.replies as { user: string; ts: string }[];
    assert.is(replies.length, p.reply_count);
    assert.is(p.thread_ts, p.ts);
    for (const r of replies) assert.is(byTs.get(r.ts)?.thread_ts, p.ts);
  }
  const huddles = all.filter((m) => m.subtype === 'huddle_thread');
  assert.ok(huddles.length > 0, 'huddles');
  const room = huddles[0]?.room as Record<string, unknown>;
  assert.is(huddles[0]?.user, 'USLACKBOT');
  assert.is(room.call_family, 'huddle');
  assert.ok((room.participant_history as string[]).length >= 2);
  assert.ok(all.some((m) => m.subtype === 'bot_message' && Array.isArray(m.attachments)), 'integration posts with attachments');
  assert.ok(all.some((m) => (m.bot_profile as { name?: string } | undefined)?.name === 'Google Calendar' || (m.bot_profile as { name?: string } | undefined)?.name === 'Zoom'), 'app posts');
  assert.ok(all.some((m) => m.upload === true && Array.isArray(m.files)), 'file shares');
  assert.ok(all.some((m) => m.edited !== undefined), 'edits');
  assert.ok(all.some((m) => m.subtype === 'channel_join'), 'joins');
  const tombstone = all.find((m) => m.subtype === 'tombstone');
  assert.ok(tombstone, 'a deleted thread parent');
  assert.is(tombstone?.user, 'USLACKBOT');
  assert.ok((tombstone?.reply_count as number) > 0);
});

test('every truth message exists in the export and every meeting it names is defined', () => {
  const folderOf = new Map([...slackA.channelIds].map(([folder, id]) => [id, folder]));
  const meetings = new Set(truthA.meetings.map((m) => m.id));
  const kinds = new Set(['propose', 'confirm', 'decline', 'reschedule', 'cancel', 'link', 'huddle', 'agenda', 'reminder', 'followup']);
  assert.is(truthA.version, 1);
  assert.ok(truthA.messages.length > 0);
  const keys = new Set<string>();
  for (const tm of truthA.messages) {
    const folder = folderOf.get(tm.channel);
    assert.ok(folder, `channel ${tm.channel} known`);
    const found = [...(slackA.days.get(folder as string)?.values() ?? [])].some((list) => list.some((m) => m.ts === tm.ts));
    assert.ok(found, `${tm.channel} ${tm.ts} in the export`);
    assert.ok(meetings.has(tm.meeting), `meeting ${tm.meeting} defined`);
    assert.ok(kinds.has(tm.kind as string), `kind ${tm.kind}`);
    assert.not.ok(keys.has(`${tm.channel}:${tm.ts}`), 'listed once');
    keys.add(`${tm.channel}:${tm.ts}`);
  }
  assert.is(truthA.messages.length, a.summary.meetingMessages);
  const share = truthA.messages.length / a.summary.messages;
  assert.ok(share > 0.03 && share < 0.15, `meeting-related share ${share}`);
});

test('hard distractors (deploy times, thumbs-up under announcements) are never listed in truth', () => {
  const listed = new Set(truthA.messages.map((m) => `${m.channel}:${m.ts}`));
  const deploysId = slackA.channelIds.get('deploys') as string;
  const deploys = [...(slackA.days.get('deploys')?.values() ?? [])].flat();
  assert.ok(deploys.some((m) => /\b(at|by|until) \d|\d(am|pm)\b/i.test(String(m.text))), 'deploy messages mention times');
  for (const m of deploys) assert.not.ok(listed.has(`${deploysId}:${m.ts}`), `#deploys ${m.ts} not listed`);
  const all = [...slackA.days.entries()].flatMap(([folder, d]) => [...d.values()].flat().map((m) => ({ folder, m })));
  const thumbs = all.filter(({ folder, m }) => m.text === '👍' && !listed.has(`${slackA.channelIds.get(folder)}:${m.ts}`));
  assert.ok(thumbs.length > 0, 'unlisted thumbs-up replies exist');
  const listedThumbs = truthA.messages.filter((t) => t.kind === 'confirm');
  assert.ok(listedThumbs.length > 0, 'and listed confirmations too');
  for (const { folder, m } of all) {
    if (m.subtype === 'bot_message') assert.not.ok(listed.has(`${slackA.channelIds.get(folder)}:${m.ts}`), 'bot_message integrations are not meetings');
  }
});

test('calendar-backed truth meetings name event ids present in the calendar files', () => {
  const ids = readCalendarIds(a.dir);
  const backed = truthA.meetings.filter((m) => m.calendar_event_id !== null);
  assert.ok(backed.length > 0);
  for (const m of backed) {
    const id = m.calendar_event_id as string;
    assert.ok(ids.json.has(id) || ids.ics.has(id), `event ${id} in a calendar file`);
  }
  assert.ok(backed.some((m) => /_\d{8}T\d{6}Z$/.test(m.calendar_event_id as string)), 'some recurring instances');
  assert.is(ids.records, a.summary.calendarEvents);
});

test('Slack-only truth meetings give channel, start, end and participants', () => {
  const slackOnly = truthA.meetings.filter((m) => m.calendar_event_id === null);
  assert.ok(slackOnly.length > 0);
  assert.is(slackOnly.length, a.summary.slackOnlyMeetings);
  const channelIds = new Set(slackA.channelIds.values());
  for (const m of slackOnly) {
    assert.ok(channelIds.has(m.channel as string), `channel ${m.channel}`);
    assert.ok(Date.parse(m.start as string) < Date.parse(m.end as string), `${m.id} start before end`);
    assert.match(m.start as string, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    assert.ok((m.participants as string[]).length >= 2);
    for (const u of m.participants as string[]) assert.match(u, /^U/);
  }
});

test('recurring events have moved and cancelled instances with their own ids', () => {
  const dir = join(a.dir, 'google', 'calendar');
  const items: Record<string, unknown>[] = [];
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json'))) {
    const parsed = readJson<{ items: Record<string, unknown>[] } | { items: Record<string, unknown>[]; nextPageToken?: string }[]>(join(dir, f));
    for (const page of Array.isArray(parsed) ? parsed : [parsed]) items.push(...page.items);
  }
  const instances = items.filter((e) => typeof e.recurringEventId === 'string');
  assert.ok(instances.length > 0);
  for (const e of instances.slice(0, 100)) assert.ok(String(e.id).startsWith(`${e.recurringEventId}_`));
  assert.ok(instances.some((e) => e.status === 'cancelled'), 'a cancelled instance');
  assert.ok(instances.some((e) => (e.originalStartTime as { dateTime: string }).dateTime !== (e.start as { dateTime: string }).dateTime), 'a moved instance');
  assert.ok(items.some((e) => e.eventType === 'outOfOffice'), 'out of office');
  assert.ok(items.some((e) => typeof e.hangoutLink === 'string'), 'Meet links');
});

test('a small scale writes within 15% of the linear record target and counts what it wrote', async () => {
  const { dir, summary } = await bundle('count', 3, 0.05);
  const target = RECORDS_PER_SCALE * 0.05;
  assert.ok(Math.abs(summary.records - target) / target < 0.15, `${summary.records} vs ${target}`);
  const { people, days } = sizeFor({ scale: 0.05 });
  assert.is(summary.people, people);
  const slack = readSlack(dir);
  const messages = [...slack.days.values()].reduce((n, d) => n + [...d.values()].reduce((k, l) => k + l.length, 0), 0);
  const drive = readJson<{ files: unknown[] }[]>(join(dir, 'google', 'drive', 'files.json')).reduce((n, p) => n + p.files.length, 0);
  const csvRows = readFileSync(join(dir, 'people.csv'), 'utf8').trim().split('\n').length - 1;
  assert.is(messages + readCalendarIds(dir).records + drive + csvRows, summary.records);
  assert.ok(days >= 3);
});

test.after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

test.run();
