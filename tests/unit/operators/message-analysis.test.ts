import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Message } from '../../../src/core/records.js';
import { analyzeMessage, detectSignal, rememberAnalysis, type MessageAnalysis } from '../../../src/operators/meeting-signals.logic.js';
import { message } from './support.js';

const BERLIN = 60;
const TEXTS = [
  'can we meet Thu at 10:30 PT to go over the roadmap?',
  'standup moved to 10:15 tomorrow',
  "can't make the sync today, sorry",
  'reminder: 1:1 in 10 minutes',
  'https://acme.zoom.us/j/123456789',
  'deploy at 3pm, the build is green',
  '👍',
  'sounds good',
  'lunch tomorrow?',
];

/** The analysis as it arrives from a worker thread: through JSON. */
function shipped(m: Message, zone: { tzOffsetMinutes: number; tz: string | null }): MessageAnalysis {
  return JSON.parse(JSON.stringify(analyzeMessage(m, zone))) as MessageAnalysis;
}

test('a signal detected from an analysis made elsewhere is the signal detected from the message', () => {
  let signals = 0;
  for (const text of TEXTS) {
    const fresh = detectSignal({ message: message(text), tzOffsetMinutes: BERLIN, tz: 'Europe/Berlin' });
    const m = message(text);
    rememberAnalysis(m, shipped(m, { tzOffsetMinutes: BERLIN, tz: 'Europe/Berlin' }));
    assert.equal(detectSignal({ message: m, tzOffsetMinutes: BERLIN, tz: 'Europe/Berlin' }), fresh, text);
    if (fresh !== null) signals++;
  }
  assert.ok(signals >= 4, 'the texts include signals');
});

test('times read in another zone than the detection asks for are read again', () => {
  const text = 'can we meet Thu at 10:30 to go over the roadmap?';
  const fresh = detectSignal({ message: message(text), tzOffsetMinutes: BERLIN, tz: 'Europe/Berlin' })!;
  const m = message(text);
  const utc = shipped(m, { tzOffsetMinutes: 0, tz: null });
  assert.ok(utc.times !== null && utc.times.mentions.length === 1);
  assert.is.not(utc.times.mentions[0]!.start, fresh.times[0]!.start, 'the zones give different instants');
  rememberAnalysis(m, utc);
  assert.equal(detectSignal({ message: m, tzOffsetMinutes: BERLIN, tz: 'Europe/Berlin' }), fresh);
});

test('a reply with no cue of its own gets its times from its thread context', () => {
  const parentSignal = detectSignal({ message: message('can we meet Thu at 10:30?'), tzOffsetMinutes: BERLIN })!;
  const over = { ts: '1772442100.000200', threadTs: '1772442000.000100' };
  const input = (m: Message) => ({ message: m, tzOffsetMinutes: BERLIN, parent: { signal: parentSignal, text: 'parent' } });
  const fresh = detectSignal(input(message('3pm instead?', over)));
  const m = message('3pm instead?', over);
  rememberAnalysis(m, shipped(m, { tzOffsetMinutes: BERLIN, tz: null }));
  assert.ok(fresh !== null && fresh.times.length === 1);
  assert.equal(detectSignal(input(m)), fresh);
});

test('huddles and system messages have no analysis', () => {
  assert.is(analyzeMessage(message('joined', { subtype: 'channel_join' })), null);
  assert.ok(analyzeMessage(message('lunch?')) !== null);
});

test.run();
