/**
 * Everyday Slack traffic that is not about any one meeting: chat and threads in channels and
 * DMs, deploy and GitHub bot posts, incidents, file shares, edits, joins, a deleted thread
 * parent. None of it is tagged for truth.
 */
import type { ChannelDef, Org, OrgPerson } from './org.js';
import { TEAM_ID } from './org.js';
import { deployBotText, distractorReply, distractorText, githubAttachment } from './distractors.js';
import type { Rng } from './rng.js';
import { slackId } from './rng.js';
import type { Pending } from './slack-writer.js';
import { MINUTE, dayAt, slackTs, zonedToUtc } from './time.js';
import type { Workspace } from './workspace.js';

const FLAVOR_WEIGHT: Record<string, number> = {
  general: 1, random: 3, announcements: 0.2, incidents: 2, deploys: 3, eng: 4, dept: 3, team: 8, project: 6, social: 1, leads: 2,
};

export interface FillerPlan {
  channels: (readonly [ChannelDef, number])[];
  leaverUntilDay: number;
  circles: Map<number, number[]>;   // whom each person DMs: teammates, manager, reports, a few others
  tombstones: number;
}

export function planFiller(org: Org, days: number, rng: Rng): FillerPlan {
  const circles = new Map<number, number[]>();
  const reachable = org.people.filter((p) => p.slackId && !p.deleted).map((p) => p.idx);
  for (const p of org.people) {
    if (!p.slackId || p.deleted) continue;
    const mates = (org.teams.get(p.team) ?? []).filter((i) => i !== p.idx);
    const reports = org.people.filter((q) => q.manager === p.idx).map((q) => q.idx);
    const picks = [...rng.sample(mates, 5), ...reports, ...(p.manager === null ? [] : [p.manager]), ...rng.sample(reachable, 3)];
    circles.set(p.idx, [...new Set(picks)].filter((i) => i !== p.idx && reachable.includes(i)));
  }
  return {
    tombstones: 0,
    circles,
    channels: org.channels.map((c) => [c, (FLAVOR_WEIGHT[c.flavor] ?? 1) * Math.sqrt(c.members.length)] as const),
    leaverUntilDay: Math.floor(days * 0.3),
  };
}

function postTime(rng: Rng, p: OrgPerson, startDate: string, day: number, earliest: number): number {
  const d = dayAt(startDate, day);
  const t = zonedToUtc(d.year, d.month, d.day, rng.between(8, 18), rng.int(60), p.tz) + rng.int(60) * 1000;
  return Math.max(t, earliest + rng.int(3600) * 1000);
}

