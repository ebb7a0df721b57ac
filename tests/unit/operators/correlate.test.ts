import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Signal } from '../../../src/core/records.js';
import { linkToEvent, scoreCandidates } from '../../../src/operators/correlate.logic.js';
import { EventIndex } from '../../../src/operators/event-index.logic.js';
import { detectSignal } from '../../../src/operators/meeting-signals.logic.js';
import { attendee, event, message } from './support.js';

// Monday 2 March 2026, 09:00 UTC; the author is in UTC.
const at = '2026-03-02T09:00:00Z';
const signalOf = (text: string, over: Parameters<typeof message>[1] = {}): Signal => {
  const s = detectSignal({ message: message(text, { at, ...over }), tzOffsetMinutes: 0 });
  if (!s) throw new Error(`no signal for ${text}`);
  return s;
};

function weeklyStandup(): EventIndex {
  const index = new EventIndex();
  for (const day of ['02', '03', '04', '05', '06', '09']) {
    index.add(event(`standup_202603${day}T0930`, `2026-03-${day}T09:30:00Z`, {
      summary: 'Team standup', recurringEventId: 'standup', attendees: [attendee('ana@acme.test'), attendee('bo@acme.test')],
      conferenceLinks: ['https://meet.google.com/abc-defg-hij'],
    }));
  }
  index.add(event('budget', '2026-03-04T14:00:00Z', { summary: 'Budget review', attendees: [attendee('ana@acme.test'), attendee('cy@acme.test')] }));
  return index;
}

test('links a stated time to the instance starting then (±15 min)', () => {
  const found = linkToEvent(signalOf("can't make standup Wednesday 9:30, sorry"), { authorEmail: 'ana@acme.test', mentionedEmails: [], text: "can't make standup Wednesday 9:30, sorry", events: weeklyStandup() });
  assert.ok(found);
  assert.is(found.eventId, 'standup_20260304T0930');
  assert.is(found.method, 'time');
});

test('picks the right instance of a recurring meeting by its title and day', () => {
  const text = 'standup moved to 9:45 on Thursday';
  const found = linkToEvent(signalOf(text), { authorEmail: 'bo@acme.test', mentionedEmails: [], text, events: weeklyStandup() });
  assert.is(found?.eventId, 'standup_20260305T0930');
});

test('uses the conference link and picks the next instance', () => {
  const text = 'standup link: https://meet.google.com/abc-defg-hij';
  const found = linkToEvent(signalOf(text, { at: '2026-03-03T10:00:00Z' }), { mentionedEmails: [], text, events: weeklyStandup() });
  assert.is(found?.method, 'link');
  assert.is(found?.eventId, 'standup_20260304T0930');
});

test('links a follow-up to the meeting that just took place', () => {
  const text = "notes from today's budget review call: we cut travel";
  const found = linkToEvent(signalOf(text, { at: '2026-03-04T15:00:00Z' }), { authorEmail: 'cy@acme.test', mentionedEmails: [], text, events: weeklyStandup() });
  assert.is(found?.eventId, 'budget');
  assert.is(found?.method, 'title');
});

test('makes no link when nothing but the people point at an event', () => {
  const text = "let's sync sometime soon";
  const found = linkToEvent({ ...signalOf('can we meet Friday?'), times: [] }, { authorEmail: 'ana@acme.test', mentionedEmails: ['bo@acme.test'], text, events: weeklyStandup() });
  assert.is(found, null);
});

test('keeps the thread meeting for a reply unless a link or exact time points elsewhere', () => {
  const events = weeklyStandup();
  const ok = linkToEvent({ ...signalOf('sounds good, see you at the sync'), times: [] }, { mentionedEmails: [], text: 'numbers', events, threadMeetingId: 'budget' });
  assert.equal(ok, { eventId: 'budget', confidence: 0.85, method: 'thread', evidence: ['thread:parent'] });
  const text = 'also: standup Tuesday 9:30 https://meet.google.com/abc-defg-hij';
  const elsewhere = linkToEvent(signalOf(text), { authorEmail: 'ana@acme.test', mentionedEmails: [], text, events, threadMeetingId: 'budget' });
  assert.is(elsewhere?.eventId, 'standup_20260303T0930');
});

