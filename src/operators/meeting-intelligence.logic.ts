/**
 * The stateful pure core of meeting intelligence, driven message by message by the runtime.
 *
 * Order it relies on: messages of one channel arrive in ts order, channels one after
 * another, and a thread's parent before its replies. Per-message state is bounded: the
 * thread map holds the current channel's thread parents only (cleared when a new channel
 * starts, and capped), and so do the linked messages with their signals, which a later message
 * of the channel may move to another meeting. When the channel ends, what finish() needs of
 * them for the metrics is settled in compact form (see SettledLinks): that, the channels'
 * members and the Slack-only meetings are what grows with the data.
 *
 * Context: a reply reads its thread (the latest meeting signal in it, and the meeting the
 * thread is linked to); an unthreaded message reads the channel's latest top-level meeting
 * message of the last 30 minutes, so "sg" posted under a proposal in a DM confirms it.
 * Channel members (from `addChannel`) tell correlation whose meeting a DM is about.
 *
 * Slack-only meetings (huddles, ad hoc calls) are emitted when first seen and again by
 * finish() with their final participants; meetings are upserted by id, so the last wins.
 * A huddle started within 15 minutes of an ad hoc request ("huddle?") in the same channel
 * takes over the request's meeting (same id), so one conversation gives one meeting.
 */
import { envelope, type Envelope } from '../core/envelope.js';
import { messageKey, type CalendarEvent, type Channel, type Meeting, type MeetingMetrics, type Message, type MessageLink, type Signal } from '../core/records.js';
import { DEFAULT_WINDOWS, DISCUSSED_WITHIN_MS, linkToEvent, membersMeetBetween, type CorrelationContext, type CorrelationWindows } from './correlate.logic.js';
import { driveIdsIn } from './drive-links.logic.js';
import type { EventIndex, IndexedEvent } from './event-index.logic.js';
import type { IdentityIndex } from './identity.logic.js';
import { detectSignal, isBareDecline, isHuddleMessage } from './meeting-signals.logic.js';
import { DEFAULT_HOURLY_RATE, meetingMetricsFromFacts, type MetricsAttendee } from './metrics.logic.js';
import { SettledLinks } from './settled-links.logic.js';
import { offsetMinutesAt } from './time-expressions.logic.js';

export const ORIGIN = 'meeting-intelligence';
export const SMALL_CHANNEL_MEMBERS = 8;
const ADHOC_DURATION_MS = 30 * 60_000;
const ADHOC_MERGE_MS = 15 * 60_000;
/** A channel with more live threads than this forgets the oldest; replies to them are read without context. */
const MAX_THREADS_PER_CHANNEL = 20_000;
/**
 * Outside threads, a short reply this soon after a meeting message answers it: in a DM or a
 * small group people answer hours later; in a busy channel the conversation moves on fast.
 */
const CHANNEL_CONTEXT_MS = 30 * 60_000;
const SMALL_CHANNEL_CONTEXT_MS = 3 * 3_600_000;
/** How long a DM's unsettled exchange stays open to a message that moves it. */
const MOVE_CONTEXT_MS = 8 * 3_600_000;
/** How soon the members' meeting must start for a bare "can't make it" in their DM to be about it. */
const BARE_DECLINE_AHEAD_MS = 4 * 3_600_000;
const ASIDE = /^\s*(?:unrelated|btw|by the way|also\b|different topic|separately|side note|off[- ]topic)\b/i;

/** "unrelated, but…", "btw…", "also -…": a message that opens another subject than its thread's or channel's. */
export function isAside(text: string): boolean {
  return ASIDE.test(text);
}

export { driveIdsIn } from './drive-links.logic.js';

/** The author's UTC offset at a message. The profile's offset is a snapshot of today's; the zone name gives the offset at the message's instant. */
export function authorOffsetMinutes(zone: { tz: string | null; offsetMinutes: number | null }, at: number): number {
  return zone.tz !== null ? offsetMinutesAt(zone.tz, at) : zone.offsetMinutes ?? 0;
}

/**
 * The context a message is linked with: its thread's for a reply, the channel exchange's for a
 * top-level message read as an answer to it, none for an aside ("unrelated, but…", "btw…"),
 * which opens another subject.
 */
