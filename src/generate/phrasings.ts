/**
 * How people write about meetings in Slack: template sets per coordination kind, time
 * phrases relative to when a message is posted and in the writer's zone, and light noise
 * (lowercase, typos, emoji) so that no detector can key on one exact wording.
 */
import type { Rng } from './rng.js';
import { dateDiff, localParts } from './time.js';

export type CoordKind = 'propose' | 'confirm' | 'decline' | 'reschedule' | 'cancel' | 'link' | 'agenda' | 'reminder' | 'followup';

export const TEMPLATES: Record<CoordKind, readonly string[]> = {
  propose: [
    'can we grab {dur} {when}?', 'are you free {when}?', '{when} work?', 'how about {when}?',
    'do you have time {when} to go over {topic}?', "let's sync on {topic} {when}", 'could we meet {when} to discuss {topic}?',
    'want to chat about {topic}? {when} works for me', "I'll send an invite for {when}", 'setting up a call {when} re {topic}',
    'quick sync {when}?', 'any chance you have {dur} {when}? want to walk through {topic}', 'can we do {when} for the {title}?',
    'let me know if {when} works for a call about {topic}', 'proposing {when} for {title}, shout if that doesnt work',
    'would {when} be ok for a quick meeting on {topic}?', "let's get 30 min on the calendar {when}", 'free for a call {when}?',
    'hey {name}, can we chat {when}? re {topic}', 'grabbing time {when} to review {topic}, ok?', 'does {when} work for everyone?',
    '{name} are you around {when}? would love {dur} on {topic}', 'can we meet {when}?', 'pinging about {topic} - meet {when}?',
    'sending a calendar invite for {title} {when}', 'booking {dur} {when} for {title} if nobody objects', 'how does {when} look for you?',
    'should we hop on a call {when} to figure out {topic}?',
    'put something on my cal for {when}, {topic}', 'open {when}? need your eyes on {topic}', 'what about {when} for {title}?',
    'I can do {when} if that suits', '{when} for {topic}? 30 min tops', 'would love to pick your brain on {topic}, {when}?',
  ],
  confirm: [
    '👍', ':+1:', 'works for me', 'sure', "I'll join", 'sounds good', 'yep', 'perfect, see you then', 'ok!', '👌', 'yes!',
    'that works', ':white_check_mark:', 'count me in', 'booked', 'great, accepted the invite', 'works', 'sg', 'sgtm', 'see you there',
    "i'm in", 'yes works', 'ok lets do it', 'works on my end :+1:', 'accepted', 'sure thing', 'can do', 'see you {day}', 'will be there', 'done, invite accepted', 'ok cool', 'fine by me', 'lgtm 👍', 'yup',
  ],
  decline: [
    "can't make it, sorry", 'I have a conflict, go ahead without me', "won't be able to join", "I'm ooo then, sorry 🙏",
    "I'll have to skip this one", 'sorry, double booked', "can't join, will catch up on notes", 'declining, in a customer call then',
    "not going to make it, I'm at the dentist", 'that slot is bad for me, go ahead', 'cant do that time :(', 'I have to pass, sorry',
    'I’m out that day', 'skip me for this one', "I'll miss it, please take notes", 'no can do, sorry', 'conflict on my side, sorry all',
    "I won't make the {title}", 'sadly not, I have another meeting', 'out sick, not joining', 'going to sit this one out',
    "can't, I'm travelling", 'sorry, that is past my end of day', 'need to drop this one', 'declined, clashes with planning',
  ],
  reschedule: [
    'push to {newwhen}?', 'can we move {title} to {newtime} not {oldtime}?', 'something came up, can we do {newwhen} instead?',
    'moving the {title} to {newwhen}', 'rescheduling to {newwhen}, sorry for the shuffle', 'any chance we can shift to {newwhen}?',
    'can we push {title} to {newwhen}?', 'need to move our chat to {newwhen}', 'moved the invite to {newwhen}',
    'heads up: {title} is now {newwhen}', 'can we bump to {newwhen}?', 'running late on something, {newwhen} instead?',
    'could we do {newwhen} instead of {oldtime}?', 'let’s move it to {newwhen}', 'updated the invite, now {newwhen}',
    'conflict came up, shifting {title} to {newwhen}', 'mind if we slide to {newwhen}?', 'can we postpone to {newwhen}?',
    'new time for {title}: {newwhen}', 'pushing {title} by a bit, {newwhen} now', 'sorry, can we move to {newwhen}?',
    'I have a clash at {oldtime}, {newwhen} ok?', "let's do {newwhen} instead", 'moving {title} from {oldtime} to {newtime}',
    'rescheduled {title} to {newwhen} :calendar:',
  ],
  cancel: [
    "no {title} {day}, I'm out sick", 'cancelling {title} {day}, nothing on the agenda', "let's skip our 1:1 this week",
    '{title} is cancelled {day}', "I need to cancel {day}'s {title}, sorry!", 'cancelling the {title}, we covered it async',
    'no {title} {day} - enjoy the time back', 'skipping {title} {day}, half the team is out', 'calling off {title} {day}',
    'cancelled the invite for {title}', "let's cancel {day}, I'll follow up async", 'we can drop {title} {day}',
    "{title} won't happen {day}", 'sorry, have to cancel our chat {day}', 'no need to meet {day}, resolved it',
    'cancel {title} {day}? nothing new to discuss', 'scrapping {day}’s {title}', "I'm cancelling {title} {day}, too many people out",
    'taking {title} off the calendar {day}', "no sync {day}", "let's skip {day}", 'cancelled {title}, will reschedule next week',
    '{title} {day} is off', 'removing {day}’s {title}, post updates in thread instead', 'killing {title} {day} :wave:',
  ],
  link: [
    '{link}', "here's the link: {link}", 'joining link {link}', 'link: {link}', 'meet link 👉 {link}', 'dial in: {link}',
    'for the {title}: {link}', '{link} (same as usual)', 'call link {link}', "we're in {link}", 'join here {link}',
    'link for {day}: {link}', 'use this one {link}', 'new link {link}', '{link} ← {title}', 'room link: {link}', 'zoom: {link}',
    'here you go {link}', "I'm in the room: {link}", 'link is in the invite, also here {link}', 'jump in {link}', 'join {link}',
    '{link} for anyone joining late', 'the link changed: {link}', 'posting the link again {link}',
  ],
  agenda: [
    "agenda for {day}'s {title}:\n• {topic}\n• open questions\n• next steps", 'adding {topic} to the agenda for {title}',
    'topics for our 1:1: {topic}, career stuff', "for {title} {day} I'd like to cover {topic}", 'agenda: 1) {topic} 2) blockers 3) AOB',
    'please add items to the {title} agenda doc before {day}', 'draft agenda for {title}: {topic}, then demo', 'agenda items for {title}?',
    'I put {topic} on the agenda for {title}', '{title} agenda: review {topic}, decide owner', "things I want to go through {day}: {topic}",
    'pre-read for {title}: <https://docs.google.com/document/d/{doc}/edit|agenda>', 'agenda is in the invite - mostly {topic}',
    'for the {title}, can we start with {topic}?', '{title} topics so far: {topic}, hiring', 'added {topic} to the doc for {day}',
    'main item for {title}: {topic}', 'quick agenda for {day}: status, {topic}, risks', 'bringing {topic} to the {title}',
    'agenda for the sync: {topic} + retro items', 'for our chat {day}: {topic}', 'let’s use {title} to decide on {topic}',
    'agenda (please read before): {topic}', 'if time allows at {title} I want to discuss {topic}', 'our agenda for {title} is {topic}',
  ],
  reminder: [
    'reminder: {title} in 10', '{title} in 5 min <!here>', 'heads up, {title} at {time}', "don't forget {title} {day} at {time}",
    'starting {title} in a few', '{title} starts now!', 'reminder that we have {title} {day}', '<!here> {title} in 15 minutes',
    'friendly reminder: {title} at {time}', 'we start {title} in 2 min', 'still on for {time}?', '{title} at {time}, see you',
    'reminder: {title} {day} {time}', 'joining {title}?', '{title} is about to start', 'ping for {title}', 'reminder - {title} at {time}',
    'in 10 min: {title}', '{title} now, where is everyone?', 'gentle reminder about {title} {day}', 'don’t forget our chat at {time}',
    '{title} reminder, {time}', 'see you all at {title} in 5', 'reminder for tomorrow: {title} at {time}', 'T-10 min to {title}',
  ],
  followup: [
    "notes from today's {title}: {topic} agreed, owners assigned", 'action items from {title}:\n1. {name} to follow up on {topic}\n2. update the doc',
    'recap of the {title}: we decided to ship {topic} next sprint', 'thanks all, notes are in <https://docs.google.com/document/d/{doc}/edit|here>',
    'decisions from {title}: go ahead with {topic}', 'summary from our call: {topic} is blocked on legal', 'follow-up from {title}: {name} owns {topic}',
    'great chat! writing up {topic} now', 'notes: <https://docs.google.com/document/d/{doc}/edit|{title} notes>', 'AIs from the sync: {topic}, hiring plan',
    'post-meeting: {topic} moves to next week', 'TL;DR of {title}: {topic} approved', 'as discussed in {title}, I filed the ticket for {topic}',
    "following up on today's {title}: see the doc", 'thanks for the time {name}! next steps on {topic} below', 'minutes from {title} posted',
    'outcome of the {title}: we are going with option B for {topic}', 'from the {title}: please review {topic} by EOW',
    'recording + notes from {title}: <https://docs.google.com/document/d/{doc}/edit>', 'after the call: {topic} needs one more pass',
    'notes from the sync are up', 'action items: {name} - {topic}; me - update roadmap', 'quick recap of our 1:1: {topic}, growth plan',
    'wrote up what we discussed in {title}', 'meeting notes for {title}: {topic} ✅',
  ],
};

