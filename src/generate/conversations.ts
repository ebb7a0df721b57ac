/**
 * Coordination conversations: each concerns one meeting (a calendar event instance or a
 * Slack-only huddle or call) and every message of it is tagged with that meeting and its
 * kind for truth.json. Times are chosen relative to the meeting and clamped to `earliest`,
 * the first moment the writer can still accept.
 */
import type { CalEvent } from './calendar.js';
import { personalZoom } from './calendar.js';
import type { ChannelDef, OrgPerson } from './org.js';
import { ADHOC_PROPOSE, HUDDLE_JOIN, HUDDLE_PRE, TEMPLATES, TOPICS, clockPhrase, dayPhrase, fill, roughen, whenPhrase } from './phrasings.js';
import type { CoordKind } from './phrasings.js';
import type { Rng } from './rng.js';
import { slackId } from './rng.js';
import type { Pending, TruthTag } from './slack-writer.js';
import { MINUTE, basicUtc, dateDiff, isoUtc, localParts, offsetMinutes } from './time.js';
import type { Workspace } from './workspace.js';
import { uuid } from './workspace.js';

export interface ConvContext {
  ws: Workspace;
  rng: Rng;
  earliest: number;
  /** Another meeting of `person` near `around`, for replies that drift to a different meeting. */
  otherMeeting(person: number, around: number, not: CalEvent): CalEvent | null;
}

export function truthEventId(ev: CalEvent, ws: Workspace): string {
  const inJson = ev.attendees.some((a) => a.idx !== null && ws.org.people[a.idx]?.calendar === 'json');
  if (inJson) return ev.id;
  return ev.series && ev.originalStart !== null ? `${ev.baseId}@google.com_${basicUtc(ev.originalStart)}` : `${ev.baseId}@google.com`;
}

function tagFor(ctx: ConvContext, ev: CalEvent, kind: string): TruthTag {
  return { meeting: ctx.ws.meeting(`cal:${ev.id}`, () => ({ calendar_event_id: truthEventId(ev, ctx.ws) })), kind };
}

function slackPeople(ctx: ConvContext, ev: CalEvent): OrgPerson[] {
  const out: OrgPerson[] = [];
  for (const a of ev.attendees) {
    const p = a.idx === null ? undefined : ctx.ws.org.people[a.idx];
    if (p && p.slackId && !p.deleted) out.push(p);
  }
  return out;
}

function venueFor(ctx: ConvContext, people: OrgPerson[]): ChannelDef | null {
  const { ws, rng } = ctx;
  if (people.length === 2) return ws.dmBetween(people[0] as OrgPerson, people[1] as OrgPerson);
  if (people.length <= 4 && rng.chance(0.15)) return ws.mpim(people.map((p) => p.idx));
  const idxs = people.map((p) => p.idx);
  const shared = ws.org.channels.filter((c) => (c.flavor === 'team' || c.flavor === 'project' || c.flavor === 'dept' || c.flavor === 'leads') && idxs.every((i) => c.members.includes(i)));
  if (shared.length > 0) return rng.pick(shared);
  // With no channel in common, a group either opens a group DM or leaves it to the invite.
  if (people.length <= 8 && rng.chance(0.4)) return ws.mpim(idxs);
  return null;
}

function say(ctx: ConvContext, kind: CoordKind, vars: Record<string, string>): string {
  return roughen(ctx.rng, fill(ctx.rng.pick(TEMPLATES[kind]), vars));
}

function vars(ctx: ConvContext, ev: CalEvent, speaker: OrgPerson, at: number, other: OrgPerson | undefined, crossZone: boolean): Record<string, string> {
  const { rng } = ctx;
  const off = offsetMinutes(ev.start, speaker.tz);
  const dur = Math.round((ev.end - ev.start) / MINUTE);
  return {
    when: whenPhrase(rng, ev.start, at, speaker.tz, off, crossZone),
    day: dayPhrase(rng, ev.start, at, speaker.tz),
    time: clockPhrase(rng, ev.start, speaker.tz, off, crossZone),
    dur: dur >= 55 ? rng.pick(['an hour', '1h', '60 min']) : `${dur >= 40 ? 45 : 30} min`,
    title: ev.short, topic: rng.pick(TOPICS), name: other?.given ?? 'all', link: ev.conf?.url ? `<${ev.conf.url}>` : '',
    doc: `1${rng.chars('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-', 43)}`,
  };
}