export function answeredContext<T>(m: Message, signal: Signal, context: T | undefined): T | undefined {
  const isReply = m.threadTs !== null && m.threadTs !== m.ts;
  return !ASIDE.test(m.text) && (isReply || signal.evidence.some((e) => e.startsWith('channel:'))) ? context : undefined;
}

/**
 * "I'll have to skip this one" in a DM or small group, a few hours before the members' meeting:
 * the calendar is its context. Null when the message is no bare decline or no such meeting is near.
 */
export function declineBeforeMembersMeet(m: Message, events: EventIndex, authorEmail: string | undefined, memberEmails: readonly string[]): Signal | null {
  if (authorEmail === undefined || !isBareDecline(m) || !membersMeetBetween(events, authorEmail, memberEmails, m.time, m.time + BARE_DECLINE_AHEAD_MS)) return null;
  return { channelId: m.channelId, ts: m.ts, time: m.time, userId: m.userId, threadTs: m.threadTs, kind: 'decline', confidence: 0.6, evidence: ['cue:decline', 'calendar:members-meet-soon'], times: [], links: [] };
}

/** How long after a top-level meeting message an unthreaded message may answer it, by the channel's member count. */
export function channelContextWindowMs(members: number): number {
  return members <= SMALL_CHANNEL_MEMBERS ? SMALL_CHANNEL_CONTEXT_MS : CHANNEL_CONTEXT_MS;
}

/** What linking one message reads besides its own words. */
export interface LinkingInputSource {
  readonly message: Message;
  readonly signal: Signal;
  readonly identities: IdentityIndex;
  readonly events: EventIndex;
  readonly windows: CorrelationWindows;
  readonly channelMemberEmails: string[];
  /**
   * The thread the message replies in, or the channel exchange it answers, with the meeting
   * (event id or Slack-only id) linked to it so far; undefined when the message is read on its own
   * (a top-level message that answers nothing, or an aside).
   */
  readonly context: { meetingId: string | null } | undefined;
  /** The author's UTC offset at the message (`authorOffsetMinutes`). */
  readonly tzOffsetMinutes: number;
  /** Who answered the message (Slack ids), when they decide between events at its stated time. */
  readonly participants?: readonly string[];
  /** The events the channel's messages were linked to in the last days (`DISCUSSED_WITHIN_MS`). */
  readonly discussed?: { has(eventId: string): boolean; keys(): Iterable<string> };
}

/**
 * The signal and correlation context a message is linked with. The replay and `convene explain`
 * both build them here, so explain scores the candidates the replay scored.
 */
export function linkingInput(src: LinkingInputSource): { signal: Signal; ctx: CorrelationContext } {
  const { message: m, signal, identities, events } = src;
  const isReply = m.threadTs !== null && m.threadTs !== m.ts;
  const authorEmail = m.userId ? identities.emailForSlackId(m.userId) : undefined;
  const emailsOf = (ids: readonly string[]): string[] => ids.map((u) => identities.emailForSlackId(u)).filter((e): e is string => e !== undefined);
  const threadEvent = src.context?.meetingId && events.get(src.context.meetingId) ? src.context.meetingId : undefined;
  // A counter-proposal in a thread ("clash at 2:15, 1:15 tomorrow ok?") names the old time
  // and the new one: the old one is the thread's meeting, the new one says where it went.
  const threadStart = threadEvent ? events.get(threadEvent)!.start : undefined;
  const counter = isReply && threadStart !== undefined && (signal.kind === 'reschedule' || signal.kind === 'propose') && signal.times.length >= 2;
  const quarter = 15 * 60_000;
  const day = 86_400_000;
  // The old time may come without its day ("clash at 2:15"): the same clock time counts as it.
  const isOld = (t: Signal['times'][number]): boolean =>
    Math.abs(t.start - threadStart!) <= quarter || (!t.certain && Math.abs((((t.start - threadStart! + day / 2) % day) + day) % day - day / 2) <= quarter);
  const newTimes = counter ? signal.times.filter((t) => !isOld(t)) : signal.times;
  const text = `${m.text}\n${m.extraText}`;
  const base = { ...(authorEmail ? { authorEmail } : {}), windows: src.windows, channelMemberEmails: src.channelMemberEmails, text, events };
  // Those who answered a proposal decide between the events at its time by who they are: its people alone, no one mentioned.
  if (src.participants !== undefined) return { signal, ctx: { ...base, mentionedEmails: [], participantEmails: emailsOf(src.participants) } };
  const ctx: CorrelationContext = {
    ...base,
    mentionedEmails: emailsOf(m.mentions),
    ...(threadEvent ? { threadMeetingId: threadEvent, contextIsChannel: !isReply } : {}),
    standalone: !isReply && src.context === undefined,
    tzOffsetMinutes: src.tzOffsetMinutes,
    ...(src.discussed ? { discussedEventIds: src.discussed } : {}),
  };
  return { signal: newTimes.length === signal.times.length || newTimes.length === 0 ? signal : { ...signal, times: newTimes }, ctx };
}