export const ADHOC_PROPOSE = ['jump on a quick call?', 'got 5 min for a call?', 'can you hop on zoom real quick?', 'call?',
  'mind if I call you?', 'quick call to debug this?', 'easier to talk, call?', 'can we hop on a call for 10 min?',
  'want to jump on zoom and look at it together?', 'faster over a call - free now?', 'quick zoom?', 'ping me when you can talk live',
  'call in 5?', 'let’s just talk, zoom?', 'got a sec for a call?', 'hop on a call?', 'can we talk this through live real quick?',
  'voice is faster, call now?', 'are you free for a quick call right now?', 'zoom for 10 min?', 'call me when free', 'can I grab you for a quick call?',
  'let’s jump on a call', 'quick call before standup?', 'screen share?'];

export const HUDDLE_PRE = ['huddle?', 'quick huddle?', 'starting a huddle, join if you can', 'hopping in a huddle to debug', 'huddle in 2 min',
  'jump in the huddle?', 'let’s huddle', 'huddle now?', 'can we huddle on this?', 'starting a huddle'];

export const HUDDLE_JOIN = ['joining', 'omw', 'joining in a sec', 'coming', 'be there in 1', 'joining now', 'in!', '👋 joining'];

export const TOPICS = ['the Q2 roadmap', 'the pricing page', 'the checkout bug', 'onboarding metrics', 'the SSO rollout', 'the launch plan',
  'hiring for the team', 'the data pipeline', 'the API deprecation', 'the design review', 'the budget', 'customer feedback',
  'the migration plan', 'the retro items', 'the incident follow-ups', 'OKRs', 'the partner contract', 'the mobile release',
  'the support backlog', 'the search ranking change', 'the SOC2 audit', 'performance reviews', 'the dashboard redesign', 'on-call rotation'];