/** A conversation about one calendar event. Mutates `ev` (declines, reschedules, cancellation) before it is written. */
export function coordinateEvent(ctx: ConvContext, ev: CalEvent): void {
  const { ws, rng } = ctx;
  const people = slackPeople(ctx, ev);
  const organizer = ws.org.people[ev.organizer] as OrgPerson;
  if (people.length < 2 || !people.includes(organizer)) return;
  const ch = venueFor(ctx, people);
  if (!ch) return;
  const cross = new Set(people.map((p) => p.tz)).size > 1;
  const others = people.filter((p) => p !== organizer);
  const post = (speaker: OrgPerson, kind: CoordKind | 'huddle', text: string, at: number, parent: Pending | null): Pending => {
    const obj = ws.userMsg(speaker, text, rng);
    const tag = tagFor(ctx, ev, kind);
    return parent ? ws.writer.reply(ch, parent, obj, at, tag) : ws.writer.add(ch, obj, at, tag);
  };
  const anchor = ev.originalStart ?? ev.start;
  const latestPre = anchor - 15 * MINUTE;
  let t = Math.max(ctx.earliest + rng.between(1, 120) * MINUTE, Math.min(ev.created - rng.between(2, 40) * MINUTE, anchor - rng.between(60, 600) * MINUTE));

  if (ev.series && ev.status === 'cancelled') {
    if (t >= latestPre) return;
    const v = vars(ctx, ev, organizer, t, others[0], cross);
    const msg = post(organizer, 'cancel', say(ctx, 'cancel', v), t, null);
    if (rng.chance(0.4)) post(rng.pick(others), 'confirm', rng.pick(['👍', 'np', 'ok, thanks for the heads up', ':+1:']), t + rng.between(2, 90) * MINUTE, ch.kind === 'im' ? null : msg);
    return;
  }
  if (ev.series && ev.moved) {
    if (t >= latestPre) return;
    const v = vars(ctx, ev, organizer, t, others[0], cross);
    const off = offsetMinutes(anchor, organizer.tz);
    v.newtime = clockPhrase(rng, ev.start, organizer.tz, off, cross);
    v.oldtime = clockPhrase(rng, anchor, organizer.tz, off, false);
    v.newwhen = `${dayPhrase(rng, ev.start, t, organizer.tz)} ${v.newtime}`;
    const msg = post(organizer, 'reschedule', say(ctx, 'reschedule', v), t, null);
    for (const p of rng.sample(others, rng.between(0, 2))) post(p, 'confirm', say(ctx, 'confirm', vars(ctx, ev, p, t, organizer, cross)), t + rng.between(2, 60) * MINUTE, msg);
    return;
  }

  const proposer = rng.chance(0.7) ? organizer : rng.pick(others);
  let parent: Pending | null = null;
  const threaded = ch.kind !== 'im' || rng.chance(0.5);
  const mode = ev.series ? 'plain' : rng.weighted([['plain', 82], ['reschedule', 12], ['cancel', 6]] as const);
  if (t < latestPre && (!ev.series || rng.chance(0.3))) {
    const oldStart = mode === 'reschedule' ? ev.start + rng.pick([-1, 1, 2]) * 86_400_000 + rng.pick([-60, 0, 60]) * MINUTE : ev.start;
    const v = vars(ctx, { ...ev, start: oldStart }, proposer, t, others[0], cross);
    parent = post(proposer, 'propose', say(ctx, 'propose', v), t, null);
    const responders = rng.sample(people.filter((p) => p !== proposer), rng.between(1, 3));
    for (const p of responders) {
      t += rng.between(1, 45) * MINUTE;
      if (t >= latestPre) break;
      const declines = rng.chance(0.12);
      if (declines) { const a = ev.attendees.find((x) => x.idx === p.idx); if (a) a.status = 'declined'; }
      else { const a = ev.attendees.find((x) => x.idx === p.idx); if (a && a.status !== 'accepted') a.status = 'accepted'; }
      const kind: CoordKind = declines ? 'decline' : 'confirm';
      post(p, kind, say(ctx, kind, vars(ctx, ev, p, t, proposer, cross)), t, threaded ? parent : null);
      if (rng.chance(0.08)) {
        const other = ctx.otherMeeting(p.idx, ev.start, ev);
        // Nobody asks whether a meeting that already began is still on.
        if (other && other.start > t + 15 * MINUTE) {
          const ov = vars(ctx, other, p, t, undefined, cross);
          // People name the day of a meeting that is not today ("tomorrow's standup"); a bare clock time means today's.
          const today = dateDiff(localParts(t, p.tz), localParts(other.start, p.tz)) <= 0;
          const asides = today
            ? ['btw still on for the {title} at {time}?', 'also - {title} {day} at {time} still happening?', 'unrelated but are we doing {title} {day}?', 'also reminder we have {title} at {time}']
            : ['btw still on for the {title} {day} at {time}?', 'also - {title} {day} at {time} still happening?', 'unrelated but are we doing {title} {day}?', 'also reminder we have {title} {day} at {time}'];
          const text = roughen(rng, fill(rng.pick(asides), ov));
          const obj = ws.userMsg(p, text, rng);
          t += rng.between(1, 10) * MINUTE;
          if (t < latestPre) ws.writer.reply(ch, parent, obj, t, tagFor(ctx, other, 'reminder'));
        }
      }
    }
    if (mode === 'reschedule' && t + 30 * MINUTE < latestPre) {
      t += rng.between(10, 240) * MINUTE;
      const mover = rng.pick(people);
      const v = vars(ctx, ev, mover, t, proposer, cross);
      const off = offsetMinutes(ev.start, mover.tz);
      v.newtime = clockPhrase(rng, ev.start, mover.tz, off, cross);
      v.oldtime = clockPhrase(rng, oldStart, mover.tz, off, false);
      v.newwhen = whenPhrase(rng, ev.start, t, mover.tz, off, cross);
      const msg = post(mover, 'reschedule', say(ctx, 'reschedule', v), Math.min(t, latestPre), threaded ? parent : null);
      ev.sequence = 1;
      ev.updated = Math.max(ev.updated, msg.time);
      post(proposer === mover ? (others[0] ?? organizer) : proposer, 'confirm', say(ctx, 'confirm', vars(ctx, ev, proposer, t, mover, cross)), msg.time + rng.between(1, 20) * MINUTE, threaded ? parent : null);
      t = msg.time + 20 * MINUTE;
    }
    if (mode === 'cancel' && t + 30 * MINUTE < latestPre) {
      t += rng.between(30, 600) * MINUTE;
      const v = vars(ctx, ev, organizer, t, undefined, cross);
      const msg = post(organizer, 'cancel', say(ctx, 'cancel', v), Math.min(t, latestPre), threaded ? parent : null);
      ev.status = 'cancelled';
      ev.updated = Math.max(ev.updated, msg.time);
      return;
    }
  }
  if (rng.chance(ev.series ? 0.4 : 0.15) && t + 30 * MINUTE < latestPre) {
    t += rng.between(10, 300) * MINUTE;
    post(organizer, 'agenda', say(ctx, 'agenda', vars(ctx, ev, organizer, t, others[0], cross)), Math.min(t, latestPre), null);
  }
  if (ev.series && rng.chance(0.25) && t < latestPre) {
    const p = rng.pick(others);
    const a = ev.attendees.find((x) => x.idx === p.idx);
    if (a) a.status = 'declined';
    post(p, 'decline', say(ctx, 'decline', vars(ctx, ev, p, t, organizer, cross)), Math.max(t, anchor - rng.between(20, 180) * MINUTE), null);
  }
  const reminderAt = ev.start - rng.between(2, 15) * MINUTE;
  if (rng.chance(0.2) && reminderAt > ctx.earliest && reminderAt > t) {
    post(rng.pick(people), 'reminder', say(ctx, 'reminder', vars(ctx, ev, organizer, reminderAt, undefined, cross)), reminderAt, null);
  }
  const linkAt = ev.start - rng.between(0, 8) * MINUTE;
  if (ev.conf?.url && rng.chance(0.4) && linkAt > ctx.earliest && linkAt > t) {
    post(organizer, 'link', say(ctx, 'link', vars(ctx, ev, organizer, linkAt, undefined, cross)), linkAt, parent && rng.chance(0.4) ? parent : null);
  }
  if (ev.conf?.kind === 'zoom' && ev.conf.url && rng.chance(0.3) && ev.start > ctx.earliest) zoomAppPost(ctx, ch, ev);
  if (rng.chance(0.08) && ev.created > ctx.earliest && ev.created < latestPre) gcalInvite(ctx, ev, rng.pick(others));
  if (rng.chance(0.22)) {
    const p = rng.chance(0.6) ? organizer : rng.pick(others);
    const at = ev.end + rng.between(5, 180) * MINUTE;
    post(p, 'followup', say(ctx, 'followup', vars(ctx, ev, p, at, rng.pick(others), cross)), at, null);
  }
}

