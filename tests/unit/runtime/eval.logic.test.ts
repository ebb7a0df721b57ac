import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scoreAgainstTruth, type Truth } from '../../../src/runtime/eval.logic.js';

const truth: Truth = {
  version: 1,
  meetings: [
    { id: 'm1', calendar_event_id: 'ev1_20260304T150000Z' },
    { id: 'm2', calendar_event_id: null, channel: 'C1', start: '2026-03-04T15:10:00Z', end: '2026-03-04T15:40:00Z', participants: ['U1', 'U2'] },
    { id: 'm3', calendar_event_id: null, channel: 'C2', start: '2026-03-05T09:00:00Z', end: '2026-03-05T09:30:00Z', participants: ['U1'] },
  ],
  messages: [
    { channel: 'C1', ts: '1.000001', meeting: 'm1', kind: 'propose' },
    { channel: 'C1', ts: '1.000002', meeting: 'm1', kind: 'confirm' },
    { channel: 'C1', ts: '1.000003', meeting: 'm1', kind: 'link' },
    { channel: 'C1', ts: '1.000004', meeting: 'm2', kind: 'huddle' },
  ],
};

test('scores relevance, links, Slack-only meetings and kinds by their definitions', () => {
  const f = scoreAgainstTruth(truth, {
    related: new Map([
      ['C1:1.000001', 'propose'],
      ['C1:1.000002', 'propose'], // found, wrong kind
      ['C1:1.000004', 'huddle'],
      ['C1:9.000000', 'propose'], // not in truth
    ]),
    calendarLinks: new Map([
      ['C1:1.000001', 'ev1_20260304T150000Z'],
      ['C1:1.000002', 'other_event'],
      ['C1:9.000000', 'ev1_20260304T150000Z'],
    ]),
    slackOnly: [
      { channel: 'C1', start: Date.parse('2026-03-04T15:20:00Z') }, // 10 min off: matches m2
      { channel: 'C1', start: Date.parse('2026-03-04T15:21:00Z') }, // m2 already taken
      { channel: 'C2', start: Date.parse('2026-03-05T09:16:00Z') }, // 16 min off: no match
    ],
  });
  assert.equal({ tp: f.relevance.tp, fp: f.relevance.fp, fn: f.relevance.fn }, { tp: 3, fp: 1, fn: 1 });
  assert.is(f.relevance.precision, 0.75);
  assert.is(f.relevance.recall, 0.75);
  assert.equal({ correct: f.link.correct, total: f.link.total, predicted: f.link.predicted }, { correct: 1, total: 3, predicted: 3 });
  assert.is(f.link.accuracy, 0.3333);
  assert.is(f.link.precision, 0.3333);
  assert.equal({ tp: f.slack_only.tp, fp: f.slack_only.fp, fn: f.slack_only.fn }, { tp: 1, fp: 2, fn: 1 });
  // propose: tp 1, fp 1 (the confirm called propose) → P .5 R 1 F1 .6667; confirm: fn 1 → 0; huddle: 1.
  assert.is(f.kind.per_kind['propose']!.f1, 0.6667);
  assert.is(f.kind.per_kind['confirm']!.f1, 0);
  assert.is(f.kind.per_kind['huddle']!.f1, 1);
  assert.is(f.kind.macro_f1, 0.5556);
});

test('an empty prediction scores zero without dividing by zero', () => {
  const f = scoreAgainstTruth(truth, { related: new Map(), calendarLinks: new Map(), slackOnly: [] });
  assert.is(f.relevance.f1, 0);
  assert.is(f.relevance.fn, 4);
  assert.is(f.link.precision, 0);
  assert.is(f.slack_only.fn, 2);
  assert.is(f.kind.macro_f1, 0);
});

test.run();