const ZONE_ABBR: Record<string, (off: number) => string> = {
  'America/Los_Angeles': () => 'PT', 'America/New_York': () => 'ET', 'America/Chicago': () => 'CT', 'America/Denver': () => 'MT',
  'Europe/London': (off) => (off === 0 ? 'GMT' : 'BST'), 'Europe/Berlin': (off) => (off === 60 ? 'CET' : 'CEST'),
  'Asia/Kolkata': () => 'IST', 'Australia/Sydney': (off) => (off === 600 ? 'AEST' : 'AEDT'),
};
const WEEKDAYS = [['sun', 'Sunday'], ['mon', 'Monday'], ['tue', 'Tuesday'], ['wed', 'Wednesday'], ['thu', 'Thursday'], ['fri', 'Friday'], ['sat', 'Saturday']] as const;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** A clock time as people type it: 3pm, 3:30pm, 15:30, 10:30 PT. */
export function clockPhrase(rng: Rng, ms: number, tz: string, offset: number, withZone: boolean): string {
  const p = localParts(ms, tz);
  const h12 = p.hour % 12 === 0 ? 12 : p.hour % 12;
  const ampm = p.hour < 12 ? 'am' : 'pm';
  const mm = String(p.minute).padStart(2, '0');
  const style = rng.int(4);
  let out = style === 0 ? `${p.hour}:${mm}` : style === 1 && p.minute === 0 ? `${h12}${ampm}` : style === 2 ? `${h12}:${mm}${ampm}` : `${h12}:${mm} ${ampm.toUpperCase()}`;
  if (withZone) out += ` ${(ZONE_ABBR[tz] ?? (() => 'UTC'))(offset)}`;
  return out;
}