function zoomAppPost(ctx: ConvContext, ch: ChannelDef, ev: CalEvent): void {
  const { ws, rng } = ctx;
  const bot = ws.org.bots.zoom;
  const obj: Record<string, unknown> = {
    type: 'message', text: '', user: bot.userId, ts: '', bot_id: bot.botId, app_id: bot.appId,
    bot_profile: { id: bot.botId, deleted: false, name: 'Zoom', updated: 1700000000, app_id: bot.appId, icons: { image_36: 'https://avatars.slack-edge.com/zoom_36.png' }, team_id: 'T0NW1ND0RG' },
    attachments: [{ fallback: `Meeting started: ${ev.summary}`, color: '2D8CFF', title: ev.summary, title_link: ev.conf?.url,
      text: `Meeting ID: ${ev.conf?.code}\nStarted by ${ws.org.people[ev.organizer]?.fullName}`, actions: [{ type: 'button', text: 'Join', url: ev.conf?.url }] }],
    team: 'T0NW1ND0RG',
  };
  ws.writer.add(ch, obj, ev.start + rng.between(0, 90) * 1000, tagFor(ctx, ev, 'link'));
}

function gcalInvite(ctx: ConvContext, ev: CalEvent, to: OrgPerson): void {
  const { ws, rng } = ctx;
  const bot = ws.org.bots.gcal;
  const ch = ws.dm(bot.userId, to.slackId as string, [to.idx]);
  const sec = Math.floor(ev.start / 1000);
  const fallback = new Intl.DateTimeFormat('en-US', { timeZone: to.tz, weekday: 'short', month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' }).format(new Date(ev.start));
  const when = `<!date^${sec}^{date_short_pretty} at {time}|${fallback.replace(/, (\d+:\d+)/, ' at $1')}>`;
  const organizer = ws.org.people[ev.organizer] as OrgPerson;
  const link = `https://www.google.com/calendar/event?eid=${Buffer.from(`${ev.id} ${to.email}`).toString('base64url')}`;
  // The app either delivers the invitation when the event is created or reminds before it starts.
  const reminder = rng.chance(0.4) && ev.start - 10 * MINUTE > ctx.earliest;
  const headline = reminder ? `*<${link}|${ev.summary}>* starts in 10 minutes` : `*${organizer.fullName}* invited you to *<${link}|${ev.summary}>*`;
  const obj: Record<string, unknown> = {
    type: 'message', text: '', user: bot.userId, ts: '', bot_id: bot.botId, app_id: bot.appId,
    bot_profile: { id: bot.botId, deleted: false, name: 'Google Calendar', updated: 1690000000, app_id: bot.appId, icons: { image_36: 'https://avatars.slack-edge.com/gcal_36.png' }, team_id: 'T0NW1ND0RG' },
    blocks: [{ type: 'section', block_id: rng.chars('abcdefghij', 5), text: { type: 'mrkdwn', text: `${headline}\n${when}` } }],
    attachments: [{ fallback: reminder ? `${ev.summary} starts in 10 minutes` : `${organizer.fullName} invited you to ${ev.summary}`, color: '4285F4', title: ev.summary, title_link: link,
      text: `${when}${ev.conf?.url ? `\n<${ev.conf.url}|Join ${ev.conf.kind === 'meet' ? 'with Google Meet' : 'Zoom meeting'}>` : ''}`, footer: 'Google Calendar' }],
    team: 'T0NW1ND0RG',
  };
  if (reminder) ws.writer.add(ch, obj, ev.start - 10 * MINUTE, tagFor(ctx, ev, 'reminder'));
  else ws.writer.add(ch, obj, ev.created + rng.between(5, 120) * 1000, tagFor(ctx, ev, 'propose'));
}

/** A Slack huddle (optionally asked for first), with chat in its thread; a Slack-only meeting. */
export function huddle(ctx: ConvContext, ch: ChannelDef, people: OrgPerson[], at: number): void {
  const { ws, rng } = ctx;
  const starter = people[0] as OrgPerson;
  const end = at + rng.between(4, 50) * MINUTE;
  const history = rng.chance(0.85) ? people : people.slice(0, Math.max(2, people.length - 1));
  const roomId = slackId(rng, 'R');
  const id = ws.meeting(`huddle:${roomId}`, () => ({ calendar_event_id: null, channel: ch.id, start: isoUtc(at), end: isoUtc(end), participants: history.map((p) => p.slackId) }));
  if (rng.chance(0.4)) ws.writer.add(ch, ws.userMsg(starter, roughen(rng, rng.pick(HUDDLE_PRE)), rng), at - rng.between(1, 4) * MINUTE, { meeting: id, kind: 'propose' });
  const obj: Record<string, unknown> = {
    type: 'message', subtype: 'huddle_thread', text: '', user: 'USLACKBOT', ts: '', no_notifications: true,
    permalink: `https://northwind.slack.com/call/${roomId}`,
    edited: { user: 'USLACKBOT', ts: `${Math.floor(end / 1000) + 1}.000000` },
    blocks: [{ type: 'rich_text', block_id: rng.chars('abcdefghij', 4), elements: [{ type: 'rich_text_section', elements: [{ type: 'text', text: 'A huddle started' }] }] }],
    room: {
      id: roomId, name: '', media_backend_type: 'free_willy', created_by: starter.slackId, date_start: Math.floor(at / 1000), date_end: Math.floor(end / 1000),
      participants: [], participant_history: history.map((p) => p.slackId), participants_camera_on: [], participants_camera_off: [],
      participants_screenshare_on: [], participants_screenshare_off: [], canvas_thread_ts: '', thread_root_ts: '', channels: [ch.id],
      is_dm_call: ch.kind === 'im', was_rejected: false, was_missed: false, was_accepted: false, has_ended: true, background_id: 'GRADIENT_03',
      canvas_background: 'GRADIENT_03', is_prewarmed: false, is_scheduled: false, attached_file_ids: [], media_server: '', display_id: '',
      external_unique_id: uuid(rng), app_id: 'A00', call_family: 'huddle', pending_invitees: {}, last_invite_status_by_user: {},
      huddle_link: `https://app.slack.com/huddle/T0NW1ND0RG/${ch.id}`,
    },
    team: 'T0NW1ND0RG',
  };
  const parent = ws.writer.add(ch, obj, at, { meeting: id, kind: 'huddle' });
  for (const p of people.slice(1)) {
    if (rng.chance(0.35)) ws.writer.reply(ch, parent, ws.userMsg(p, roughen(rng, rng.pick(HUDDLE_JOIN)), rng), at + rng.between(10, 120) * 1000, { meeting: id, kind: 'confirm' });
  }
  if (rng.chance(0.3)) {
    const text = roughen(rng, rng.pick(['notes from the huddle: {topic} is unblocked', 'thanks all! summary: {topic} goes out tomorrow', 'recap: {name} owns {topic}', 'action items from the huddle: fix {topic}, update ticket'])
      .replace('{topic}', rng.pick(TOPICS)).replace('{name}', (people[1] ?? starter).given));
    ws.writer.reply(ch, parent, ws.userMsg(rng.pick(people), text, rng), end + rng.between(1, 30) * MINUTE, { meeting: id, kind: 'followup' });
  }
}

/** "jump on a quick call?" + a personal Zoom room link, with no calendar event. */
export function adhocCall(ctx: ConvContext, ch: ChannelDef, caller: OrgPerson, callee: OrgPerson, at: number): void {
  const { ws, rng } = ctx;
  const start = at + rng.between(2, 5) * MINUTE;
  const end = start + rng.between(8, 35) * MINUTE;
  const id = ws.meeting(`adhoc:${ch.id}:${at}`, () => ({ calendar_event_id: null, channel: ch.id, start: isoUtc(start), end: isoUtc(end), participants: [caller.slackId, callee.slackId] }));
  const ask = ws.writer.add(ch, ws.userMsg(caller, roughen(rng, rng.pick(ADHOC_PROPOSE)), rng), at, { meeting: id, kind: 'propose' });
  const threaded = ch.kind !== 'im' && rng.chance(0.7);
  const yes = ws.userMsg(callee, roughen(rng, rng.pick(['sure', 'yep', 'ok', 'give me 2 min', 'sure, calling you', 'yes', 'one sec', 'ok sending link', '👍'])), rng);
  if (threaded) ws.writer.reply(ch, ask, yes, at + rng.between(20, 100) * 1000, { meeting: id, kind: 'confirm' });
  else ws.writer.add(ch, yes, at + rng.between(20, 100) * 1000, { meeting: id, kind: 'confirm' });
  const link = ws.userMsg(caller, rng.chance(0.7) ? `<${personalZoom(caller)}>` : `here: <${personalZoom(caller)}>`, rng);
  if (threaded) ws.writer.reply(ch, ask, link, start - rng.between(10, 50) * 1000, { meeting: id, kind: 'link' });
  else ws.writer.add(ch, link, start - rng.between(10, 50) * 1000, { meeting: id, kind: 'link' });
  if (rng.chance(0.2)) {
    ws.writer.add(ch, ws.userMsg(callee, roughen(rng, rng.pick(['thanks for the call, pushing the fix now', 'thx for jumping on, I’ll write up what we found', 'good call, summary: it was the cache'])), rng),
      end + rng.between(2, 40) * MINUTE, { meeting: id, kind: 'followup' });
  }
}
