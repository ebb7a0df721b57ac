/**
 * What the metrics need of the messages linked to meetings, kept for the whole run in a
 * compact form.
 *
 * The meeting intelligence holds each link with its signal while the link may still move
 * (a later message in its thread or channel exchange may carry it to another meeting), which
 * is only while its channel's messages are read. When the channel ends its links are settled
 * here, column by column: the meeting, the link's kind, the signal's time and author, and the
 * Drive ids the message references. That is a few words per linked message instead of the
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

/** One channel's settled links, one array per field. */
interface Segment {
  readonly channelId: string;
  readonly ts: string[];
  readonly meetingId: string[];
  readonly kind: SignalKind[];
  readonly time: number[];
  readonly userId: (string | null)[];
  /** Sparse: only messages that reference Drive files have an entry. */
  readonly documents: (readonly string[] | undefined)[];
}

export class SettledLinks {
  private readonly segments: Segment[] = [];
  private readonly channels = new Set<string>();
  /** Author ids, shared: every message holds its own copy of the same few hundred strings. */
  private readonly users = new Map<string, string>();
  private count = 0;

  /** How many linked messages are settled. */
  get size(): number {
    return this.count;
  }

  /** Settles links, in the order they were first linked. */
  settle(links: Iterable<SettledLink>): void {
    const open = new Map<string, { segment: Segment; earlier: Map<string, [Segment, number]> | null }>();
    for (const l of links) {
      let target = open.get(l.channelId);
      if (target === undefined) {
        target = { segment: this.newSegment(l.channelId), earlier: this.channels.has(l.channelId) ? this.settledOf(l.channelId) : null };
        this.channels.add(l.channelId);
        open.set(l.channelId, target);
      }
      const userId = l.userId === null ? null : this.user(l.userId);
      const before = target.earlier?.get(l.ts);
      if (before !== undefined) {
        const [s, i] = before;
        s.meetingId[i] = l.meetingId;
        s.kind[i] = l.kind;
        s.time[i] = l.time;
        s.userId[i] = userId;
        if (l.documents !== undefined) s.documents[i] = l.documents;
        continue;
      }
      const s = target.segment;
      const i = s.ts.length;
      s.ts.push(l.ts);
      s.meetingId.push(l.meetingId);
      s.kind.push(l.kind);
      s.time.push(l.time);
      s.userId.push(userId);
      if (l.documents !== undefined) s.documents[i] = l.documents;
      target.earlier?.set(l.ts, [s, i]);
      this.count++;
    }
    for (const { segment } of open.values()) if (segment.ts.length > 0) this.segments.push(segment);
  }

  /** The settled links grouped by meeting. */
  byMeeting(): Map<string, MeetingLinks> {
    const out = new Map<string, MeetingLinks>();
    for (const s of this.segments) {
      for (let i = 0; i < s.ts.length; i++) {
        const meetingId = s.meetingId[i]!;
        let group = out.get(meetingId);
        if (group === undefined) {
          group = { firstChannel: s.channelId, facts: [], documents: [] };
          out.set(meetingId, group);
        }
        group.facts.push({ channelId: s.channelId, kind: s.kind[i]!, time: s.time[i]!, userId: s.userId[i]! });
        const docs = s.documents[i];
        if (docs !== undefined) group.documents.push(...docs);
      }
    }
    return out;
  }

  private newSegment(channelId: string): Segment {
    return { channelId, ts: [], meetingId: [], kind: [], time: [], userId: [], documents: [] };
  }

  /** Where each message of an already settled channel is. */
  private settledOf(channelId: string): Map<string, [Segment, number]> {
    const at = new Map<string, [Segment, number]>();
    for (const s of this.segments) if (s.channelId === channelId) s.ts.forEach((ts, i) => at.set(ts, [s, i]));
    return at;
  }

  private user(id: string): string {
    const known = this.users.get(id);
    if (known !== undefined) return known;
    this.users.set(id, id);
    return id;
  }
}
