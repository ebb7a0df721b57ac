/**
 * `convene detect [--tz ZONE] [--now WHEN] [--json]`: classifies what arrives on stdin, one
 * line each: plain text, or NDJSON (a Slack message object as exported, or `{"text": ...}`).
 * Prints each line's kind (or `-` when it is not meeting-related), confidence and evidence:
 * the quick way to see what the detector makes of a sentence.
 *
 * Plain text is read as posted at `--now` (default: the moment the command runs) by someone
 * in `--tz` (default UTC); a Slack message carries its own `ts`. A reply (`thread_ts`) reads
 * its parent when the parent came earlier on the input, as it does in a replay.
 */
import { createInterface } from 'node:readline';
import { tsToMillis, type Message, type Signal } from '../../core/records.js';
import { detectSignal } from '../../operators/meeting-signals.logic.js';
import { offsetMinutesAt } from '../../operators/time-expressions.logic.js';
import { mapSlackMessage } from '../../sources/slack-export/slack-export.mapping.js';

export interface DetectOptions {
  readonly tz: string;
  readonly now: number;
}

export interface DetectResult {
  readonly line: number;
  readonly text: string;
  readonly related: boolean;
  readonly kind: Signal['kind'] | null;
  readonly confidence: number;
  readonly evidence: string[];
  readonly times: Array<{ text: string; start: string; certain: boolean }>;
  readonly problem?: string;
}

/** A line as a message: a Slack message object, `{"text": ...}`, or the text itself. */
export function lineToMessage(line: string, lineNo: number, opts: DetectOptions): { message: Message } | { problem: string } {
  const ts = `${Math.floor(opts.now / 1000)}.${String(lineNo).padStart(6, '0')}`;
  const plain = (text: string): Message => ({
    channelId: 'stdin', ts, time: tsToMillis(ts), userId: 'U_STDIN', botId: null, botName: null, subtype: null, text, extraText: '',
    threadTs: null, isThreadParent: false, replyCount: 0, editedTs: null, files: [], links: [], mentions: [], huddle: null, raw: '{}',
  });
  if (!line.trimStart().startsWith('{')) return { message: plain(line) };
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    return { problem: `line ${lineNo}: not valid JSON (${(err as Error).message})` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { problem: `line ${lineNo}: a JSON line must be an object` };
  const obj = parsed as Record<string, unknown>;
  if (obj['ts'] === undefined) {
    if (typeof obj['text'] !== 'string') return { problem: `line ${lineNo}: the object has neither "ts" (a Slack message) nor "text"` };
    return { message: plain(obj['text']) };
  }
  const mapped = mapSlackMessage(obj, typeof obj['channel'] === 'string' ? obj['channel'] : 'stdin');
  return mapped.ok ? { message: mapped.value } : { problem: `line ${lineNo}: ${mapped.reason}` };
}

/** Classifies lines in order; replies see their parent's detection. */
export class LineDetector {
  private readonly parents = new Map<string, { signal: Signal | null; text: string }>();
  private lineNo = 0;

  constructor(private readonly opts: DetectOptions) {}

  detect(line: string): DetectResult | null {
    this.lineNo++;
    if (line.trim() === '') return null;
    const got = lineToMessage(line, this.lineNo, this.opts);
    if ('problem' in got) return { line: this.lineNo, text: line, related: false, kind: null, confidence: 0, evidence: [], times: [], problem: got.problem };
    const m = got.message;
    const parent = m.threadTs !== null && m.threadTs !== m.ts ? this.parents.get(`${m.channelId}:${m.threadTs}`) : undefined;
    const signal = detectSignal({ message: m, tzOffsetMinutes: offsetMinutesAt(this.opts.tz, m.time), tz: this.opts.tz, ...(parent ? { parent } : {}) });
    if (m.threadTs === null || m.threadTs === m.ts) this.parents.set(`${m.channelId}:${m.ts}`, { signal, text: m.text });
    return {
      line: this.lineNo, text: m.text, related: signal !== null, kind: signal?.kind ?? null, confidence: signal?.confidence ?? 0,
      evidence: signal?.evidence ?? [], times: (signal?.times ?? []).map((t) => ({ text: t.text, start: new Date(t.start).toISOString(), certain: t.certain })),
    };
  }
}

export function formatResult(r: DetectResult): string {
  if (r.problem) return `!          ${r.problem}`;
  const kind = (r.kind ?? '-').padEnd(10);
  const conf = r.related ? r.confidence.toFixed(2) : '    ';
  const text = r.text.replace(/\s+/g, ' ').slice(0, 80);
  const times = r.times.map((t) => `"${t.text}" = ${t.start.slice(0, 16)}Z${t.certain ? '' : ' (approximate)'}`);
  const details = [...(r.evidence.length > 0 ? [r.evidence.join('  ')] : []), ...times].map((d) => `\n           ${d}`).join('');
  return `${kind} ${conf}  ${text}${details}`;
}



export async function runDetect(opts: { tz: string; now?: number; json?: boolean }, input: NodeJS.ReadableStream = process.stdin): Promise<number> {
  const detector = new LineDetector({ tz: opts.tz, now: opts.now ?? Date.now() });
  let problems = 0;
  let related = 0;
  let total = 0;
  const lines = createInterface({ input, crlfDelay: Infinity });
  for await (const line of lines) {
    const r = detector.detect(line);
    if (r === null) continue;
    total++;
    if (r.problem) {
      problems++;
      process.stderr.write(`convene detect: ${r.problem}; skipped\n`);
      if (!opts.json) continue;
    }
    if (r.related) related++;
    process.stdout.write((opts.json ? JSON.stringify(r) : formatResult(r)) + '\n');
  }
  if (!opts.json) process.stderr.write(`${total} lines, ${related} meeting-related${problems > 0 ? `, ${problems} unreadable` : ''}\n`);
  return 0;
}
