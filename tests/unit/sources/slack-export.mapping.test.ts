import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Message } from '../../../src/core/records.js';
import { extractMentions, extractTextLinks, mapSlackChannel, mapSlackMessage, mapSlackUser, stripToken } from '../../../src/sources/slack-export/slack-export.mapping.js';

function message(raw: unknown, channel = 'C1') {
  const mapped = mapSlackMessage(raw, channel);
  if (!mapped.ok) throw new Error(mapped.reason);
  Message.parse(mapped.value);
  return mapped.value;
}

test('maps a plain user message, keeping ts as a string and time in ms', () => {
  const m = message({ type: 'message', user: 'U1', text: 'can we meet <@U2> at 10?', ts: '1772636400.000200' });
  assert.is(m.ts, '1772636400.000200');
  assert.is(m.time, 1772636400000);
  assert.is(m.userId, 'U1');
  assert.is(m.subtype, null);
  assert.equal(m.mentions, ['U2']);
  assert.is(m.isThreadParent, false);
  assert.is(m.raw, JSON.stringify({ type: 'message', user: 'U1', text: 'can we meet <@U2> at 10?', ts: '1772636400.000200' }));
});

test('marks a thread parent by thread_ts and reply_count, and a reply by its thread_ts', () => {
  const parent = message({ type: 'message', user: 'U1', text: 'x', ts: '1.000100', thread_ts: '1.000100', reply_count: 2 });
  const reply = message({ type: 'message', user: 'U2', text: 'y', ts: '2.000100', thread_ts: '1.000100' });
  const legacyParent = message({ type: 'message', user: 'U1', text: 'z', ts: '3.000100', replies: [{ user: 'U2', ts: '4.000000' }] });
  assert.is(parent.isThreadParent, true);
  assert.is(parent.replyCount, 2);
  assert.is(reply.isThreadParent, false);
  assert.is(reply.threadTs, '1.000100');
  assert.is(legacyParent.isThreadParent, true);
});

test('reads a huddle with a string date_end, the starter from room.created_by and participant_history', () => {
  const m = message({
    type: 'message', subtype: 'huddle_thread', user: 'USLACKBOT', text: '', ts: '1720540000.000100',
    room: { id: 'R1', name: '', created_by: 'U9', date_start: 1720540000, date_end: '1720542756', participants: [], participant_history: ['U9', 'U3'], call_family: 'huddle' },
  });
  assert.is(m.userId, 'U9');
  assert.equal(m.huddle, { roomId: 'R1', name: '', createdBy: 'U9', dateStart: 1720540000000, dateEnd: 1720542756000, participants: ['U9', 'U3'] });
});

test('a running huddle has no end and falls back to current participants', () => {
  const m = message({ type: 'message', ts: '5.000000', user: 'USLACKBOT', room: { id: 'R2', created_by: 'U1', date_start: 5, date_end: 0, participants: ['U1', 'U2'], participant_history: [], call_family: 'huddle' } });
  assert.is(m.huddle?.dateEnd, null);
  assert.equal(m.huddle?.participants, ['U1', 'U2']);
  const old = message({ type: 'message', subtype: 'sh_room_created', ts: '6.000000', user: 'U5' });
  assert.ok(old.huddle !== null, 'sh_room_created counts as a huddle');
});

test('maps a legacy file_share with a singular file and strips the export token', () => {
  const m = message({
    type: 'message', subtype: 'file_share', user: 'U1', text: 'uploaded a file', ts: '1443000000.000002', upload: true,
    file: { id: 'F1', name: 'plan.pdf', title: 'Plan', mimetype: 'application/pdf', mode: 'hosted', url_private: 'https://files.slack.com/files-pri/T1-F1/plan.pdf?t=xoxe-REDACTED' },
  });
  assert.is(m.subtype, 'file_share');
  assert.equal(m.files, [{ id: 'F1', name: 'plan.pdf', title: 'Plan', mimetype: 'application/pdf', mode: 'hosted', externalType: null, url: 'https://files.slack.com/files-pri/T1-F1/plan.pdf' }]);
});