test('prefers a live instance to a cancelled one, except for the message that cancels', () => {
  const index = new EventIndex();
  index.add(event('retro_old', '2026-03-05T15:00:00Z', { summary: 'Sprint retro', status: 'cancelled', attendees: [attendee('ana@acme.test')] }));
  index.add(event('retro_new', '2026-03-05T15:00:00Z', { summary: 'Sprint retro', attendees: [attendee('ana@acme.test')] }));
  const cancel = 'cancelling the retro on Thursday 15:00';
  assert.is(linkToEvent(signalOf(cancel), { authorEmail: 'ana@acme.test', mentionedEmails: [], text: cancel, events: index })?.eventId, 'retro_old');
  const agenda = 'agenda for the retro Thursday 15:00: wins, misses';
  assert.is(linkToEvent(signalOf(agenda), { authorEmail: 'ana@acme.test', mentionedEmails: [], text: agenda, events: index })?.eventId, 'retro_new');
  const only = new EventIndex();
  only.add(event('retro_old', '2026-03-05T15:00:00Z', { summary: 'Sprint retro', status: 'cancelled', attendees: [attendee('ana@acme.test')] }));
  assert.is(linkToEvent(signalOf(agenda), { authorEmail: 'ana@acme.test', mentionedEmails: [], text: agenda, events: only })?.eventId, 'retro_old');
});

test('ignores events outside the window', () => {
  const index = new EventIndex();
  index.add(event('far', '2026-04-30T09:00:00Z', { summary: 'Quarterly planning' }));
  index.add(event('past', '2026-02-20T09:00:00Z', { summary: 'Quarterly planning' }));
  const text = 'agenda for quarterly planning';
  assert.is(linkToEvent(signalOf(text), { mentionedEmails: [], text, events: index }), null);
});

test.run();

function standupAndOtherTeams(): EventIndex {
  const index = weeklyStandup();
  // Another team's meeting at the same time, none of the standup's people invited.
  index.add(event('ops_review', '2026-03-04T09:30:00Z', { summary: 'Ops review', organizer: { email: 'dan@acme.test', name: null }, attendees: [attendee('dan@acme.test'), attendee('eve@acme.test')] }));
  return index;
}

test('at a stated time, linking scores only the meetings of the people concerned when the author is known', () => {
  const text = "can't make standup Wednesday 9:30, sorry";
  const ctx = { authorEmail: 'ana@acme.test', mentionedEmails: [], text, events: standupAndOtherTeams() };
  const linking = scoreCandidates(signalOf(text), ctx, true).map((c) => c.event.id);
  assert.ok(linking.includes('standup_20260304T0930'));
  assert.not.ok(linking.includes('ops_review'));
  // explain still lists every event at that time.
  assert.ok(scoreCandidates(signalOf(text), ctx).map((c) => c.event.id).includes('ops_review'));
  assert.is(linkToEvent(signalOf(text), ctx)?.eventId, 'standup_20260304T0930');
});

test('a mentioned person brings their meetings at the stated time into the candidates', () => {
  const text = 'ops review Wednesday 9:30 with <@U_DAN>?';
  const ctx = { authorEmail: 'ana@acme.test', mentionedEmails: ['Dan@acme.test'], text, events: standupAndOtherTeams() };
  assert.ok(scoreCandidates(signalOf(text), ctx, true).map((c) => c.event.id).includes('ops_review'));
});

test('without a known author, a stated time looks at the whole organization', () => {
  const text = 'ops review Wednesday 9:30';
  const found = linkToEvent(signalOf(text), { mentionedEmails: [], text, events: standupAndOtherTeams() });
  assert.is(found?.eventId, 'ops_review');
});