/** Writes about `count` distractor messages for `day`; returns how many were written. */
export function writeFiller(ws: Workspace, plan: FillerPlan, rng: Rng, startDate: string, day: number, count: number, earliest: number): number {
  const org = ws.org;
  const w = ws.writer;
  const before = w.messages;
  const canPost = (i: number): boolean => {
    const p = org.people[i];
    return !!p && !!p.slackId && (!p.deleted || day < plan.leaverUntilDay);
  };
  let guard = 0;
  while (w.messages - before < count && guard++ < count * 3) {
    w.sealIfLarge();
    let ch: ChannelDef;
    let author: OrgPerson;
    if (rng.chance(0.28)) {
      const a = org.people[rng.int(org.people.length)] as OrgPerson;
      if (!canPost(a.idx) || a.deleted) continue;
      const circle = plan.circles.get(a.idx) ?? [];
      if (circle.length === 0) continue;
      const b = org.people[rng.pick(circle)];
      if (!b || b === a || !canPost(b.idx) || b.deleted) continue;
      ch = ws.dmBetween(a, b);
      author = rng.chance(0.5) ? a : b;
    } else {
      ch = rng.weighted(plan.channels);
      const members = ch.members.filter(canPost);
      if (members.length === 0) continue;
      author = org.people[rng.pick(members)] as OrgPerson;
    }
    const at = postTime(rng, author, startDate, day, earliest);
    const r = rng.next();
    if (ch.flavor === 'deploys' && r < 0.35) {
      const bot = org.bots.deploy;
      w.add(ch, { type: 'message', subtype: 'bot_message', text: deployBotText(rng), ts: '', username: 'deploybot', bot_id: bot.botId, icons: { emoji: ':rocket:' } }, at);
      continue;
    }
    if ((ch.flavor === 'team' || ch.flavor === 'project') && r < 0.08) {
      const gh = githubAttachment(rng);
      w.add(ch, { type: 'message', subtype: 'bot_message', text: gh.text, ts: '', username: 'GitHub', bot_id: org.bots.github.botId, attachments: gh.attachments }, at);
      continue;
    }
    if (r < 0.01 && ch.kind !== 'im') {
      w.add(ch, { type: 'message', subtype: 'channel_join', ts: '', user: author.slackId, text: `<@${author.slackId}> has joined the channel` }, at);
      continue;
    }
    const others = ch.members.filter((i) => i !== author.idx && canPost(i));
    const mention = others.length > 0 ? (org.people[rng.pick(others)] as OrgPerson) : author;
    // Team channels and DMs talk shop in the author's own department's terms.
    const flavor = ['team', 'dept', 'dm', 'mpim', 'project'].includes(ch.flavor) && rng.chance(0.7) ? author.department : ch.flavor;
    const text = distractorText(rng, flavor, { name: mention.given, user: mention.slackId ?? '' });
    const obj = ws.userMsg(author, text, rng);
    if (r < 0.04) {
      const fid = slackId(rng, 'F');
      const name = rng.pick(['screenshot.png', 'Screen Shot 2026-03-04 at 10.12.33.png', 'error.log', 'design-v3.fig', 'q2-plan.pdf', 'trace.txt']);
      obj.files = [{ id: fid, created: Math.floor(at / 1000), timestamp: Math.floor(at / 1000), name, title: name, mimetype: name.endsWith('png') ? 'image/png' : name.endsWith('pdf') ? 'application/pdf' : 'text/plain',
        filetype: name.split('.').pop(), pretty_type: name.split('.').pop()?.toUpperCase(), user: author.slackId, mode: 'hosted', editable: false, is_external: false, external_type: '', size: rng.between(2000, 900000),
        url_private: `https://files.slack.com/files-pri/${TEAM_ID}-${fid}/${encodeURIComponent(name)}?t=xoxe-${rng.chars('0123456789abcdef', 24)}`,
        permalink: `https://northwind.slack.com/files/${author.slackId}/${fid}/${encodeURIComponent(name)}`, is_public: ch.kind === 'public' }];
      obj.upload = true;
      obj.display_as_bot = false;
    }
    const parent = w.add(ch, obj, at);
    if (rng.chance(0.05)) obj.edited = { user: author.slackId, ts: slackTs(at + rng.between(20, 3000) * 1000, 0) };
    if (rng.chance(0.004)) obj.subtype = 'me_message';
    if (rng.chance(0.22) && others.length > 0) threadReplies(ws, plan, ch, parent, others, rng, at);
  }
  return w.messages - before;
}

function threadReplies(ws: Workspace, plan: FillerPlan, ch: ChannelDef, parent: Pending, others: number[], rng: Rng, at: number): void {
  const n = rng.weighted([[1, 35], [2, 25], [3, 15], [4, 10], [6, 8], [9, 7]] as const);
  let t = at;
  for (let k = 0; k < n; k++) {
    t += rng.between(1, 40) * MINUTE;
    const p = ws.org.people[rng.pick(others)] as OrgPerson;
    const text = rng.chance(0.55) ? distractorReply(rng) : distractorText(rng, ch.flavor === 'dm' || ch.flavor === 'team' ? p.department : ch.flavor, { name: p.given, user: p.slackId ?? '' });
    const reply = ws.writer.reply(ch, parent, ws.userMsg(p, text, rng), t);
    if (k === 0 && rng.chance(0.02)) {
      reply.obj.subtype = 'thread_broadcast';
      reply.obj.root = { text: parent.obj.text, user: parent.obj.user, ts: parent.ts };
    }
  }
  if (rng.chance(0.01) || (plan.tombstones === 0 && ch.kind !== 'im')) {
    plan.tombstones++;
    // A parent deleted after people replied survives as a tombstone, as real exports show.
    const p = parent.obj;
    for (const key of ['client_msg_id', 'blocks', 'team', 'user_team', 'source_team', 'files', 'upload', 'edited', 'display_as_bot']) delete p[key];
    p.subtype = 'tombstone';
    p.user = 'USLACKBOT';
    p.text = 'This message was deleted.';
    p.hidden = true;
  }
}