test('strips only the token parameter from a file URL', () => {
  assert.is(stripToken('https://a.test/f?t=xoxe-123&dl=1'), 'https://a.test/f?dl=1');
  assert.is(stripToken('https://a.test/f?dl=1&t=xoxp-9'), 'https://a.test/f?dl=1');
  assert.is(stripToken('https://a.test/f'), 'https://a.test/f');
});

test('reads bot attachments into extraText and links, with the bot name', () => {
  const m = message({
    type: 'message', subtype: 'bot_message', bot_id: 'B1', username: 'github', text: '', ts: '1458000000.000003',
    attachments: [{ pretext: 'New PR', title: '#12 Fix calendar', title_link: 'https://github.com/o/r/pull/12', text: 'Adds <@U4> as reviewer', fallback: 'PR #12', fields: [{ title: 'Status', value: 'open' }] }],
  });
  assert.is(m.botId, 'B1');
  assert.is(m.botName, 'github');
  assert.equal(m.extraText.split('\n'), ['New PR', '#12 Fix calendar', 'Adds <@U4> as reviewer', 'PR #12', 'Status: open']);
  assert.equal(m.links, ['https://github.com/o/r/pull/12']);
  assert.equal(m.mentions, ['U4']);
});

test('takes the bot name from bot_profile and block text not mirrored by text', () => {
  const m = message({
    type: 'message', bot_id: 'B2', bot_profile: { name: 'Google Calendar' }, user: 'U7', text: '', ts: '7.000000',
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'Standup starts in 10 minutes' }, accessory: { type: 'button', url: 'https://meet.google.com/abc-defg-hij' } }],
  });
  assert.is(m.botName, 'Google Calendar');
  assert.is(m.extraText, 'Standup starts in 10 minutes');
  assert.equal(m.links, ['https://meet.google.com/abc-defg-hij']);
});

test('does not repeat a rich_text block that mirrors text, but keeps its links', () => {
  const m = message({
    type: 'message', user: 'U1', text: 'notes <https://docs.test/a|here>', ts: '8.000000',
    blocks: [{ type: 'rich_text', elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'notes ' }, { type: 'link', url: 'https://docs.test/a', text: 'here' }] }] }],
  });
  assert.is(m.extraText, '');
  assert.equal(m.links, ['https://docs.test/a']);
});

test('extracts labelled, bare and bracketed links and both U and W mentions', () => {
  assert.equal(extractTextLinks('see <https://zoom.us/j/123|zoom> or https://meet.google.com/xyz-abcd-efg. <mailto:a@b.c|mail>'), ['https://zoom.us/j/123', 'https://meet.google.com/xyz-abcd-efg']);
  assert.equal(extractMentions('<@U1> <@W2|bob> <#C3|general> <!here> <@U1>'), ['U1', 'W2']);
});

test('keeps an unknown subtype and reports an object without ts', () => {
  assert.is(message({ type: 'message', subtype: 'brand_new_thing', ts: '9.000000', text: 'x' }).subtype, 'brand_new_thing');
  const bad = mapSlackMessage({ type: 'message', text: 'no ts' }, 'C1');
  assert.is(bad.ok, false);
  if (!bad.ok) assert.match(bad.reason, /no "ts"/);
  assert.is(mapSlackMessage(['not', 'an', 'object'], 'C1').ok, false);
});

test('maps a user with tz offset in minutes and a DM channel named by its id', () => {
  const u = mapSlackUser({ id: 'U1', name: 'ana', real_name: 'Ana Lima', tz: 'America/Sao_Paulo', tz_offset: -10800, profile: { email: 'ana@acme.test', display_name: 'ana.l' } });
  assert.ok(u.ok);
  if (u.ok) {
    assert.is(u.value.key, 'slack:U1');
    assert.is(u.value.tzOffsetMinutes, -180);
    assert.is(u.value.email, 'ana@acme.test');
    assert.is(u.value.displayName, 'ana.l');
    assert.is(u.value.name, 'Ana Lima');
  }
  const dm = mapSlackChannel({ id: 'D123', created: '1443000000', members: ['U1', 'U2'] }, 'im');
  assert.ok(dm.ok);
  if (dm.ok) {
    assert.is(dm.value.name, 'D123');
    assert.is(dm.value.created, 1443000000000);
  }
});

test.run();
