import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { SignalKind } from '../../../src/core/records.js';
import { SettledLinks, tsNumber, type SettledLink } from '../../../src/operators/settled-links.logic.js';

function link(channelId: string, ts: string, meetingId: string, kind: SignalKind, time: number, userId: string | null = 'U1', documents?: string[]): SettledLink {
  return { channelId, ts, meetingId, kind, time, userId, documents };
}

test('groups settled links by meeting, in the order they were first linked, with the first channel and documents', () => {
  const settled = new SettledLinks();
  settled.settle([link('C1', '1.1', 'e1', 'propose', 10, 'U1', ['doc1']), link('C1', '1.2', 'e2', 'confirm', 20, null), link('C1', '1.3', 'e1', 'confirm', 30, 'U2')]);
  settled.settle([link('D9', '2.1', 'e2', 'followup', 40, 'U3', ['doc2', 'doc3'])]);
  assert.is(settled.size, 4);
  const groups = settled.byMeeting();
  assert.equal([...groups.keys()], ['e1', 'e2']);
  assert.equal(groups.get('e1'), {
    firstChannel: 'C1',
    facts: [{ channelId: 'C1', kind: 'propose', time: 10, userId: 'U1' }, { channelId: 'C1', kind: 'confirm', time: 30, userId: 'U2' }],
    documents: ['doc1'],
  });
  assert.equal(groups.get('e2'), {
    firstChannel: 'C1',
    facts: [{ channelId: 'C1', kind: 'confirm', time: 20, userId: null }, { channelId: 'D9', kind: 'followup', time: 40, userId: 'U3' }],
    documents: ['doc2', 'doc3'],
  });
});

test('a channel read again replaces the messages it settled before in place, as a map by channel and ts would', () => {
  const settled = new SettledLinks();
  settled.settle([link('C1', '1.1', 'e1', 'propose', 10, 'U1', ['doc1']), link('C1', '1.2', 'e1', 'confirm', 20)]);
  settled.settle([link('C2', '5.1', 'e2', 'propose', 50)]);
  // The same message again, now linked to e2 and without its document list; and a new one.
  settled.settle([link('C1', '1.1', 'e2', 'reschedule', 10, 'U1'), link('C1', '1.4', 'e1', 'followup', 90)]);
  assert.is(settled.size, 4);
  const groups = settled.byMeeting();
  assert.equal(groups.get('e1')!.facts.map((f) => `${f.kind}@${f.time}`), ['confirm@20', 'followup@90']);
  assert.equal(groups.get('e2')!.facts.map((f) => `${f.channelId}:${f.kind}`), ['C1:reschedule', 'C2:propose']);
  assert.is(groups.get('e2')!.firstChannel, 'C1');
  assert.equal(groups.get('e2')!.documents, ['doc1']);
  assert.equal(groups.get('e1')!.documents, []);
});

test('Slack ts are kept as exact numbers of microseconds; a ts of another form is kept as text', () => {
  assert.is(tsNumber('1712345678.123456'), 1712345678123456);
  // Past 2^53 microseconds (the year 2255) a number would not be exact: kept as text.
  assert.ok(Number.isNaN(tsNumber('9999999999.999999')));
  assert.is(tsNumber('1712345678.000001') - tsNumber('1712345678.000000'), 1);
  for (const odd of ['1.1', '1712345678.12345', '1712345678.1234567', 'abc', '']) assert.ok(Number.isNaN(tsNumber(odd)), odd);
  const settled = new SettledLinks();
  settled.settle([link('C1', '1712345678.000001', 'e1', 'propose', 10), link('C1', '1712345678.000002', 'e1', 'confirm', 20), link('C1', '1.10', 'e1', 'confirm', 25)]);
  // Again: the first message moves to e2, "1.1" is not "1.10", and the neighbouring microsecond stays where it was.
  settled.settle([link('C1', '1712345678.000001', 'e2', 'reschedule', 10), link('C1', '1.1', 'e2', 'confirm', 30), link('C1', '1.10', 'e2', 'confirm', 25)]);
  assert.is(settled.size, 4);
  const groups = settled.byMeeting();
  assert.equal(groups.get('e1')!.facts.map((f) => `${f.kind}@${f.time}`), ['confirm@20']);
  assert.equal(groups.get('e2')!.facts.map((f) => `${f.kind}@${f.time}`), ['reschedule@10', 'confirm@25', 'confirm@30']);
});

test('nothing settled gives no meetings', () => {
  const settled = new SettledLinks();
  settled.settle([]);
  assert.is(settled.size, 0);
  assert.equal([...settled.byMeeting()], []);
});

test.run();