/** The day part relative to the posting time: today, tmrw, thu, Thursday, 3/12, Mar 12. */
export function dayPhrase(rng: Rng, ms: number, postedAt: number, tz: string): string {
  const target = localParts(ms, tz);
  const diff = dateDiff(localParts(postedAt, tz), target);
  if (diff <= 0) return rng.pick(['today', 'today', target.hour < 12 ? 'this morning' : 'this afternoon']);
  if (diff === 1) return rng.pick(['tomorrow', 'tmrw', 'tomorrow', 'tomorow']);
  const wd = WEEKDAYS[target.weekday] as readonly [string, string];
  if (diff <= 6) return rng.pick([wd[0], wd[1], `on ${wd[1]}`, wd[0].charAt(0).toUpperCase() + wd[0].slice(1)]);
  return rng.pick([`${target.month}/${target.day}`, `${MONTHS[target.month - 1]} ${target.day}`, `${wd[1]} ${MONTHS[target.month - 1]} ${target.day}`]);
}

/** A full "when" such as "Thu 10:30 PT", "tmrw after lunch", "tomorrow at 3pm". */
export function whenPhrase(rng: Rng, ms: number, postedAt: number, tz: string, offset: number, crossZone: boolean): string {
  const day = dayPhrase(rng, ms, postedAt, tz);
  const p = localParts(ms, tz);
  const r = rng.next();
  if (r < 0.12 && p.hour >= 13 && p.hour <= 14) return `${day} after lunch`;
  if (r < 0.2 && p.hour >= 13 && p.hour < 17 && !crossZone) return `${day} afternoon`;
  if (r < 0.25 && p.hour < 12 && !crossZone) return `${day} morning`;
  const clock = clockPhrase(rng, ms, tz, offset, crossZone || rng.chance(0.15));
  return rng.pick([`${day} at ${clock}`, `${day} ${clock}`, `${clock} ${day}`, `${day} at ${clock}`]);
}

const KEEP = /^(mon|tue|wed|thu|fri|sat|sun|today|tomorrow|tmrw|[0-9])/i;

/** Everyday noise: lowercase, an adjacent-letter typo, a trailing emoji. Times and links are left intact. */
export function roughen(rng: Rng, text: string): string {
  let out = text;
  if (rng.chance(0.08)) {
    const words = out.split(' ');
    const i = rng.int(words.length);
    const w = words[i] ?? '';
    if (/^[a-z]{5,}$/.test(w) && !KEEP.test(w)) {
      const j = rng.between(1, w.length - 2);
      words[i] = w.slice(0, j) + w[j + 1] + w[j] + w.slice(j + 2);
      out = words.join(' ');
    }
  }
  if (rng.chance(0.25) && !out.includes('<')) out = out.toLowerCase();
  if (rng.chance(0.1)) out += ` ${rng.pick([':slightly_smiling_face:', '🙏', ':pray:', '🙂', ':sweat_smile:', '!'])}`;
  return out;
}

export function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (_, k: string) => vars[k] ?? '');
}
