/**
 * What the metrics need of the messages linked to meetings, kept for the whole run in a
 * compact form.
 *
 * The meeting intelligence holds each link with its signal while the link may still move
 * (a later message in its thread or channel exchange may carry it to another meeting), which
 * is only while its channel's messages are read. When the channel ends its links are settled
 * here, one array per field: the meeting, the link's kind, the signal's time and author, and
 * the Drive ids the message references. That is a few words per linked message instead of the
 * link and signal objects with their evidence, times and URLs (about 1.7 KB each).
 *
 * A channel whose messages come again later (not the case in a replay or a derive, which read
 * a channel at a time) settles in place what it settled before, as a map keyed by channel and
 * ts would: the first position is kept, the last values win.
 */
import type { SignalKind } from '../core/records.js';
import type { LinkedFact } from './metrics.logic.js';

/** One linked message as it is settled. */
export interface SettledLink {
  readonly channelId: string;
  readonly ts: string;
  readonly meetingId: string;
  readonly kind: SignalKind;
  readonly time: number;
  readonly userId: string | null;
  /** Drive ids the message references, if any. */
  readonly documents: readonly string[] | undefined;
}

/** The linked messages of one meeting, in the order they were first linked. */
export interface MeetingLinks {
  /** The channel of the first message linked to the meeting. */
  readonly firstChannel: string;
  readonly facts: LinkedFact[];
  readonly documents: string[];
}

const SLACK_TS = /^(\d{1,10})\.(\d{6})$/;

/**
 * A Slack ts ("1712345678.123456") as the number of microseconds it names: 8 bytes in a number
 * array where the text takes about 40. NaN for a ts of any other form, or past 2^53
 * microseconds (the year 2255), where the number would not be exact: that ts is kept as text.
 */
export function tsNumber(ts: string): number {
  const m = SLACK_TS.exec(ts);
  const n = m ? Number(m[1]) * 1_000_000 + Number(m[2]) : Number.NaN;
  return n <= Number.MAX_SAFE_INTEGER ? n : Number.NaN;
}

export class SettledLinks {
  // One array per field, one entry per settled link, in the order the links were first made:
  // a few words per link, whatever the number of channels.
  private readonly channelId: string[] = [];
  /** Each message's ts as a number (see tsNumber), NaN for a ts of another form, whose text is in `otherTs`. */
  private readonly ts: number[] = [];
  private readonly otherTs = new Map<number, string>();
  private readonly meetingId: string[] = [];
  private readonly kind: SignalKind[] = [];
  private readonly time: number[] = [];
  private readonly userId: (string | null)[] = [];
  /** Drive ids by entry, for the few messages that reference any. */
  private readonly documents = new Map<number, readonly string[]>();
  private readonly channels = new Set<string>();
  /** Author and channel ids, shared: every message holds its own copy of the same few strings. */
  private readonly ids = new Map<string, string>();

  /** How many linked messages are settled. */
  get size(): number {
    return this.ts.length;
  }

  /** Settles links, in the order they were first linked. */
  settle(links: Iterable<SettledLink>): void {
    const revisited = new Map<string, Map<number | string, number>>();
    const opened = new Set<string>();
    for (const l of links) {
      if (!opened.has(l.channelId)) {
        opened.add(l.channelId);
        if (this.channels.has(l.channelId)) revisited.set(l.channelId, this.entriesOf(l.channelId));
        this.channels.add(this.id(l.channelId));
      }
      const userId = l.userId === null ? null : this.id(l.userId);
      const earlier = revisited.get(l.channelId);
      const ts = tsNumber(l.ts);
      const key = Number.isNaN(ts) ? l.ts : ts;
      const i = earlier?.get(key);
      if (i !== undefined) {
        this.meetingId[i] = l.meetingId;
        this.kind[i] = l.kind;
        this.time[i] = l.time;
        this.userId[i] = userId;
        if (l.documents !== undefined) this.documents.set(i, l.documents);
        continue;
      }
      const at = this.ts.length;
      this.channelId.push(this.id(l.channelId));
      this.ts.push(ts);
      if (Number.isNaN(ts)) this.otherTs.set(at, l.ts);
      this.meetingId.push(l.meetingId);
      this.kind.push(l.kind);
      this.time.push(l.time);
      this.userId.push(userId);
      if (l.documents !== undefined) this.documents.set(at, l.documents);
      earlier?.set(key, at);
    }
  }

  /** The settled links grouped by meeting. */
  byMeeting(): Map<string, MeetingLinks> {
    const out = new Map<string, MeetingLinks>();
    for (let i = 0; i < this.ts.length; i++) {
      const meetingId = this.meetingId[i]!;
      const channelId = this.channelId[i]!;
      let group = out.get(meetingId);
      if (group === undefined) {
        group = { firstChannel: channelId, facts: [], documents: [] };
        out.set(meetingId, group);
      }
      group.facts.push({ channelId, kind: this.kind[i]!, time: this.time[i]!, userId: this.userId[i]! });
      const docs = this.documents.get(i);
      if (docs !== undefined) group.documents.push(...docs);
    }
    return out;
  }

  /** Where each message of an already settled channel is. */
  private entriesOf(channelId: string): Map<number | string, number> {
    const at = new Map<number | string, number>();
    for (let i = 0; i < this.ts.length; i++) if (this.channelId[i] === channelId) at.set(this.otherTs.get(i) ?? this.ts[i]!, i);
    return at;
  }

  private id(s: string): string {
    const known = this.ids.get(s);
    if (known !== undefined) return known;
    this.ids.set(s, s);
    return s;
  }
}