export interface MeetingIntelligenceOptions {
  /** Cost of one attendee-hour for the metrics, in the organization's currency. */
  readonly hourlyRate?: number;
  /** The correlation windows (default DEFAULT_WINDOWS: 21 days before an event, 3 after). */
  readonly windows?: CorrelationWindows;
}

export interface MeetingIntelligenceDeps {
  readonly events: EventIndex;
  readonly identities: IdentityIndex;
  timezoneOf(userId: string): { tz: string | null; offsetMinutes: number | null };
}

export type IntelligenceOutput = Envelope<Signal, 'signal'> | Envelope<MessageLink, 'message_link'> | Envelope<Meeting, 'meeting'>;
export type FinishOutput = Envelope<Meeting, 'meeting'> | Envelope<MeetingMetrics, 'meeting_metrics'>;

interface ThreadState {
  readonly parentText: string;
  /** The latest meeting signal in the thread: context for short replies. */
  signal: Signal | null;
  /** A calendar event id, or a Slack-only meeting id (`slack:...`). */
  meetingId: string | null;
  /** The thread's meeting signals so far, which a later message that names the meeting relinks. */
  signals?: Signal[];
  /** The parent, when its stated time decided the thread's meeting: who answers may decide again. */
  decider?: { signal: Signal; message: Message };
  /** Slack ids of the people who answered in the thread. */
  repliers?: Set<string>;
}

interface LinkedMessage {
  link: MessageLink;
  signal: Signal;
}

export class MeetingIntelligence {
  private channel: string | null = null;
  private readonly threads = new Map<string, ThreadState>();
  /** The channel's latest top-level meeting message, context for unthreaded replies. */
  private recent: (ThreadState & { at: number }) | null = null;
  /**
   * The current channel's linked messages by `channel:ts`; a later message in its thread may move
   * one to another meeting. Settled when the channel ends.
   */
  private readonly linked = new Map<string, LinkedMessage>();
  /** The linked messages of the channels read before, as the metrics read them. */
  private readonly settled = new SettledLinks();
  private readonly slackMeetings = new Map<string, Meeting>();
  /** The calendar events the current channel's messages were linked to, by the time of the latest link, oldest first. */
  private readonly discussed = new Map<string, number>();
  /** The latest ad hoc meeting, which a huddle started soon after in its channel takes over. */
  private lastAdhoc: Meeting | null = null;

  /** Slack ids of each channel's members; DMs and small groups say whose meeting it is. */
  private readonly members = new Map<string, string[]>();
  /** The members' ids, shared across channels (each channel's list holds its own copies of the same strings). */
  private readonly memberIds = new Map<string, string>();
  private memberEmails: { channelId: string; emails: string[] } | null = null;

  /** Drive ids referenced by the current channel's signals, by `channel:ts` (only messages that reference any). */
  private readonly documents = new Map<string, string[]>();
  private readonly hourlyRate: number;
  private readonly windows: CorrelationWindows;

  constructor(private readonly deps: MeetingIntelligenceDeps, options: MeetingIntelligenceOptions = {}) {
    this.hourlyRate = options.hourlyRate ?? DEFAULT_HOURLY_RATE;
    this.windows = options.windows ?? DEFAULT_WINDOWS;
  }

  /** Channel metadata, read before the channel's messages (a Slack export lists channels first). */
  addChannel(c: Channel): void {
    this.members.set(c.id, c.members.map((u) => this.memberId(u)));
    if (this.memberEmails?.channelId === c.id) this.memberEmails = null;
  }

  private memberId(id: string): string {
    const known = this.memberIds.get(id);
    if (known !== undefined) return known;
    this.memberIds.set(id, id);
    return id;
  }

