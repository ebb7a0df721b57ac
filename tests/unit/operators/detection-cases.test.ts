/**
 * Detection cases found among the misses of `convene eval` (see docs/accuracy.md): each failed
 * before the rule it pins. Distractors that look alike stay out.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { detectSignal } from '../../../src/operators/meeting-signals.logic.js';
import { message } from './support.js';

const kindOf = (text: string): string | null => detectSignal({ message: message(text), tzOffsetMinutes: 60 })?.kind ?? null;

test("reads 'planning today' as the planning meeting, not 'planning to'", () => {
  assert.is(kindOf('reminder that we have planning today'), 'reminder');
  assert.is(kindOf("don't forget planning today at 9:15 AM PT"), 'reminder');
  assert.is(kindOf('planning to ship it today'), null);
});

test('a request for someone’s time outweighs a topic that sounds like a release or an incident', () => {
  assert.is(kindOf('would love to pick your brain on the incident follow-ups, thu at 5:30pm ct?'), 'propose');
  assert.is(kindOf('grabbing time tomorrow at 8:45 AM PT to review the SSO rollout, ok?'), 'propose');
  assert.is(kindOf('open today 11:00 CT? need your eyes on the incident follow-ups'), 'propose');
  assert.is(kindOf('any chance you have 30 min wed at 9:15 et? want to walk through the mobile release'), 'propose');
  assert.is(kindOf('pinging about the SSO rollout - meet 10:15 ET tmrw?'), 'propose');
  assert.is(kindOf('13:30 GMT today for on-call rotation? 30 min tops'), 'propose');
});

test('a length of time asked for makes a time "for the release" a meeting; without it the time is the release’s', () => {
  assert.is(kindOf('Fri at 14:30 GMT for the mobile release? 30 min tops'), 'propose');
  assert.is(kindOf('does 3pm Thu work for the api deploy?'), null);
  assert.is(kindOf('how does Friday look for the checkout launch?'), null);
});

test('an offer that waits for an answer is a proposal without a question mark', () => {
  assert.is(kindOf('I can do on Monday after lunch if that suits'), 'propose');
  assert.is(kindOf('let me know if thu after lunch works for a call about the sso rollout'), 'propose');
  assert.is(kindOf('let’s sync the worker config with staging Monday'), null);
});

test('agenda, reminder and follow-up cues name a meeting with a bare word', () => {
  assert.is(kindOf('main item for chat: the checkout bug'), 'agenda');
  assert.is(kindOf('call topics so far: the partner contract, hiring'), 'agenda');
  assert.is(kindOf("for debrief today I'd like to cover the dashboard redesign"), 'agenda');
  assert.is(kindOf('for the call, can we start with the partner contract?'), 'agenda');
  assert.is(kindOf('call is about to start'), 'reminder');
  assert.is(kindOf('T-10 min to chat'), 'reminder');
  assert.is(kindOf('minutes from catch up posted'), 'followup');
  assert.is(kindOf('from the Initech call: please review the checkout bug by EOW'), 'followup');
});

test('a move from one time to another is a reschedule, not a proposal', () => {
  assert.is(kindOf('moving 1:1 from 4:30 PM to 6:00 PM'), 'reschedule');
  assert.is(kindOf('pushing standup from 10am to 11am tomorrow'), 'reschedule');
  assert.is(kindOf('moving the design review from sprint 3 to sprint 4'), null);
});

test('"no need to meet" calls a meeting off', () => {
  assert.is(kindOf('no need to meet mon, resolved it'), 'cancel');
  assert.is(kindOf('no need for the sync tomorrow, all sorted'), 'cancel');
});

test('a message that opens as an agenda is one, though an item reads "next steps"', () => {
  assert.is(kindOf("agenda for Thu's chat:\n• the data pipeline\n• open questions\n• next steps"), 'agenda');
  assert.is(kindOf('next steps from the call: ship the fix'), 'followup');
});

test('a cue word with two neighbouring letters swapped reads as the word', () => {
  assert.is(kindOf('catch up is about to satrt'), 'reminder');
  assert.is(kindOf('planning is cancellde tue'), 'cancel');
  assert.is(kindOf('thanks all, ntoes are in the doc'), 'followup');
  assert.is(kindOf('killnig 1:1 Friday :wave:'), 'cancel');
  assert.is(kindOf('quick agneda for today: status, on-call rotation, risks'), 'agenda');
  // A slip never turns a word into a cue it was not near: "trail" stays a trail.
  assert.is(kindOf('the trail run starts at noon'), null);
});

test('a meeting and a day with no cancel verb, or asked as a short question, are a cancellation and a proposal', () => {
  assert.is(kindOf('no debrief Friday - enjoy the time back'), 'cancel');
  assert.is(kindOf('no hiring sync Monday - enjoy the time back'), 'cancel');
  assert.is(kindOf('removing Fri’s weekly, post updates in thread instead'), 'cancel');
  assert.is(kindOf('quick sync Monday after lunch?'), 'propose');
  assert.is(kindOf('pinging about the API deprecation - meet Friday after lunch?'), 'propose');
  assert.is(kindOf('pushing catch up by a bit, wed at 7:45pm BST now'), 'reschedule');
  assert.is(kindOf('no problem tomorrow'), null);
  assert.is(kindOf('is the interview loop next week?'), null);
});

test('the same cues without a meeting word, or about code, stay out', () => {
  assert.is(kindOf('reminder: expense reports are due Friday 5pm'), null);
  assert.is(kindOf('reminder to call the API with retries in 10 min'), null);
  assert.is(kindOf('main item for the release: the migration'), null);
  assert.is(kindOf('cancel PLAT-1234, it’s a dup'), null);
});

test.run();
