/**
 * Scores what the pipeline found against a ground truth (shared/spec/truth.md). Pure: the
 * caller reads the truth file and the database.
 */
import { z } from 'zod';
import { SIGNAL_KINDS } from '../core/records.js';

export const Truth = z.object({
  version: z.literal(1),
  meetings: z.array(
    z.object({
      id: z.string(),
      calendar_event_id: z.string().nullable(),
      channel: z.string().optional(),
      start: z.string().optional(),
      end: z.string().optional(),
      participants: z.array(z.string()).optional(),
    }),
  ),
  messages: z.array(z.object({ channel: z.string(), ts: z.string(), meeting: z.string(), kind: z.enum(SIGNAL_KINDS).optional() })),
});
export type Truth = z.infer<typeof Truth>;

export interface Predictions {
  /** Messages the pipeline judged meeting-related, `channel:ts` → kind. */
  related: ReadonlyMap<string, string>;
  /** Messages linked to a calendar event, `channel:ts` → event id. */
  calendarLinks: ReadonlyMap<string, string>;
  /** Slack-only meetings found. */
  slackOnly: ReadonlyArray<{ channel: string | null; start: number }>;
}

export interface EvalFigures {
  relevance: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };
  link: { accuracy: number; precision: number; correct: number; total: number; predicted: number };
  slack_only: { precision: number; recall: number; f1: number; tp: number; fp: number; fn: number };
  kind: { macro_f1: number; per_kind: Record<string, { precision: number; recall: number; f1: number; support: number }> };
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : round(a / b));
const f1 = (p: number, r: number): number => (p + r === 0 ? 0 : round((2 * p * r) / (p + r)));
const round = (x: number): number => Math.round(x * 10000) / 10000;

export const SLACK_ONLY_WINDOW_MS = 15 * 60 * 1000;

export function scoreAgainstTruth(truth: Truth, predicted: Predictions): EvalFigures {
  const meetings = new Map(truth.meetings.map((m) => [m.id, m]));
  const truthMessages = new Map(truth.messages.map((m) => [`${m.channel}:${m.ts}`, m]));

  // Relevance over all messages: a message is meeting-related or not.
  let tp = 0;
  for (const key of predicted.related.keys()) if (truthMessages.has(key)) tp++;
  const fp = predicted.related.size - tp;
  const fn = truthMessages.size - tp;
  const rp = ratio(tp, tp + fp);
  const rr = ratio(tp, tp + fn);

  // Links to calendar events.
  let total = 0;
  let correct = 0;
  for (const [key, m] of truthMessages) {
    const eventId = meetings.get(m.meeting)?.calendar_event_id ?? null;
    if (eventId === null) continue;
    total++;
    if (predicted.calendarLinks.get(key) === eventId) correct++;
  }
  let predictedRight = 0;
  for (const [key, eventId] of predicted.calendarLinks) {
    const m = truthMessages.get(key);
    if (m && meetings.get(m.meeting)?.calendar_event_id === eventId) predictedRight++;
  }

  // Slack-only meetings: same channel, start within 15 minutes, each truth meeting once.
  const truthSlack = truth.meetings
    .filter((m) => m.calendar_event_id === null && m.start)
    .map((m) => ({ channel: m.channel ?? null, start: Date.parse(m.start!), used: false }));
  const candidates: Array<{ f: number; t: number; d: number }> = [];
  predicted.slackOnly.forEach((found, f) => {
    truthSlack.forEach((t, ti) => {
      const d = Math.abs(found.start - t.start);
      if (found.channel === t.channel && d <= SLACK_ONLY_WINDOW_MS) candidates.push({ f, t: ti, d });
    });
  });
  candidates.sort((a, b) => a.d - b.d || a.f - b.f || a.t - b.t);
  const usedFound = new Set<number>();
  let sTp = 0;
  for (const c of candidates) {
    if (usedFound.has(c.f) || truthSlack[c.t]!.used) continue;
    usedFound.add(c.f);
    truthSlack[c.t]!.used = true;
    sTp++;
  }
  const sFp = predicted.slackOnly.length - sTp;
  const sFn = truthSlack.length - sTp;
  const sp = ratio(sTp, sTp + sFp);
  const sr = ratio(sTp, sTp + sFn);

  // Kinds, over the truth's related messages that the pipeline also found.
  const perKind: Record<string, { tp: number; fp: number; fn: number }> = {};
  const bump = (k: string, field: 'tp' | 'fp' | 'fn'): void => {
    perKind[k] ??= { tp: 0, fp: 0, fn: 0 };
    perKind[k][field]++;
  };
  for (const [key, m] of truthMessages) {
    const got = predicted.related.get(key);
    if (got === undefined || m.kind === undefined) continue;
    if (got === m.kind) bump(m.kind, 'tp');
    else {
      bump(m.kind, 'fn');
      bump(got, 'fp');
    }
  }
  const per_kind: EvalFigures['kind']['per_kind'] = {};
  for (const [k, c] of Object.entries(perKind).sort(([a], [b]) => a.localeCompare(b))) {
    const p = ratio(c.tp, c.tp + c.fp);
    const r = ratio(c.tp, c.tp + c.fn);
    per_kind[k] = { precision: p, recall: r, f1: f1(p, r), support: c.tp + c.fn };
  }
  const kinds = Object.values(per_kind);
  const macro = kinds.length === 0 ? 0 : round(kinds.reduce((s, k) => s + k.f1, 0) / kinds.length);

  return {
    relevance: { precision: rp, recall: rr, f1: f1(rp, rr), tp, fp, fn },
    link: { accuracy: ratio(correct, total), precision: ratio(predictedRight, predicted.calendarLinks.size), correct, total, predicted: predicted.calendarLinks.size },
    slack_only: { precision: sp, recall: sr, f1: f1(sp, sr), tp: sTp, fp: sFp, fn: sFn },
    kind: { macro_f1: macro, per_kind },
  };
}

export function formatFigures(f: EvalFigures): string {
  const pct = (x: number): string => x.toFixed(3);
  const lines = [
    'figure                     value   counts',
    `relevance precision        ${pct(f.relevance.precision)}   tp ${f.relevance.tp}  fp ${f.relevance.fp}  fn ${f.relevance.fn}`,
    `relevance recall           ${pct(f.relevance.recall)}`,
    `relevance F1               ${pct(f.relevance.f1)}`,
    `link accuracy              ${pct(f.link.accuracy)}   ${f.link.correct} of ${f.link.total} truth messages on the right event`,
    `link precision             ${pct(f.link.precision)}   of ${f.link.predicted} messages linked to an event`,
    `slack-only precision       ${pct(f.slack_only.precision)}   tp ${f.slack_only.tp}  fp ${f.slack_only.fp}  fn ${f.slack_only.fn}`,
    `slack-only recall          ${pct(f.slack_only.recall)}`,
    `slack-only F1              ${pct(f.slack_only.f1)}`,
    `kind macro-F1              ${pct(f.kind.macro_f1)}`,
  ];
  for (const [k, v] of Object.entries(f.kind.per_kind)) lines.push(`  ${k.padEnd(12)} F1 ${pct(v.f1)}  (precision ${pct(v.precision)}, recall ${pct(v.recall)}, ${v.support} in truth)`);
  return lines.join('\n');
}