  private channelMemberEmails(channelId: string): string[] {
    if (this.memberEmails?.channelId !== channelId) {
      const emails = (this.members.get(channelId) ?? []).map((u) => this.deps.identities.emailForSlackId(u)).filter((e): e is string => e !== undefined);
      this.memberEmails = { channelId, emails };
    }
    return this.memberEmails.emails;
  }

  processMessage(m: Message): IntelligenceOutput[] {
    if (m.channelId !== this.channel) {
      this.settleChannel();
      this.channel = m.channelId;
      this.threads.clear();
      this.recent = null;
      this.discussed.clear();
    }
    // Only the last days of the channel's talk count: drop the links before them (oldest first).
    for (const [id, at] of this.discussed) {
      if (at >= m.time - DISCUSSED_WITHIN_MS) break;
      this.discussed.delete(id);
    }
    const isReply = m.threadTs !== null && m.threadTs !== m.ts;
    const size = this.members.get(m.channelId)?.length ?? Number.POSITIVE_INFINITY;
    const window = channelContextWindowMs(size);
    const recent = !isReply && this.recent !== null && m.time - this.recent.at <= window ? this.recent : undefined;
    const thread = isReply ? this.threads.get(m.threadTs!) : recent;
    let signal = detectSignal({
      message: m,
      tzOffsetMinutes: this.offsetFor(m),
      tz: m.userId !== null ? this.deps.timezoneOf(m.userId).tz : null,
      ...(thread ? { parent: { signal: thread.signal, text: thread.parentText } } : {}),
    });
    // "I'll have to skip this one" in a DM, a few hours before the members' meeting: the calendar is its context.
    if (signal === null && !isReply && size <= SMALL_CHANNEL_MEMBERS) {
      const author = m.userId ? this.deps.identities.emailForSlackId(m.userId) : undefined;
      signal = declineBeforeMembersMeet(m, this.deps.events, author, this.channelMemberEmails(m.channelId));
    }
    let own: ThreadState | undefined;
    if (!isReply && (m.isThreadParent || m.replyCount > 0 || m.threadTs === m.ts || isHuddleMessage(m))) {
      own = { parentText: m.text, signal, meetingId: null };
      if (this.threads.size >= MAX_THREADS_PER_CHANNEL) this.threads.delete(this.threads.keys().next().value!);
      this.threads.set(m.ts, own);
    }
    if (signal === null) return [];

    const key = messageKey(m.channelId, m.ts);
    const out: IntelligenceOutput[] = [envelope('signal', key, m.time, ORIGIN, signal)];
    const docs = driveIdsIn([...m.links, ...m.files.map((f) => f.url ?? '')].join(' '));
    if (docs.length > 0) this.documents.set(key, docs);
    // An aside ("unrelated but are we doing 1:1 today?") is about another meeting: a later reply that settles the thread does not move it.
    const aside = ASIDE.test(m.text);
    if (isReply && thread) thread.signal = signal;
    if (own) own.signals = [signal];
    else if (isReply && thread && !aside) (thread.signals ??= []).push(signal);
    // Channel context comes from what people start, not from the replies it explains.
    const fromContext = signal.evidence.some((e) => e.startsWith('channel:'));
    const previous = this.recent;
    if (!isReply && !fromContext) this.recent = { parentText: m.text, signal, meetingId: null, at: m.time, signals: [signal] };
    else if (!isReply && recent) {
      // An answer in the channel belongs to the exchange it answers, which a later message may settle.
      (recent.signals ??= []).push(signal);
    }

    const linked = this.link(m, signal, thread);
    if (linked) {
      if (linked.meeting) out.push(envelope('meeting', linked.meeting.id, linked.meeting.start, ORIGIN, { ...linked.meeting, participants: [...linked.meeting.participants] }));
      const link = linked.link;
      out.push(envelope('message_link', key, m.time, ORIGIN, link));
      this.linked.set(key, { link, signal });
      if (own) {
        own.meetingId = link.meetingId;
        if (link.method === 'time') own.decider = { signal, message: m };
      } else if (isReply && thread?.decider && m.userId !== null && (signal.kind === 'confirm' || signal.kind === 'decline')) {
        out.push(...this.redecideByRepliers(thread, m));
      }
      else if (isReply && thread && !ASIDE.test(m.text)) out.push(...this.settleThread(thread, link));
      // Outside threads the same holds for an exchange in the channel: "10am Wed work?", "accepted",
      // then "new time for chat: 11am today" names the meeting the whole exchange was about.
      else if (!isReply && fromContext && recent && !ASIDE.test(m.text)) out.push(...this.settleThread(recent, link));
      // "sorry, can we move to Thursday 1:30?" hours later in a DM moves the exchange still open there.
      else if (!isReply && signal.kind === 'reschedule' && size <= SMALL_CHANNEL_MEMBERS && previous !== null && previous !== recent && previous.meetingId === null && m.time - previous.at <= MOVE_CONTEXT_MS) {
        out.push(...this.settleThread(previous, link));
      }
      if (!isReply && !fromContext && this.recent !== null) this.recent.meetingId = link.meetingId;
    }
    for (const o of out) {
      if (o.kind !== 'message_link') continue;
      const id = (o.payload as MessageLink).meetingId;
      if (!this.deps.events.get(id)) continue;
      this.discussed.delete(id);
      this.discussed.set(id, m.time);
    }
    return out;
  }

