/**
 * Linking rules added from the misses of `convene eval` (docs/accuracy.md, "What changed"). Each
 * case failed before its rule: the message was unlinked or linked to another event.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { CalendarEvent, Channel, MessageLink, Signal } from '../../../src/core/records.js';
import { linkToEvent, scoreCandidates } from '../../../src/operators/correlate.logic.js';
import { EventIndex } from '../../../src/operators/event-index.logic.js';
import { IdentityIndex } from '../../../src/operators/identity.logic.js';
import { MeetingIntelligence } from '../../../src/operators/meeting-intelligence.logic.js';
import { detectSignal } from '../../../src/operators/meeting-signals.logic.js';
import { attendee, event, message, person, tsAt } from './support.js';

const LA = 'America/Los_Angeles';
const PEOPLE = [
  person('slack', 'U1', { email: 'ana@acme.test', name: 'Ana Lopez', timezone: LA }),
  person('slack', 'U2', { email: 'bo@acme.test', name: 'Bo Chen', timezone: LA }),
];
const both = [attendee('ana@acme.test'), attendee('bo@acme.test')];
const group = [...both, attendee('cy@acme.test'), attendee('di@acme.test'), attendee('ed@acme.test'), attendee('fe@acme.test')];
const trio = ['ana@acme.test', 'bo@acme.test', 'cy@acme.test'];
const dm: Channel = { id: 'D1', name: 'D1', kind: 'im', created: null, creator: null, members: ['U1', 'U2'], topic: null, purpose: null, isArchived: false };

function intelligence(events: CalendarEvent[]): MeetingIntelligence {
  const identities = new IdentityIndex();
  for (const p of PEOPLE) identities.add(p);
  const index = new EventIndex();
  for (const e of events) index.add(e);
  const mi = new MeetingIntelligence({ events: index, identities, timezoneOf: () => ({ tz: LA, offsetMinutes: null }) });
  mi.addChannel(dm);
  return mi;
}
const links = (out: ReturnType<MeetingIntelligence['processMessage']>): MessageLink[] => out.filter((e) => e.kind === 'message_link').map((e) => e.payload as MessageLink);
const inDm = (text: string, at: string, userId = 'U1') => message(text, { channelId: 'D1', ts: tsAt(at), userId });
const indexOf = (events: CalendarEvent[]): EventIndex => {
  const index = new EventIndex();
  for (const e of events) index.add(e);
  return index;
};
const signalOf = (text: string, at: string): Signal => detectSignal({ message: message(text, { at }), tzOffsetMinutes: -420, tz: LA })!;

test("an agenda in a DM without a time goes to the members' own next meeting, not a bigger one they share", () => {
  const shared = event('group', '2026-03-11T17:00:00Z', { summary: 'Hiring sync', attendees: group });
  const own = event('pair', '2026-03-12T17:00:00Z', { summary: 'Catch up', attendees: both });
  const mi = intelligence([shared, own]);
  const out = links(mi.processMessage(inDm('catch up topics so far: hiring, the budget', '2026-03-10T18:00:00Z')));
  assert.equal(out.map((l) => [l.meetingId, l.kind]), [['pair', 'agenda']]);
  assert.ok(out[0]!.evidence.includes('time:next-of-members'));
});

test("a DM's own meeting stands in for the time only on the day the message names, read in the author's day", () => {
  // Tuesday 6:30pm in Los Angeles is under 18 hours before Wednesday noon, yet another day for the author.
  const tuesdayEvening = event('tue', '2026-03-11T01:30:00Z', { summary: 'Ana / Bo', attendees: both });
  const wednesday = event('wed', '2026-03-11T17:00:00Z', { summary: 'Catch up', attendees: both });
  const mi = intelligence([tuesdayEvening, wednesday]);
  const out = links(mi.processMessage(inDm('added okrs to the doc for wed', '2026-03-09T17:00:00Z')));
  assert.equal(out.map((l) => [l.meetingId, l.kind]), [['wed', 'agenda']]);
});

test('"the catch up" names the meeting titled "Catch up", not the pair\'s other meeting that ended later', () => {
  const catchUp = event('catchup', '2026-03-10T16:00:00Z', { summary: 'Catch up', attendees: both });
  const pair = event('pair', '2026-03-10T18:00:00Z', { summary: 'Ana <> Bo', attendees: both });
  const mi = intelligence([catchUp, pair]);
  const out = links(mi.processMessage(inDm('outcome of the catch up: we are going with option B', '2026-03-10T19:00:00Z')));
  assert.equal(out.map((l) => [l.meetingId, l.kind]), [['catchup', 'followup']]);
});

test('"moving 1:1 from 4:30 PM to 6:00 PM" finds the meeting the calendar already shows at the new time', () => {
  const moved = event('moved', '2026-03-12T01:00:00Z', { summary: 'Ana / Bo 1:1', attendees: both });
  const other = event('other', '2026-03-13T17:00:00Z', { summary: 'Ana / Bo 1:1', attendees: both });
  const mi = intelligence([moved, other]);
  const out = links(mi.processMessage(inDm('moving 1:1 from 4:30 PM to 6:00 PM', '2026-03-09T17:00:00Z')));
  assert.equal(out.map((l) => l.meetingId), ['moved']);
});

test("a bare decline in a DM is about the members' meeting starting within hours, and nothing without one", () => {
  const own = event('pair', '2026-03-10T20:00:00Z', { summary: 'Ana / Bo', attendees: both });
  const soon = intelligence([own]);
  assert.equal(links(soon.processMessage(inDm("I'll have to skip this one", '2026-03-10T18:00:00Z', 'U2'))).map((l) => [l.meetingId, l.kind]), [['pair', 'decline']]);
  const later = intelligence([own]);
  assert.equal(later.processMessage(inDm("I'll have to skip this one", '2026-03-10T09:00:00Z', 'U2')), []);
});

test('a later answer that names the meeting settles an exchange outside threads', () => {
  const booked = event('booked', '2026-03-10T18:00:00Z', { summary: 'Ana / Bo', attendees: both });
  const mi = intelligence([booked]);
  const ask = inDm('10:00am on Wednesday work?', '2026-03-10T15:00:00Z');
  assert.equal(links(mi.processMessage(ask)), []);
  assert.equal(links(mi.processMessage(inDm('accepted', '2026-03-10T15:10:00Z', 'U2'))), []);
  const named = links(mi.processMessage(inDm('new time for chat: 11:00am today', '2026-03-10T15:30:00Z')));
  assert.equal(named.map((l) => [l.ts, l.meetingId]).sort(), [[ask.ts, 'booked'], [tsAt('2026-03-10T15:10:00Z'), 'booked'], [tsAt('2026-03-10T15:30:00Z'), 'booked']].sort());
});

test('a reschedule hours later in a DM moves the exchange still open there', () => {
  const booked = event('booked', '2026-03-12T21:00:00Z', { summary: 'Ana / Bo', attendees: both });
  const mi = intelligence([booked]);
  const ask = inDm('can we grab 30 min on Saturday at 9am?', '2026-03-10T15:00:00Z');
  assert.equal(links(mi.processMessage(ask)), []);
  const moved = links(mi.processMessage(inDm('sorry, can we move to Thursday 2pm?', '2026-03-10T19:00:00Z')));
  assert.equal(moved.map((l) => l.meetingId), ['booked', 'booked']);
  assert.is(moved[1]!.ts, ask.ts);
});

test('a named day and a part of it matches the events in that part of the day', () => {
  const text = 'how does fri afternoon look for you?';
  const at = '2026-03-10T16:00:00Z';
  const afternoon = event('pm', '2026-03-13T21:00:00Z', { summary: 'Ana / Bo', attendees: both });
  const ctx = { authorEmail: 'ana@acme.test', mentionedEmails: [], channelMemberEmails: ['ana@acme.test', 'bo@acme.test'], text, tzOffsetMinutes: -420 };
  assert.is(linkToEvent(signalOf(text, at), { ...ctx, events: indexOf([afternoon]) })?.eventId, 'pm');
  const morning = event('am', '2026-03-13T16:00:00Z', { summary: 'Ana / Bo', attendees: both });
  assert.is(linkToEvent(signalOf(text, at), { ...ctx, events: indexOf([morning]) }), null);
});

test('a meeting about to start is not the one a message names another day for', () => {
  const text = 'unrelated but are we doing standup Friday?';
  const today = event('s-tue', '2026-03-10T16:30:00Z', { summary: 'Payments standup', attendees: both });
  const friday = event('s-fri', '2026-03-13T16:30:00Z', { summary: 'Payments standup', attendees: both });
  const found = linkToEvent(signalOf(text, '2026-03-10T16:10:00Z'), { authorEmail: 'ana@acme.test', mentionedEmails: [], text, events: indexOf([today, friday]) });
  assert.is(found?.eventId, 's-fri');
});

test('a title word does not outweigh a stated day that is another one', () => {
  const text = 'could we meet on tuesday 13:15 to discuss the q2 roadmap?';
  const review = event('rr', '2026-03-12T20:15:00Z', { summary: 'Roadmap review', attendees: both });
  const ctx = { authorEmail: 'ana@acme.test', mentionedEmails: [], channelMemberEmails: ['ana@acme.test', 'bo@acme.test'], text, events: indexOf([review]) };
  assert.is(linkToEvent(signalOf(text, '2026-03-09T16:00:00Z'), ctx), null);
  // Without the stated day, the title word alone is enough.
  assert.is(linkToEvent(signalOf('could we meet to discuss the q2 roadmap?', '2026-03-09T16:00:00Z'), ctx)?.eventId, 'rr');
});

test("of the events sharing the title word a message names, the author's next one is meant", () => {
  const text = 'hiring sync topics so far: the budget';
  const first = event('h1', '2026-03-14T17:00:00Z', { summary: 'Hiring sync', attendees: group });
  const second = event('h2', '2026-03-15T17:00:00Z', { summary: 'Hiring sync', attendees: group });
  const signal = signalOf(text, '2026-03-10T16:00:00Z');
  assert.is(signal.kind, 'agenda');
  const found = linkToEvent(signal, { authorEmail: 'ana@acme.test', mentionedEmails: [], channelMemberEmails: trio, text, events: indexOf([first, second]) });
  assert.equal([found?.eventId, found?.evidence.includes('title:next')], ['h1', true]);
});

test('an agenda reads title words from the part naming its meeting, not from its topics', () => {
  const text = 'agenda for the retro: the hiring plan';
  const retro = event('retro', '2026-03-12T17:00:00Z', { summary: 'Sprint retro', attendees: group });
  const hiring = event('hiring', '2026-03-11T17:00:00Z', { summary: 'Hiring sync', attendees: group });
  const found = linkToEvent(signalOf(text, '2026-03-10T16:00:00Z'), { authorEmail: 'ana@acme.test', mentionedEmails: [], channelMemberEmails: trio, text, events: indexOf([retro, hiring]) });
  assert.is(found?.eventId, 'retro');
});

test('an invitee who declined still counts as one of the meeting’s people', () => {
  const text = 'still on for the standup thu at 10am?';
  const declined = event('s', '2026-03-12T17:00:00Z', {
    summary: 'Payments standup', organizer: { email: 'bo@acme.test', name: 'Bo' }, attendees: [attendee('ana@acme.test', 'declined'), attendee('bo@acme.test')],
  });
  const best = scoreCandidates(signalOf(text, '2026-03-10T16:00:00Z'), { authorEmail: 'ana@acme.test', mentionedEmails: [], text, events: indexOf([declined]) })[0]!;
  assert.ok(best.evidence.includes('author:attendee'));
});

test('in a DM, the meeting of exactly its members beats a bigger one at the same time', () => {
  const text = 'can we meet thu at 10am?';
  const pair = event('pair', '2026-03-12T17:00:00Z', { summary: 'Ana / Bo', attendees: both });
  const big = event('big', '2026-03-12T17:00:00Z', { summary: 'Planning', attendees: group });
  const found = linkToEvent(signalOf(text, '2026-03-10T16:00:00Z'), {
    authorEmail: 'ana@acme.test', mentionedEmails: [], channelMemberEmails: ['ana@acme.test', 'bo@acme.test'], text, events: indexOf([big, pair]),
  });
  assert.is(found?.eventId, 'pair');
});

test("outside threads, a title word the context's meeting lacks names another meeting", () => {
  const standup = event('standup', '2026-03-12T17:00:00Z', { summary: 'Payments standup', attendees: both });
  const review = event('review', '2026-03-12T21:00:00Z', { summary: 'Design review', attendees: both });
  const mi = intelligence([standup, review]);
  assert.equal(links(mi.processMessage(inDm('standup thu at 10am', '2026-03-10T15:00:00Z'))).map((l) => l.meetingId), ['standup']);
  const other = links(mi.processMessage(inDm("i'm cancelling the design review thu, too many people out", '2026-03-10T15:20:00Z', 'U2')));
  assert.equal(other.map((l) => [l.meetingId, l.kind]), [['review', 'cancel']]);
});

test('the people who answer a proposal choose between two events at its stated time', () => {
  const ours = event('ours', '2026-03-12T17:00:00Z', { summary: 'Ana / Bo', attendees: [attendee('ana@acme.test'), attendee('bo@acme.test')] });
  const theirs = event('theirs', '2026-03-12T17:00:00Z', { summary: 'Vendor call', attendees: [attendee('ana@acme.test'), attendee('cy@acme.test')], created: Date.parse('2026-03-10T15:30:00Z') });
  const mi = intelligence([ours, theirs]);
  const parentTs = tsAt('2026-03-10T15:00:00Z');
  const first = links(mi.processMessage(message('can we meet thu at 10am?', { channelId: 'C9', ts: parentTs, userId: 'U1', threadTs: parentTs, replyCount: 1 })));
  assert.is(first[0]?.meetingId, 'theirs');
  const answer = links(mi.processMessage(message('works for me', { channelId: 'C9', ts: tsAt('2026-03-10T15:40:00Z'), userId: 'U2', threadTs: parentTs })));
  assert.equal(answer.map((l) => l.meetingId), ['theirs', 'ours', 'ours']);
});

test('an agenda naming a type several events share goes to the one its channel has been talking about', () => {
  // A big channel (not a DM): its members say little about which design review is meant.
  const crowd = Array.from({ length: 12 }, (_, i) => `U${i + 1}`);
  const channel: Channel = { ...dm, id: 'C7', name: 'design', kind: 'public', members: crowd };
  const sooner = event('dr-wed', '2026-03-11T17:00:00Z', { summary: 'Design review: checkout', attendees: group });
  const talked = event('dr-thu', '2026-03-12T17:00:00Z', { summary: 'Design review: search', attendees: group });
  const mi = intelligence([sooner, talked]);
  mi.addChannel(channel);
  const inC7 = (text: string, at: string) => message(text, { channelId: 'C7', ts: tsAt(at), userId: 'U1' });
  assert.equal(links(mi.processMessage(inC7('can we meet thu at 10am to go over the search designs?', '2026-03-09T16:00:00Z'))).map((l) => l.meetingId), ['dr-thu']);
  const agenda = links(mi.processMessage(inC7('agenda items for design review?', '2026-03-10T16:00:00Z')));
  assert.equal(agenda.map((l) => [l.meetingId, l.kind]), [['dr-thu', 'agenda']]);
  assert.ok(agenda[0]!.evidence.includes('channel:discussed'));
});

test('"are we doing standup Wednesday?" is the standup that day, not the group\'s other meeting that day', () => {
  const text = 'unrelated but are we doing standup Wednesday?';
  // 08:15 UTC is 1:15 am for the Los Angeles author: outside the working part of the day, yet the standup named.
  const standup = event('standup', '2026-03-11T08:15:00Z', { summary: 'Infra standup', attendees: [attendee('ana@acme.test'), attendee('di@acme.test'), attendee('ed@acme.test')] });
  const kickoff = event('kickoff', '2026-03-11T18:30:00Z', { summary: 'Kickoff: checkout-v2', attendees: [attendee('ana@acme.test'), attendee('bo@acme.test'), attendee('cy@acme.test')] });
  const found = linkToEvent(signalOf(text, '2026-03-09T16:00:00Z'), {
    authorEmail: 'ana@acme.test', mentionedEmails: [], channelMemberEmails: trio, text, events: indexOf([standup, kickoff]), tzOffsetMinutes: -420,
  });
  assert.is(found?.eventId, 'standup');
});

test('an aside in a thread is not carried to the meeting a later reply settles the thread on', () => {
  // The 1:1 the aside asks about is not on the calendar today: the aside stays unlinked.
  const booked = event('booked', '2026-03-12T18:00:00Z', { summary: 'Planning', attendees: both });
  const mi = intelligence([booked]);
  const parentTs = tsAt('2026-03-10T15:00:00Z');
  const inThread = (text: string, at: string, userId = 'U2') => message(text, { channelId: 'D1', ts: tsAt(at), userId, threadTs: parentTs });
  assert.equal(links(mi.processMessage(message('can we find time this week?', { channelId: 'D1', ts: parentTs, userId: 'U1', threadTs: parentTs, replyCount: 3 }))), []);
  assert.equal(links(mi.processMessage(inThread('unrelated but are we doing 1:1 today?', '2026-03-10T15:05:00Z'))), []);
  const settled = links(mi.processMessage(inThread('thu at 11am works for me', '2026-03-10T15:10:00Z', 'U1')));
  assert.ok(settled.length > 0 && settled.every((l) => l.meetingId === 'booked' && l.ts !== tsAt('2026-03-10T15:05:00Z')));
});

test('"will catch up on notes" in a decline is reading up later, not the meeting titled "Catch up"', () => {
  const own = event('pair', '2026-03-10T20:00:00Z', { summary: 'Pairing on search', attendees: both });
  const catchUp = event('catchup', '2026-03-11T17:00:00Z', { summary: 'Catch up', attendees: both });
  const mi = intelligence([own, catchUp]);
  const out = links(mi.processMessage(inDm("can't join, will catch up on notes", '2026-03-10T18:00:00Z', 'U2')));
  assert.equal(out.map((l) => [l.meetingId, l.kind]), [['pair', 'decline']]);
});

test('"reminder that we have demo prep this morning" is this morning\'s demo prep', () => {
  const text = 'reminder that we have demo prep this morning';
  const today = event('today', '2026-03-13T18:30:00Z', { summary: 'Demo prep', attendees: group });
  const later = event('later', '2026-03-19T16:45:00Z', { summary: 'Demo prep', attendees: group });
  const found = linkToEvent(signalOf(text, '2026-03-13T18:19:00Z'), { authorEmail: 'ana@acme.test', mentionedEmails: [], channelMemberEmails: trio, text, events: indexOf([today, later]), tzOffsetMinutes: -420 });
  assert.is(found?.eventId, 'today');
});

test('an agenda naming no meeting and no time is about the one upcoming meeting its channel arranged, and none when it arranged two', () => {
  const crowd = Array.from({ length: 12 }, (_, i) => `U${i + 1}`);
  const channel: Channel = { ...dm, id: 'C8', name: 'team', kind: 'public', members: crowd };
  const inC8 = (text: string, at: string) => message(text, { channelId: 'C8', ts: tsAt(at), userId: 'U1' });
  const review = event('review', '2026-03-12T17:00:00Z', { summary: 'Roadmap review', attendees: group });
  const other = event('other', '2026-03-11T17:00:00Z', { summary: 'Hiring sync', attendees: group });
  const one = intelligence([review, other]);
  one.addChannel(channel);
  assert.equal(links(one.processMessage(inC8('can we meet thu at 10am?', '2026-03-09T16:00:00Z'))).map((l) => l.meetingId), ['review']);
  const agenda = links(one.processMessage(inC8('agenda is in the invite - mostly OKRs', '2026-03-10T16:00:00Z')));
  assert.equal(agenda.map((l) => [l.meetingId, l.kind]), [['review', 'agenda']]);
  assert.ok(agenda[0]!.evidence.includes('channel:only-upcoming'));
  const two = intelligence([review, other]);
  two.addChannel(channel);
  two.processMessage(inC8('can we meet thu at 10am?', '2026-03-09T16:00:00Z'));
  two.processMessage(inC8('can we meet wed at 10am?', '2026-03-09T17:00:00Z'));
  assert.equal(links(two.processMessage(inC8('agenda is in the invite - mostly OKRs', '2026-03-10T16:00:00Z'))), []);
});

test('a cancellation naming a series means the instance the calendar shows cancelled, not the nearer live one', () => {
  const text = 'cancelled the invite for standup';
  const live = event('fri', '2026-03-13T16:30:00Z', { summary: 'Platform standup', attendees: group, recurringEventId: 's' });
  const off = event('mon', '2026-03-16T16:30:00Z', { summary: 'Platform standup', attendees: group, recurringEventId: 's', status: 'cancelled' });
  const found = linkToEvent(signalOf(text, '2026-03-13T07:30:00Z'), { authorEmail: 'ana@acme.test', mentionedEmails: [], channelMemberEmails: trio, text, events: indexOf([live, off]) });
  assert.is(found?.eventId, 'mon');
});

test("in a DM, \"let's skip Mon\" cancels the members' instance the calendar shows cancelled", () => {
  const booked = event('pair', '2026-03-16T16:00:00Z', { summary: 'Ana <> Bo', attendees: both });
  const series = event('one', '2026-03-16T18:00:00Z', { summary: 'Ana / Bo 1:1', attendees: both, recurringEventId: 's', status: 'cancelled' });
  const mi = intelligence([booked, series]);
  const out = links(mi.processMessage(inDm("let's skip Mon", '2026-03-13T17:00:00Z')));
  assert.equal(out.map((l) => [l.meetingId, l.kind]), [['one', 'cancel']]);
});

test.run();
