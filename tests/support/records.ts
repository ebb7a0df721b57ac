/** Small valid records of several kinds, for sink and store tests. */
import { envelope, type Envelope } from '../../src/core/envelope.js';
import type { Channel, Message, Signal } from '../../src/core/records.js';

export function sampleRecords(): { batch: Envelope[]; changedFirst: Envelope } {
  const channel: Channel = { id: 'C1', name: 'general', kind: 'public', created: 1_700_000_000_000, creator: 'U1', members: ['U1', 'U2'], topic: null, purpose: null, isArchived: false };
  const message = (ts: string, text: string): Message => ({
    channelId: 'C1', ts, time: Math.round(Number(ts) * 1000), userId: 'U1', botId: null, botName: null, subtype: null, text, extraText: '',
    threadTs: null, isThreadParent: false, replyCount: 0, editedTs: null, files: [], links: [], mentions: [], huddle: null, raw: JSON.stringify({ ts, text }),
  });
  const signal: Signal = { channelId: 'C1', ts: '1772636400.000200', time: 1772636400000, userId: 'U1', kind: 'propose', confidence: 0.9, evidence: ['cue'], times: [], links: [], threadTs: null };
  const m1 = message('1772636400.000200', 'can we meet thu 3pm?');
  const batch: Envelope[] = [
    envelope('message', 'C1:1772636400.000200', m1.time, 'test#0', m1),
    envelope('message', 'C1:1772636460.000100', 1772636460000, 'test#1', message('1772636460.000100', '👍')),
    envelope('channel', 'C1', 0, 'test#2', channel),
    envelope('signal', 'C1:1772636400.000200', signal.time, 'test#3', signal),
  ];
  const changedFirst = envelope('message', 'C1:1772636400.000200', m1.time, 'test#0', { ...m1, text: 'can we meet thu 4pm?' });
  return { batch, changedFirst };
}