  /**
   * Deferred linking: a reply that names the meeting by its link, time or title settles a
   * thread that had none, and a reply that moves the meeting ("can we do 1:15 tomorrow
   * instead?") carries the thread with it: the proposal before it was the same meeting at its
   * old time, so the messages linked through the thread follow.
   */
  /**
   * Two events at the stated time (the same people often have both): those who answer the
   * proposal are its attendees. Each answer scores the proposal again with the repliers, and
   * the thread moves when another event at that time now wins.
   */
  private redecideByRepliers(thread: ThreadState, m: Message): IntelligenceOutput[] {
    const decider = thread.decider!;
    (thread.repliers ??= new Set()).add(m.userId!);
    const author = decider.message.userId;
    if (m.userId === author || thread.meetingId === null) return [];
    const participants = [...thread.repliers].filter((u) => u !== author);
    const input = linkingInput({
      message: decider.message, signal: decider.signal, identities: this.deps.identities, events: this.deps.events, windows: this.windows,
      channelMemberEmails: this.channelMemberEmails(m.channelId), context: undefined, tzOffsetMinutes: this.offsetFor(decider.message), participants,
    });
    if (input.ctx.participantEmails?.length === 0) return [];
    const again = linkToEvent(input.signal, input.ctx);
    if (again === null || again.method !== 'time' || again.eventId === thread.meetingId) return [];
    // Only between events at the same time: the time already said which; the people say which of those.
    const before = this.deps.events.get(thread.meetingId);
    const after = this.deps.events.get(again.eventId);
    if (!before || !after || Math.abs(before.start - after.start) > 15 * 60_000) return [];
    const previous = thread.meetingId;
    thread.meetingId = again.eventId;
    const out: IntelligenceOutput[] = [];
    for (const s of thread.signals ?? []) {
      const key = messageKey(s.channelId, s.ts);
      const earlier = this.linked.get(key);
      if (!earlier || earlier.link.meetingId !== previous) continue;
      const moved: MessageLink = { ...earlier.link, meetingId: again.eventId, evidence: [...earlier.link.evidence, 'repliers:attendees', `moved-from:${previous}`] };
      this.linked.set(key, { link: moved, signal: s });
      out.push(envelope('message_link', key, s.time, ORIGIN, moved));
    }
    return out;
  }

  private settleThread(thread: ThreadState, link: MessageLink): IntelligenceOutput[] {
    const strong = link.method === 'link' || link.method === 'time' || link.method === 'title';
    const previous = thread.meetingId;
    if (previous === link.meetingId || !strong || !this.deps.events.get(link.meetingId)) return [];
    if (previous !== null && !((link.kind === 'reschedule' || link.kind === 'propose') && this.deps.events.get(previous))) return [];
    thread.meetingId = link.meetingId;
    const out: IntelligenceOutput[] = [];
    for (const s of thread.signals ?? []) {
      const key = messageKey(s.channelId, s.ts);
      const earlier = this.linked.get(key);
      if (earlier && (earlier.link.meetingId === link.meetingId || earlier.link.meetingId !== previous)) continue;
      if (!earlier && previous !== null) continue;
      const moved: MessageLink = { channelId: s.channelId, ts: s.ts, meetingId: link.meetingId, kind: s.kind, confidence: 0.8, method: 'thread', evidence: ['thread:later', ...(earlier ? [`moved-from:${previous}`] : [])] };
      this.linked.set(key, { link: moved, signal: s });
      out.push(envelope('message_link', key, s.time, ORIGIN, moved));
    }
    return out;
  }

  /** The channel's links can no longer move: keeps what the metrics read of them. */
  private settleChannel(): void {
    if (this.linked.size > 0) {
      this.settled.settle(Array.from(this.linked, ([key, { link, signal }]) => ({
        channelId: link.channelId, ts: link.ts, meetingId: link.meetingId, kind: link.kind, time: signal.time, userId: signal.userId, documents: this.documents.get(key),
      })));
    }
    this.linked.clear();
    this.documents.clear();
  }

  /** The meetings and their metrics, once every message has been read. */
  finish(): FinishOutput[] {
    return [...this.finishing()];
  }

  /**
   * What finish() returns, one record at a time: every linked meeting, then every meeting's
   * metrics, built as they are taken, so a caller that paces them never holds them all.
   */
  *finishing(): Generator<FinishOutput> {
    this.settleChannel();
    const byMeeting = this.settled.byMeeting();
    const ids = [...byMeeting.keys()].sort();
    const meetingOf = (id: string): Meeting | undefined => {
      const slack = this.slackMeetings.get(id);
      if (slack) return slack;
      const event = this.deps.events.get(id);
      return event ? this.calendarMeeting(event, byMeeting.get(id)!.firstChannel) : undefined;
    };
    for (const id of ids) {
      const meeting = meetingOf(id);
      if (meeting) yield envelope('meeting', meeting.id, meeting.start, ORIGIN, meeting);
    }
    for (const id of ids) {
      const meeting = meetingOf(id);
      if (!meeting) continue;
      const group = byMeeting.get(meeting.id)!;
      const event = meeting.calendarEventId !== null ? this.deps.events.get(meeting.calendarEventId) : undefined;
      const documents = group.documents;
      if (event) documents.push(...event.documents);
      const context = { eventCreated: event?.created ?? null, attendees: this.attendeesOf(meeting, event), documents, hourlyRate: this.hourlyRate };
      yield envelope('meeting_metrics', meeting.id, meeting.start, ORIGIN, meetingMetricsFromFacts(meeting, group.facts, context));
    }
  }

  /** The people on a meeting who did not decline (rooms excluded), with their zone and team. */
  private attendeesOf(meeting: Meeting, event: IndexedEvent | undefined): MetricsAttendee[] {
    const ids = this.deps.identities;
    const seen = new Set<string>();
    const out: MetricsAttendee[] = [];
    const add = (slackId: string | undefined, email: string | undefined): void => {
      const k = slackId ?? email;
      if (k === undefined || seen.has(k)) return;
      seen.add(k);
      out.push({ inSlack: slackId !== undefined, timeZone: slackId !== undefined ? this.deps.timezoneOf(slackId).tz : null, team: ids.departmentOf(email ?? slackId!) ?? null });
    };
    if (event) {
      for (const a of event.attendees) {
        if (a.resource || a.responseStatus === 'declined' || !a.email) continue;
        add(ids.slackIdForEmail(a.email), a.email.toLowerCase());
      }
      const organizer = event.organizer?.email;
      if (organizer && !event.attendees.some((a) => a.email?.toLowerCase() === organizer.toLowerCase())) add(ids.slackIdForEmail(organizer), organizer.toLowerCase());
    } else {
      for (const u of meeting.participants) add(u, ids.emailForSlackId(u));
    }
    return out;
  }

  private offsetFor(m: Message): number {
    return m.userId === null ? 0 : authorOffsetMinutes(this.deps.timezoneOf(m.userId), m.time);
  }

  private link(m: Message, signal: Signal, context: ThreadState | undefined): { link: MessageLink; meeting?: Meeting } | null {
    const base = { channelId: m.channelId, ts: m.ts, kind: signal.kind };
    const isReply = m.threadTs !== null && m.threadTs !== m.ts;
    const thread = answeredContext(m, signal, context);
    if (signal.kind === 'huddle' && m.huddle !== null && isHuddleMessage(m)) {
      const meeting = this.huddleMeeting(m);
      return { meeting, link: { ...base, meetingId: meeting.id, confidence: 0.99, method: 'huddle', evidence: ['huddle:room'] } };
    }
    const threadSlack = thread?.meetingId ? this.slackMeetings.get(thread.meetingId) : undefined;
    if (threadSlack) {
      this.addParticipants(threadSlack, [m.userId, ...m.mentions]);
      return { link: { ...base, meetingId: threadSlack.id, confidence: 0.8, method: 'thread', evidence: ['thread:parent'] } };
    }

    const input = linkingInput({
      message: m, signal, identities: this.deps.identities, events: this.deps.events, windows: this.windows,
      channelMemberEmails: this.channelMemberEmails(m.channelId), context: thread ? { meetingId: thread.meetingId } : undefined, tzOffsetMinutes: this.offsetFor(m),
      // An aside opens another subject: what the channel has been talking about says nothing of it.
      ...(isAside(m.text) ? {} : { discussed: this.discussed }),
    });
    const found = linkToEvent(input.signal, input.ctx);
    if (found) {
      return { link: { ...base, meetingId: found.eventId, confidence: found.confidence, method: found.method, evidence: found.evidence } };
    }
    if (signal.evidence.includes('adhoc:now') && !['cancel', 'decline', 'followup'].includes(signal.kind)) {
      const meeting = this.adhocMeeting(m);
      return { meeting, link: { ...base, meetingId: meeting.id, confidence: 0.7, method: 'context', evidence: ['adhoc:no-event'] } };
    }
    return null;
  }

  private huddleMeeting(m: Message): Meeting {
    const h = m.huddle!;
    const participants = h.participants.length > 0 ? [...h.participants] : h.createdBy ? [h.createdBy] : [];
    // "huddle?" then a huddle a few minutes later: one conversation, one meeting. The ad hoc
    // meeting the request opened becomes the huddle (same id, so the stored record is replaced).
    const pending = this.lastAdhoc !== null && this.lastAdhoc.channelId === m.channelId && m.time - this.lastAdhoc.start <= ADHOC_MERGE_MS ? this.lastAdhoc : null;
    if (pending) {
      this.addParticipants(pending, participants);
      const merged: Meeting = { ...pending, kind: 'huddle', title: h.name || null, start: h.dateStart ?? m.time, end: h.dateEnd, organizer: h.createdBy ?? pending.organizer };
      this.slackMeetings.set(merged.id, merged);
      this.lastAdhoc = null;
      return merged;
    }
    const meeting: Meeting = {
      id: `slack:${m.channelId}:${m.ts}`, source: 'slack', kind: 'huddle', calendarEventId: null, title: h.name || null,
      channelId: m.channelId, start: h.dateStart ?? m.time, end: h.dateEnd, status: 'confirmed',
      organizer: h.createdBy ?? m.userId, participants, recurringEventId: null,
    };
    this.slackMeetings.set(meeting.id, meeting);
    return meeting;
  }

  private adhocMeeting(m: Message): Meeting {
    const meeting: Meeting = {
      id: `slack:${m.channelId}:${m.ts}`, source: 'slack', kind: 'adhoc', calendarEventId: null, title: null,
      channelId: m.channelId, start: m.time, end: m.time + ADHOC_DURATION_MS, status: 'confirmed',
      organizer: m.userId, participants: [], recurringEventId: null,
    };
    this.addParticipants(meeting, [m.userId, ...m.mentions]);
    this.slackMeetings.set(meeting.id, meeting);
    this.lastAdhoc = meeting;
    return meeting;
  }

  private addParticipants(meeting: Meeting, users: Array<string | null>): void {
    for (const u of users) if (u !== null && !meeting.participants.includes(u)) meeting.participants.push(u);
  }

  private calendarMeeting(e: IndexedEvent, channelId: string): Meeting {
    const who = (email: string | null): string | null => (email ? this.deps.identities.slackIdForEmail(email) ?? email.toLowerCase() : null);
    const participants: string[] = [];
    for (const a of e.attendees) {
      if (a.resource) continue;
      const p = who(a.email);
      if (p !== null && !participants.includes(p)) participants.push(p);
    }
    return {
      id: e.id, source: 'calendar', kind: 'scheduled', calendarEventId: e.id, title: e.summary, channelId,
      start: e.start, end: e.end, status: e.status, organizer: who(e.organizer?.email ?? null),
      participants, recurringEventId: e.recurringEventId,
    };
  }
}
