/**
 * Is a Slack message meeting coordination, and of which kind?
 *
 * Rules over cues rather than a trained model, so every decision can be explained by its
 * `evidence`. A message is meeting-related when it names a specific meeting (a meeting noun,
 * a conference link, a huddle, a calendar app post) and does something to it (proposes, moves,
 * cancels, confirms…), or when it is a short reply ("👍", "can't make it") under a message
 * that was. Distractors (deploys, deadlines, incidents, on-call, function calls, social plans,
 * talk about meetings in general) veto weak evidence; only explicit meeting words outweigh them.
 */
import type { Message, Signal, SignalKind, TimeMention } from '../core/records.js';
import { findConferenceLinks } from './conference-links.logic.js';
import { decodeSlackText } from './slack-text.logic.js';
import { findTimeMentions } from './time-expressions.logic.js';
import { repairTypos } from './typos.logic.js';

export interface SignalInput {
  readonly message: Message;
  readonly tzOffsetMinutes: number;
  /** The author's IANA zone, when known: times are read at the offset of the day they name. */
  readonly tz?: string | null;
  /** The thread parent's own detection, when the message is a reply. */
  readonly parent?: { readonly signal: Signal | null; readonly text: string };
}

/** Subtypes that are channel housekeeping, never coordination. */
const SYSTEM_SUBTYPES = new Set([
  'channel_join', 'channel_leave', 'channel_topic', 'channel_purpose', 'channel_name', 'channel_archive',
  'channel_unarchive', 'group_join', 'group_leave', 'group_topic', 'group_purpose', 'group_name', 'bot_add',
  'bot_remove', 'pinned_item', 'unpinned_item', 'tombstone', 'joiner_notification', 'ekm_access_denied',
  'assistant_app_thread', 'reminder_add', 'slackbot_response', 'file_comment',
]);
const HUDDLE_SUBTYPES = new Set(['huddle_thread', 'sh_room_created']);
/** App posts whose content is meeting data (event cards, reminders, join links). */
const MEETING_APPS = /calendar|zoom|google meet|\bmeet\b|teams|webex|huddle|clockwise|calendly|reclaim/i;

type Rule = readonly [string, RegExp];

const MEETING_NOUNS: Rule[] = [
  ['meeting', /\bmeetings?\b(?! (?:the )?(?:deadline|requirements?|criteria|expectations|sla))|\bmtg\b/],
  ['meet', /\b(?:meet|meet up|meetup)\b(?! (?:the |our |all )?(?:deadline|requirements?|criteria|expectations|sla|goal|target|needs|bar|spec))/],
  // "sync the auth config with staging" syncs data, not people.
  ['sync', /\b(?:sync|sync-up|syncup|sync up)\b(?! (?:job|jobs|script|failed|error|status|worker|process|the (?:repo|branch|db|data|files?))| (?:the |our |this |that |my |your )[\w-]+(?: [\w-]+)? (?:configs?|settings|data|schema|state|repo|branch|files?|env|secrets?|fork)\b| [^.?!]{0,30}\bwith (?:staging|prod|production|main|master|upstream|origin)\b)/],
  ['call', /\b(?:a|the|our|quick|short|video|zoom|phone|conf(?:erence)?|intro|sales|client|customer|team|weekly|daily|this|that|next|group|kickoff|kick-off|follow-?up|catch-?up|sync|planning|review|status|update|strategy|demo|partner|vendor|board|investor|onboarding|training|discovery|design|1:1|standup|today's|tomorrow's|brief|15|30|45|60)[- ](?:min(?:ute)?s?[- ])?call\b|\b(?:for|from|after|before|on|in|into|during|join|joining) (?:the |our |a |this |that |today's |tomorrow's )?call\b(?![- ]?(?:stack|site|graph|back|sign|center|centre))|\bcall (?:with|at|on (?:mon|tue|wed|thu|fri)|tomorrow|today|later|now|in \d|this (?:afternoon|morning))|\b(?:hop|jump|get|be|join|dial) (?:on|in|into)(?: to)? (?:a |the |our )?(?:quick )?call\b|\b(?:call|ring) (?:me|you)\b|\bgive (?:me|you|them|him|her) a (?:call|ring)\b/],
  ['1:1', /\b(?:1:1|1-1|1on1|1-on-1|one[- ]on[- ]one|o3)s?\b/],
  ['standup', /\bstand[- ]?ups?\b|\bdaily scrum\b|\bscrum\b/],
  ['retro', /\bretro(?:spective)?s?\b(?! items?\b)/],
  ['huddle', /\bhuddles?\b/],
  ['conference', /\b(?:zoom(?! (?:in|out|level)\b)|hangout|google meet|teams call|webex|gmeet|video chat|vc)\b/],
  ['catch up', /\bcatch[- ]?up\b|\btouch base\b|\bcheck[- ]in\b(?! (?:the|your|my|code|changes))|\bconnect (?:on|about|tomorrow|today|later|this week|next week)/],
  ['session', /\b(?:post-?mortem(?! doc)|demo prep|demo|planning(?! (?:to|on|for|ahead|doc)\b)|kick-?off|planning (?:session|meeting)|sprint planning|grooming|refinement|backlog review|design review|demo day|office hours|all[- ]hands|town ?hall|brainstorm(?:ing)?(?: session)?|workshop|walk-?through|debrief|interview|offsite|board meeting|review meeting|sync meeting|sit down|whiteboard session|working session|pairing session|conference room|meeting room|(?:arch(?:itecture)?|roadmap|design|budget|quarterly|business|product|sprint|portfolio|strategy|ops|weekly|monthly|board|account|program|project|launch|security|qbr|hiring|pipeline) (?:review|reveiw|sync|kickoff|planning))s?\b/],
  ['outcome', /\bwhat we discussed\b|\bnotes are (?:in|up|here)\b|\bthanks for the time\b|^post-(?:meeting|call|sync):|\b(?:ais|action items|notes|follow-?ups?) from the (?:sync|call|meeting|chat|standup|retro|1:1)\b|\bfollow-?up from (?:the |our |today's )?[\w-]+(?: [\w-]+)?:|\bas discussed (?:in|at|during|on) (?:the |our |today's |yesterday's )?\w+|\b(?:outcome|notes|action items?|recap|summary|tl;?dr|minutes|takeaways|follow-?ups?|decisions|writeup|write-up|recording)(?: \+ \w+)? (?:from|of|for|in) (?:the |today's |yesterday's |our |this |this morning's |last )?(?:[\w-]+ ){0,2}(?:call|meeting|sync|chat|standup|stand-up|retro|review|postmortem|post-mortem|demo|1:1|session|interview|kickoff|planning|workshop|huddle|offsite)\b|^action items?:|\b(?:call|meeting|sync|1:1|standup|retro) notes\b|\bfollowing up on (?:the |our |today's |yesterday's )?(?:call|meeting|sync|chat|standup|retro|1:1|\w+ review)\b|\b(?:great|good|productive|helpful) (?:chat|call)!/],
  ['agenda', /\bagenda\b|\bif time allows\b|\blet'?s use (?:the |our )?(?:standup|stand-up|retro|sync|1:1|meeting|call|chat|[\w-]+ review) to\b/],
  ['live talk', /\bgot a (?:sec|second|min(?:ute)?) for a (?:call|chat|huddle)\b|\bzoom(?: for \d+ ?min)?\s*\?|\bstarting a huddle\b|\bjust talk\b|\btalk (?:this |it |that )?(?:through )?live\b|^(?:quick |short )?(?:call|huddle|zoom|screen ?share|voice|video)(?: now| in \d+| real quick)?\s*\?|\blet'?s huddle\b|\b(?:jump|hop|get) (?:in|on|into) (?:the |a )?huddle\b|\bmind if i call\b|\bcall me when\b|\btalk live\b|\bvoice is (?:faster|easier)\b|\bhuddle (?:now|\?)|\bcall (?:now|in \d+)\s*\?/],
  ['named', /^(?:<!here>\s*|@here\s*)?(?:the |our |today's |tomorrow's )?(?:call|chat|sync|meeting)\b(?= (?:is (?:on|off|at|now|moved|cancel|postpon|still|in \d|starting|over)|isn'?t|won'?t|starts|in \d|at \d|moved|tomorrow|today|now))|\b(?:push(?:ing|ed)?|mov(?:e|ing|ed)|cancel(?:l?ing|l?ed)?|skip(?:ping)?|drop(?:ping)?) (?:the |our |today's |tomorrow's )?(?:chat|call|sync)\b/],
  ['chat', /\b(?:quick|short|brief|a|our|the|my|great|good) chat\b|\bchat (?:reminder|is off|this (?:morning|afternoon)|(?:on )?(?:mon|tue|wed|thu|fri)\w*)\b|\b(?:skip(?:ping)?|cancel(?:l?ing)?|removing|moving) (?:today's |tomorrow's |tomorrow’s |today’s )?chat\b|\bchat (?:in \d|starts|at \d)|\bchat (?:about|with|on|tomorrow|today|later|this week|next week)\b/],
  ['time block', /\b(?:grab(?:bing)?|find(?:ing)?|set(?:ting)? up|schedul(?:e|ing)|book(?:ing)?|block(?:ing)?|carve out|steal|need|have|get) (?:some |a few |\d+ ?|fifteen |thirty |half an? |an )?(?:min(?:ute)?s?|hour|hr|time|slot)\b(?! (?:ago|later|to (?:fix|deploy|build)))/],
  ['invite', /\b(?:calendar|cal) invite\b|\b(?:send|sent|sending|forward(?:ed)?) (?:you |over |out )?(?:an? |the )?invite\b|\binvite (?:sent|is out|went out)\b|\bon (?:your|my|the) cal(?:endar)?\b|\bmeeting (?:room|link|invite)\b/],
];

/** Scheduling verbs per kind, tried in order: the first kind that fires wins. */
const KIND_CUES: ReadonlyArray<readonly [SignalKind, RegExp]> = [
  ['cancel', /\bno need (?:to (?:meet|sync|chat|talk|call|hop on)|for (?:a |the |our |today's |tomorrow's )?(?:meeting|call|sync|chat|1:1|standup|catch ?up))\b|\b(?:we can |let's |i'll |going to )drop (?:the |our )?[\w :'-]{2,30}? (?:today|tonight|tomorrow|tomorow|tmrw|mon|tue|wed|thu|fri|on |this week)|\bskipping (?:the |our )?[\w :'-]{2,30}? (?:today|tomorrow|tomorow|tmrw|mon|tue|wed|thu|fri|on |this week)|\btak(?:e|ing|en) (?:the |our |my |today's |tomorrow's )?[\w:-]+(?: [\w:-]+)? off (?:the|my|our) cal(?:endar)?\b|\bkill(?:ing|ed)? (?:the |our |today's |tomorrow's )?[\w:-]+(?: [\w:-]+)? (?:today|tonight|tomorrow|tomorow|tmrw|mon|tue|wed|thu|fri|this week)|\bno (?:[\w:'-]+ ){0,2}?(?:catch ?up|chat|1:1|sync|standup|stand-up|retro|meeting|call|debrief|kickoff|planning|review|session|postmortem|brainstorm|demo|weekly|workshop) (?:on )?(?:today|tomorrow|tomorow|tmrw|mon|tue|wed|thu|fri|this week)|\bcancel(?:l?ed|l?ing|s)?\b|\b(?:is|are) off\b(?! (?:by|to|on the|the hook|limits))|\bremov(?:e|ing) (?:on )?(?:today|tomorrow|mon|tue|wed|thu|fri)\w*(?:'s|’s) [\w-]+|\blet'?s skip (?:tmrw|tmr|tomorow)\b|\bskip(?:ping)? chat\b|\btak(?:e|ing|en) (?:the |our |my |today's |tomorrow's )?[\w:-]+ off (?:the|my|our) cal(?:endar)?\b|\bdrop (?:the |our |today's |this week's |this morning's )?(?:catch ?up|standup|stand-up|sync|1:1|retro|meeting|call)\b|\blet'?s skip (?:mon|tue|wed|thu|fri|sat|sun|today|tomorrow|this week)|\bcall(?:ing|ed)? (?:it )?off\b|\bscrap(?:ping|ped)?\b|\bno (?:standup|stand-up|retro|sync|meeting|1:1|call)(?: today| tomorrow| this week)?\b|\bnot happening\b|\bskip(?:ping)? (?:the |this week's |today's |tomorrow's |our )?(?:standup|stand-up|retro|sync|meeting|1:1|call)\b|\bwon't (?:be )?happen/],
  // "moving 1:1 from 4:30 to 6", "pushing standup from Tue to Thu": a move from one time to another (a move without a time is dropped below).
  ['reschedule', /\b(?:mov(?:e|es|ed|ing)|push(?:es|ed|ing)?|shift(?:s|ed|ing)?|bump(?:s|ed|ing)?) (?:[\w:'-]+ ){0,3}from\b[^?.!\n]{1,40}?\bto\b|\bupdated the invite\b|\bcan we move (?:it |this |that )?to\b|\bmove [\w:'-]+(?: [\w:'-]+){0,2} (?:call|meeting|sync|chat|1:1|standup|retro|review|demo) to\b|\b(?:clash|conflict) (?:at|on|then)\b[^,;?]{0,30}[,;] .{0,40}\b(?:ok|okay|work|instead|better)\b|\bre-?schedul|\bslide (?:it |this |that )?to\b|\b(?:is|are) now (?:at|on|today|tomorrow|mon|tue|wed|thu|fri|\d)|\bpush(?:ed|ing)? (?:it |this |that |(?:the |our )?(?:[\w:'-]+ ){1,3})?(?:back|out|to|by)\b|\bmov(?:e|ed|ing) (?:it|this|that|the [\w:'-]+(?: [\w:'-]+)?|our [\w:'-]+(?: [\w:'-]+)?|tomorrow's [\w:'-]+|today's [\w:'-]+|standup|retro|sync|our|my|the call|the meeting) (?:to|up|back|earlier|later)\b|\b(?:moved|moving|pushed|bumped|shifted) (?:to|back|up|out|earlier|later)\b|\bpostpon|\bbump(?:ed|ing)? (?:it |this |that |the [\w:'-]+ )?(?:to|back)\b|\bshift(?:ed|ing)? (?:it |this |that |the [\w:'-]+ )?to\b|\b(?:instead|different time|another time|new time|later slot|earlier slot)\b|\bcan we do (?:[\w:'-]+ )?(?:\d|mon|tue|wed|thu|fri|tomorrow)\w* instead\b/],
  ['decline', /\bno can do\b|\b(?:slot|time) is bad for me\b|\bnot go\w{2,4} to make it\b|\bcan(?:'t|not|t) (?:make|join|attend|do|come|be there)\b|\bwon'?t (?:make|be able|be there|join)|\bunable to (?:make|join|attend)|\b(?:i'll|i will|gonna|going to|have to) (?:miss|skip)\b|\bhave a conflict\b|\b(?:double|triple)[- ]booked\b|\bcount me out\b|\bnot (?:going to|gonna) make\b|\bdeclin(?:e|ed|ing)\b|\bwithout me\b|\b(?:i )?(?:have to|need to|gotta|must) pass\b|\b(?:a |have a |another )?conflict\b|\bdrop (?:this|that|the) one\b|\bsit (?:this|that) one out\b|\bskip me\b|\b(?:i'?m|i am) out (?:that|this|on|tomorrow|today)|\bpast my end of day\b|\banother meeting\b|\bsadly not\b|\bcan'?t today\b|\bnot joining\b|\bcan(?:'t|not|t), (?:i'?m|sorry)|\b(?:i'?m|i am) (?:travell?ing|out sick|sick)\b|\b(?:i'm|i am) (?:out|ooo|off)\b/],
  ['followup', /\b(?:meeting |call |sync |standup |retro )?(?:notes|recap|summary|takeaways|action items?|next steps|decisions)\b|\b(?:meeting |call )minutes\b|\bminutes (?:from|of) (?:the|today|yesterday|our)\b|\bfollow[- ]?up (?:from|on|to) (?:the|our|today's|yesterday's|this)\b|\bas discussed\b|\bper (?:our|the|today's|yesterday's) (?:call|meeting|sync|chat|discussion|conversation)\b|\bnotes are (?:in|up|here)\b|\bfollowing up on\b|\bwhat we discussed\b|\bwrote up\b|\boutcome of\b|\b(?:notes|minutes) (?:posted|are up|shared)\b|\btl;?dr\b|\bwriting (?:it )?up\b|\b(?:great|good|productive|helpful) chat\b|\bthanks (?:all |everyone |everybody )?for (?:joining|the (?:call|meeting|sync|chat|discussion|time)|your time|coming)\b|\b(?:great|good|productive|helpful) (?:meeting|sync|session|discussion)\b|\bai:|\b(?:after|atfer|aftre) (?:the|our) (?:call|meeting|sync)\b|\b(?:notes|minutes) from\b|^from (?:the|our|today's|yesterday's) [\w -]{1,30}:/],
  ['agenda', /\bagenda\b|\bif time allows\b|\blet'?s use (?:the |our )?(?:[\w:-]+ ){0,2}[\w:-]+ to (?:decide|discuss|go over|review|cover)\b|^for (?:our |the |tomorrow's |today's )?(?:chat|call|sync|meeting|1:1|standup|retro|[\w-]+ review)\b[^:?]{0,20}:|\btalking points\b|\b(?:topics?|items?|things) (?:for|so far|to (?:discuss|cover|go over))\b|\bthings i want to (?:go through|cover|discuss)\b|\bmain (?:item|topic) for\b|\badd(?:ed|ing)? .{1,40} to the (?:doc|agenda|list) for\b|\bbringing .{1,40} to (?:the|our) (?:[\w-]+ )?(?:sync|call|meeting|standup|retro|1:1|review|brainstorm|planning|chat|kickoff|postmortem)\b|\bto discuss:|\bwe'?ll (?:cover|discuss|go over)\b|\bpre-?read\b|\bi'?d like to (?:cover|discuss|go over|talk about)\b|\bcan we start with\b|\bthings i want to go thr\w*\b/],
  ['reminder', /\breminder\b|^joining (?:the )?[\w -]{2,30}\?|\bare we (?:still )?doing\b|\bin a few\b|\bstill on for\b|\babout to (?:start|begin|kick off)\b|\bwhere(?:'s| is| are) (?:every(?:one|body)|you|y'all)\b|\bwaiting (?:for|on) (?:you|everyone)\b|\bping(?:ing)? for\b|\b(?:starting|start) now\b|\bt-\s?\d+ ?min|\bremind (?:me|us)\b|\bremind(?:ing)? (?:you|everyone|all|folks|y'all)\b|\bdon'?t forget\b|\bheads[- ]up\b|\bstart(?:s|ing)? (?:in \d+|now|soon|shortly)\b|\b(?:is |are )?starting (?:now|soon|in)\b|\bin (?:\d+|five|ten|fifteen|thirty) (?:min(?:ute)?s?)\b|\b(?:happening|kicking off) (?:now|soon|in)\b|\bjoin (?:us|now)\b|\bwe'?re (?:on|live|starting)\b|\bstarting soon\b|\bupcoming\b/],
  ['confirm', /\b(?:confirmed|booked|scheduled (?:for|it|the)|is (?:set|locked|on) for|all set|locked in|sent (?:you |over |out )?(?:an? |the )?invite|invite(?:s)? (?:sent|is out|went out)|see you (?:then|there|all|tomorrow|at)|works for (?:me|us|everyone)|that works|sounds good|i'?ll be there|count me in|accepted)\b/],
  ['propose', /\blet me know if\b.{1,40}\bworks?\b|\b(?:can|could|shall|should|would) (?:we|you|i|u) (?:meet|sync|chat|talk|do|hop|jump|get|grab|find|set up|schedule|catch|connect|have|book|discuss|go over|review|pair)\b|\blet'?s (?:meet|sync|chat|talk|do|hop|jump|get|grab|find|set up|schedule|catch|connect|have|book|discuss|go over|review|pair|plan)\b|\bhow about\b|\bwhat about (?:mon|tue|wed|thu|fri|tomorrow|today|\d)|\b(?:does|do|would|will) (?:\w+ ){0,3}work(?: for (?:you|everyone|y'all|all))?\b|\bare (?:you|y'all|u|folks|people) (?:free|around|available|up for)\b|\b(?:free|available|availability|open) (?:at|on|for|tomorrow|today|this|next|later)\b|\bwhen (?:works|are you free|is good|suits|would work|can we|could we)\b|\bwhat time\b|\bany time\b|\bany chance (?:you|we|u) (?:have|are|could|can)\b|\bput (?:something|some time|time|a meeting|a call) on (?:my|your|the|our) cal(?:endar)?\b|\b(?:free|open|available) (?:mon|tue|wed|thu|fri|sat|sun)\w*|^open (?:mon|tue|wed|thu|fri|sat|sun|today|tomorrow|tomorow|tmrw|this|next|on |\d)|\bi can do (?:mon|tue|wed|thu|fri|sat|sun|today|tomorrow|tomorow|tmrw|this|next|on |\d)|\bwhat about .{1,40}\bfor (?:the |our )?[\w:-]+|\bpick your bra\w*\b|\b\d+ min(?:ute)?s? tops\b|\bif that suits\b|\bwant to (?:meet|sync|chat|talk|hop|jump|grab|catch)\b|\b(?:wanna|want to|need to|have to) (?:meet|sync|chat|talk|hop|jump|grab|catch|connect|discuss)\b|\bschedul(?:e|ing) (?:a|an|some|the|time|our)\b|\bset(?:ting)? up (?:a|an|some|time)\b|\bput (?:something|some time|a meeting|time) on\b|\bsend (?:you |me )?(?:an? )?invite\b|\bbook (?:a|an|the) (?:room|slot|meeting|call)\b|\b(?:hop|jump|get) on\b|\bgrab (?:\d+|some|a few|time)\b|\bpropos(?:e|ing)\b|\bdo (?:you|y'all|u) have (?:some |any )?time\b|\bwould love (?:\d+|some|a few) min|\bwork(?:s)?(?: for (?:you|everyone|y'all|all|u|both of you))?\s?\?|\b(?:are|r) (?:you|u) (?:around|aorund|free|available)\b|\bif nobody objects\b|\bhow (?:does|do|is|about) .{1,40}? look(?:ing)?\b|\b(?:can|could|shall|should) we huddle\b|\bgrab(?:bing)? (?:some )?time\b|\bslot\b|\b(?:set|create|add|arrange|organi[sz]e|plan|book|reserve|hold|need)(?: up)? (?:me )?(?:a |an |the |my |some )?(?:new |quick )?(?:meeting|call|sync|conference room|meeting room|room)s?\b|\bmeeting (?:needs to be |to be )?schedul|\brooms? (?:available|free|open)\b|\b(?:available|free|open) (?:meeting |conference )?rooms?\b/],
];

/** A reply made only of approving emoji: "👍", ":+1::skin-tone-2:", ":white_check_mark:". */
const EMOJI_CONFIRM = /^(?:\s|:(?:\+1|thumbsup|thumbs_up|white_check_mark|heavy_check_mark|ballot_box_with_check|ok_hand|ok|raised_hands|100|slightly_smiling_face|smile|calendar|spiral_calendar_pad)(?:::skin-tone-\d)?:|👍|✅|☑️|👌|🙌|🙂|💯|[\u{1F3FB}-\u{1F3FF}])+$/u;
/** A short approving reply: "sure", "sg", "works for me", "i'm in". */
const WORD_CONFIRM = /^(?:yes+|yep|yup|fine by me|lgtm|done|yeah|ya|ok(?:ay)?|kk?|sure(?: thing)?|sg|sgtm|sounds good|sounds great|works(?: for me)?|yes works|perfect|great|cool|deal|confirmed|i'?m in|count me in|i'?ll (?:be there|join)|see you (?:then|there)|that works|ok lets do it|let'?s do it|will be there|see (?:you|ya) (?:on |at )?\w+|accepted|can do|booked|works on my end|i'?ll join)\b/;
const ANY_CONFIRM = /\b(?:works for me|sounds good|i'?ll join|i'?ll be there|see you (?:then|there)|count me in|that works|sgtm)\b|👍|:\+1:|:thumbsup:|:white_check_mark:|✅/;
/** Replies that confirm, for typo-tolerant matching of short replies ("suonds good", "acecpted"). */
const CONFIRM_PHRASES = ['works', 'booked', 'sure thing', 'sounds good', 'works for me', 'accepted', 'will be there', 'see you then', 'see you there', 'that works', 'perfect', 'joining', 'count me in', 'sounds great'];
/** Decorations people add after a short answer: emoji codes, emoji, "!" */
const TAIL = /(?:\s*(?::[a-z0-9_+-]+:|[\u{1F300}-\u{1FAFF}\u{2600}-\u{27BF}]|!+))+\s*$/u;
/** Replies that say one is on the way: "joining", "one sec", "omw". */
const JOINING = /^(?:joining|jumping (?:in|on)|coming|omw|on my way|one sec|1 sec|be right there|brt|np|no problem|in!|give me (?:\d+|a) (?:min|sec)|be there in \d+|ok,? thanks for the heads up)/;

/** Within one edit (insert, delete, substitute or swap two neighbours) of a confirming phrase. */
function nearConfirm(text: string): boolean {
  const t = text.replace(/[^a-z' ]/g, '').trim();
  if (t.length < 5 || t.length > 20) return false;
  return CONFIRM_PHRASES.some((p) => withinOneEdit(t, p));
}

function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** A time with a clock reading ("3pm", "10:30", "noon"), not just a day. */
/**
 * Asking someone for a meeting in so many words. With a stated time this outweighs a topic
 * that is otherwise a distractor: "can we chat Tue 13:30 about the release?" is a meeting.
 */
const REQUEST = /\b(?:can|could|shall) (?:we|i|you) (?:meet|sync|chat|talk|hop on|jump on|catch up|connect|huddle|grab)\b|\b(?:want|wanna) to (?:meet|sync|chat|talk|catch up)\b|\blet'?s (?:meet|sync|chat|talk|hop on|jump on|catch up|connect|huddle)\b|\bdo (?:you|y'all|u) have (?:some |any )?time\b|\b(?:are|r) (?:you|u|y'all) (?:around|aorund|free|available)\b|\bwould love (?:\d+|some|a few) min|\b(?:free|available|time) for a (?:call|chat|sync|meeting)\b|\bany chance (?:you|u) have (?:\d+|some|a few|any|time)|\bpick your bra\w*\b|\bneed your eyes on\b|\bgrab(?:bing)? (?:some )?time\b|\b\d+ min(?:ute)?s? tops\b|\bmeet (?:at |on )?(?:\d|today|tonight|tomorrow|tomorow|tmrw|mon|tue|wed|thu|fri|sat|sun)|\blet me know if\b.{1,40}\bworks for a (?:call|chat|meeting|sync)\b|\bif that suits\b/;
/** A length of time asked for ("30 min tops", "an hour"): people's time, not a release's. */
const DURATION = /\b(?:\d+|fifteen|thirty|forty[- ]five) ?min(?:ute)?s?\b|\b(?:an|half an?|one) hour\b/;
/**
 * A meeting named by a bare word. Alone it says little ("call the API", "chat app"); after a cue that
 * only meetings take ("main item for chat:", "call is about to start", "minutes from catch up") it names one.
 */
const BARE_MEETING = /\b(?:call|chat|sync|meeting|session|sesison|ssesion|kickoff|kick-off|debrief|standup|stand-up|1:1|brainstorm|braisntorm|catch ?up|weekly|retro|rtero|planning|postmortem|interview|pairing|workshop)\b/;
/** An offer that waits for an answer, like a question does: "I can do Monday if that suits". */
const OFFER = /\bif (?:that|it) (?:suits|works)\b|\blet me know if\b/;
const BARE_KINDS = new Set<SignalKind>(['agenda', 'reminder', 'followup', 'cancel']);
const CLOCK = /\d|noon|midnight|midday/i;
/** Clock times written out ("at seven", "ten am"), which chrono does not read. */
const SPELLED_CLOCK = /\b(?:at )?(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)(?:[- ](?:thirty|fifteen|forty[- ]five))? ?(?:am|pm|a\.m\.|p\.m\.|o'?clock)\b|\bat (?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b/;
const BUSY = /\bheads[- ]down\b|\bfocus(?:ing)? time\b|\bworking from\b|\bwfh\b|\bout of (?:the )?office\b/;

const DISTRACTORS: Rule[] = [
  ['release', /\b(?:launch(?:es|ed|ing)?\b(?! plan)|(?:push(?:ed|ing)?|merg(?:e|ed|ing)) to (?:prod|production|main|master|staging)|feature flags?|flag(?:ged)? (?:on|off)|\d+% (?:rollout|of (?:users|traffic))|deploy(?:s|ed|ing|ment)?|release[sd]?|releasing|roll(?:ing)?[- ]?out|ship(?:ping|ped)?|code freeze|freeze|merge window|maintenance(?: window)?|downtime|cutover|go[- ]live|hotfix|rollback|migration|ci|pipeline|build|cron|backup|upgrade)\b/],
  ['content', /\b(?:blog ?posts?|newsletters?|press release|tweets?|changelog|release notes|email blast|social post|webinar recording)\b/],
  ['deadline', /\b(?:due|deadline|eod|eow|by end of (?:day|week)|submit(?:ted)? by|turn in|expires?|expiry|renewal|timesheets?|invoice)\b/],
  ['incident', /\b(?:incident|outage|sev-?\d|p[0-3]\b|pagerduty|paged|paging|alert(?:s|ing)?|on-?call|handoff|hand-off|rotation|escalat\w*|error rate|latency|5\d\d(?:s)?\b|degraded)\b/],
  ['code call', /\b(?:good|bad|great|tough|hard|judgment|judgement|close|right|wrong|your|the right|fair|api|function|method|rpc|system|sys|http|network|recursive|async|remote|blocking|db|database|grpc|ajax|fetch|extra|redundant|duplicate|nested|external|outbound|service|sdk)[- ]calls?\b|\bcall(?:s|ed|ing)? (?:the|this|that|it|a|an|our|my|your)? ?(?:function|method|api|endpoint|hook|handler|service|script|fn|callback)\b|\bcall ?stack\b|\bcallbacks?\b|\b\w+\(\)/],
  ['social', /(?<!\b(?:after|before|post|pre|over)[- ])\blunch\b|\b(?:dinner|breakfast|brunch|drinks?|beers?|happy hour|party|bbq|barbecue|birthday|potluck|game night|karaoke|pub|bar|trivia|movie|hike|picnic|cake|pizza|coffee|boba|tea|dentist|doctor'?s?|haircut|physio|yoga|gym|my appointment)\b/],
  ['general talk', /\b(?:too many|so many|fewer|less|more|all these|all the|endless|back[- ]to[- ]back|pointless|useless|hate|love|no more) meetings\b|\bmeetings? (?:culture|fatigue|load|overload|hell|free|in general)\b|\bno[- ]meeting\b|\bmeeting[- ]free\b|\bmeetings are\b|\bmeetings (?:could|should) (?:have been|be)\b/],
];

const NAMED_DAY = /\b(?:today|tonight|tomorrow|mon|tue|wed|thu|fri|sat|sun)/i;
const OPENS_AGENDA = /^\s*(?:quick |draft |short )?agenda\b/;
/** A time asked "for the launch" or "for the deploy" is the release's time, not a meeting's. */
const FOR_RELEASE = /\bfor (?:the |our |this |that )?[\w -]{0,30}\b(?:launch|release|deploy(?:ment)?|migration|cutover|freeze|go-live)\b/;

/** Meeting evidence strong enough to outweigh a distractor ("release sync at 3pm"). */
const STRONG_NOUNS = new Set(['named', 'live talk', 'outcome', 'agenda', 'meeting', 'standup', 'retro', '1:1', 'huddle', 'conference', 'session', 'invite', 'sync', 'call']);
const ADHOC_NOW = /\b(?:right now|now|rn|asap|quick(?:ly)?|real quick|in (?:a|1|2|5) min(?:ute)?s?)\b/;

function firstMatch(rules: Rule[], text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [name, re] of rules) {
    const m = re.exec(text);
    if (m) out.push([name, m[0]]);
  }
  return out;
}

function clamp01(x: number): number {
  return Math.max(0, Math.min(1, Math.round(x * 100) / 100));
}

function baseSignal(m: Message): Omit<Signal, 'kind' | 'confidence' | 'evidence' | 'times' | 'links'> {
  return { channelId: m.channelId, ts: m.ts, time: m.time, userId: m.userId, threadTs: m.threadTs };
}

export function isHuddleMessage(m: Message): boolean {
  return m.huddle !== null || (m.subtype !== null && HUDDLE_SUBTYPES.has(m.subtype));
}

/** Time mentions read in one author zone. */
export interface ZonedTimes {
  readonly tzOffsetMinutes: number;
  readonly tz: string | null;
  readonly mentions: TimeMention[];
}

/**
 * What detection reads from a message alone, without its thread or channel: the decoded and
 * repaired text, conference links, cue hits, and (when a cue asks for them) the time mentions
 * in one author zone. It can be computed where the message is mapped, in a worker thread, and
 * handed to `detectSignal`, whose decision (with the thread's context) is then the same.
 */
export interface MessageAnalysis {
  readonly decodedText: string;
  readonly dates: number[];
  /** Lower-cased, apostrophes straightened, typing slips repaired. */
  readonly text: string;
  readonly links: string[];
  readonly meetingApp: boolean;
  readonly nouns: ReadonlyArray<readonly [string, string]>;
  readonly distractors: ReadonlyArray<readonly [string, string]>;
  /** The first kind cue that fired and its hit. */
  readonly cue: readonly [SignalKind, string] | null;
  /** A bare meeting word, looked for only when no noun fired but a kind that allows one did. */
  readonly bare: string | null;
  /** Null when not computed (no cue asks for times, or no zone was given). */
  readonly times: ZonedTimes | null;
}

/** Analyses computed elsewhere (a worker thread), by message object. */
const ANALYSES = new WeakMap<Message, MessageAnalysis>();

/** Hands `detectSignal` the analysis of `m` computed elsewhere, so it is not computed again. */
export function rememberAnalysis(m: Message, analysis: MessageAnalysis): void {
  ANALYSES.set(m, analysis);
}

/**
 * The context-free part of detection, or null for a message detection never reads (a huddle
 * or a system message). With `zone`, time mentions are read in it when a cue makes them matter.
 */
export function analyzeMessage(m: Message, zone?: { tzOffsetMinutes: number; tz: string | null }): MessageAnalysis | null {
  if (isHuddleMessage(m) || (m.subtype !== null && SYSTEM_SUBTYPES.has(m.subtype))) return null;
  const decoded = decodeSlackText(`${m.text}\n${m.extraText}`);
  // Phones type curly apostrophes ("let’s", "can’t"); the cues are written with straight ones.
  // Typing slips ("satrt", "cancellde") read as the words they slipped from.
  const text = repairTypos(decoded.text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'"));
  const links = findConferenceLinks(m.links, decoded.text);
  const isBot = m.botId !== null || m.subtype === 'bot_message';
  const meetingApp = isBot && MEETING_APPS.test(m.botName ?? '');
  const base = { decodedText: decoded.text, dates: decoded.dates, text, links, meetingApp };
  if ((isBot && !meetingApp && links.length === 0) || (text.length === 0 && links.length === 0)) {
    return { ...base, nouns: [], distractors: [], cue: null, bare: null, times: null };
  }
  const nouns = firstMatch(MEETING_NOUNS, text);
  const distractors = firstMatch(DISTRACTORS, text);
  let cue: [SignalKind, string] | null = null;
  for (const [k, re] of KIND_CUES) {
    const hit = re.exec(text);
    if (hit) {
      cue = [k, hit[0]];
      break;
    }
  }
  let bare: string | null = null;
  if (nouns.length === 0 && cue !== null && BARE_KINDS.has(cue[0]) && !distractors.some(([d]) => d === 'code call')) {
    bare = BARE_MEETING.exec(text)?.[0] ?? null;
  }
  const cued = meetingApp || links.length > 0 || nouns.length > 0 || cue !== null || bare !== null;
  const times = zone !== undefined && cued ? { ...zone, mentions: findTimeMentions(decoded.text, m.time, zone.tzOffsetMinutes, zone.tz) } : null;
  return { ...base, nouns, distractors, cue, bare, times };
}

/**
 * Detect the meeting signal in one message, or null when it is not meeting-related.
 * Pure and deterministic; `parent` gives thread context for short replies.
 */
export function detectSignal(input: SignalInput): Signal | null {
  const { message: m, tzOffsetMinutes, parent } = input;
  if (isHuddleMessage(m)) {
    return {
      ...baseSignal(m), kind: 'huddle', confidence: 0.99, evidence: [m.subtype ? `huddle:${m.subtype}` : 'huddle:room'],
      times: m.huddle?.dateStart ? [{ text: 'huddle', start: m.huddle.dateStart, end: m.huddle.dateEnd, certain: true }] : [],
      links: [],
    };
  }
  if (m.subtype !== null && SYSTEM_SUBTYPES.has(m.subtype)) return null;

  const a = ANALYSES.get(m) ?? analyzeMessage(m)!;
  const { text, links, meetingApp } = a;
  const isBot = m.botId !== null || m.subtype === 'bot_message';
  if (isBot && !meetingApp && links.length === 0) return null;
  if (text.length === 0 && links.length === 0) return null;

  const evidence: string[] = [];
  const nouns: Array<readonly [string, string]> = [...a.nouns];
  for (const [name, hit] of nouns) evidence.push(`noun:${name}:"${hit}"`);
  const distractors = a.distractors;
  let kind: SignalKind | null = null;
  if (a.cue !== null) {
    kind = a.cue[0];
    evidence.push(`cue:${kind}:"${a.cue[1]}"`);
  }
  if (a.bare !== null) {
    nouns.push(['named', a.bare]);
    evidence.push(`noun:bare:"${a.bare}"`);
  }
  // Times only matter next to another cue; chrono is the costly step, so it runs only then.
  if (parent?.signal == null && !meetingApp && links.length === 0 && nouns.length === 0 && kind === null) return null;
  const tz = input.tz ?? null;
  const mentions = a.times !== null && a.times.tzOffsetMinutes === tzOffsetMinutes && a.times.tz === tz ? a.times.mentions : findTimeMentions(a.decodedText, m.time, tzOffsetMinutes, input.tz);
  const times = [...a.dates.map((start) => ({ text: 'slack date', start, end: null, certain: true })), ...mentions];
  for (const t of times) evidence.push(`time:"${t.text}"`);
  for (const l of links) evidence.push(`link:${l}`);

  // "hop on a call now" / a bare join link: a call that starts as the message is posted.
  const soon = times.every((t) => Math.abs(t.start - m.time) < 30 * 60_000);
  const liveTalk = nouns.some(([n]) => n === 'live talk');
  if (soon && (links.length > 0 || liveTalk || (ADHOC_NOW.test(text) && nouns.some(([n]) => n === 'call' || n === 'huddle' || n === 'conference')))) {
    evidence.push('adhoc:now');
  }

  // "agenda for Thu's chat: … • next steps": a message that opens as an agenda is one, whatever its items say.
  if (kind === 'followup' && OPENS_AGENDA.test(text)) {
    kind = 'agenda';
    evidence.push('cue:agenda:opens');
  }
  // "moving the design review to the backlog": a move with no time moves work items, not meetings.
  if (kind === 'reschedule' && times.length === 0 && !/re-?schedul|postpon/.test(text)) {
    kind = null;
    evidence.push('move:no-time');
  }

  const parentIsMeeting = parent?.signal != null;
  const inThread = m.threadTs !== null && m.threadTs !== m.ts;
  const strongNoun = nouns.some(([n]) => STRONG_NOUNS.has(n));
  const socialOnly = distractors.some(([d]) => d === 'social') && !nouns.some(([n]) => n === 'meeting' || n === '1:1' || n === 'standup' || n === 'retro' || n === 'session');
  const generalTalk = distractors.some(([d]) => d === 'general talk');
  const deadline = distractors.some(([d]) => d === 'deadline');
  const vetoed = distractors.filter(([d]) => d !== 'general talk' && d !== 'social');
  const clockTimes = times.filter((t) => t.text === 'slack date' || CLOCK.test(t.text));
  const clockish = clockTimes.length > 0 || SPELLED_CLOCK.test(text);
  const busy = BUSY.test(text);
  const request = times.length > 0 && REQUEST.test(text);
  if (request) evidence.push('request:time');
  const durationAsk = request && DURATION.test(text);
  for (const [d, hit] of distractors) evidence.push(`distractor:${d}:"${hit}"`);

  // A reply under a meeting message (or, outside threads, right after one in the channel):
  // its meaning comes from that context. Outside a thread only short, unmistakable replies count.
  if (parentIsMeeting && !isBot) {
    const short = text.length <= 80;
    const via = inThread ? 'thread' : 'channel';
    const cleanVeto = vetoed.length === 0 && !busy && !generalTalk;
    if (links.length > 0 && (kind === null || kind === 'propose') && nouns.length <= 1) {
      return finish(m, 'link', 0.85, [...evidence, `${via}:meeting`], times, links);
    }
    const specific = kind === 'decline' || nouns.length > 0 || clockish;
    if (cleanVeto && (kind === 'decline' || kind === 'cancel' || kind === 'reschedule' || kind === 'followup' || kind === 'agenda') && (inThread || (short && specific))) {
      return finish(m, kind, inThread ? 0.8 : 0.65, [...evidence, `${via}:meeting`], times, links);
    }
    // "want to chat about X? Sunday 3:30 works for me" asks for a meeting of its own: no answer to the one before.
    const asks = !inThread && text.includes('?') && PROPOSE_CUE.test(text);
    // A reaction-like tail ("👌 :sweat_smile:", "works !") does not change the answer.
    const bare = text.replace(TAIL, '').trim();
    if (short && cleanVeto && !asks && (EMOJI_CONFIRM.test(text) || EMOJI_CONFIRM.test(bare) || WORD_CONFIRM.test(text) || ANY_CONFIRM.test(text) || JOINING.test(text) || nearConfirm(text) || nearConfirm(bare) || kind === 'confirm')) {
      return finish(m, 'confirm', inThread ? 0.75 : 0.6, [...evidence, `${via}:confirm`], times, links);
    }
    if (inThread && cleanVeto && clockish) {
      return finish(m, kind ?? 'propose', 0.7, [...evidence, 'thread:meeting'], times, links);
    }
    if (inThread && cleanVeto && kind !== null && (kind === 'propose' || kind === 'confirm' || kind === 'reminder') && (nouns.length > 0 || short)) {
      return finish(m, kind, 0.65, [...evidence, 'thread:meeting'], times, links);
    }
  }

  if (meetingApp) {
    const appKind: SignalKind = links.length > 0 && kind === null ? 'link' : kind ?? (times.length > 0 ? 'reminder' : 'propose');
    if (nouns.length > 0 || times.length > 0 || links.length > 0 || /\bevent\b|\binvit/.test(text)) {
      return finish(m, appKind, 0.85, [...evidence, `app:${m.botName ?? m.botId ?? 'bot'}`], times, links);
    }
    return null;
  }

  if (links.length > 0) {
    const linkKind: SignalKind = kind === null || (kind === 'propose' && text.replace(/https?:\/\/\S+/g, '').trim().length < 30) ? 'link' : kind;
    return finish(m, linkKind, 0.9, evidence, times, links);
  }

  if (generalTalk && !times.some((t) => t.certain)) return null;
  if (socialOnly || busy) return null;
  if (deadline && !request && (kind === null || kind === 'reminder')) return null;
  if (distractors.some(([d]) => d === 'content') && !request) return null;
  // An agenda cue ("for our chat tmrw: the mobile release") says the topic is what a meeting covers.
  if (vetoed.length > 0 && !strongNoun && !request && kind !== 'agenda') return null;
  if (vetoed.some(([d]) => d === 'code call') && nouns.every(([n]) => n === 'call')) return null;
  if (nouns.length === 0) {
    // "things I want to go through tomorrow: …", "let's cancel Thursday": an agenda or a
    // cancellation for a named day is one meeting's, even without its name.
    if ((kind === 'agenda' || (kind === 'cancel' && vetoed.length === 0)) && times.length > 0) {
      return finish(m, kind, 0.55, [...evidence, 'no-noun:day'], times, links);
    }
    // No meeting word, but a request for a time ("are you free Thu 2pm?", "can we move it to 3?").
    // Without a meeting word, a distractor ("how does Friday look for the launch?") says what the time is for.
    if ((kind === 'propose' || kind === 'reschedule' || (kind === 'reminder' && clockish && text.includes('?'))) && (clockish || (times.length > 0 && (text.includes('?') || OFFER.test(text)))) && (vetoed.length === 0 || (request && (durationAsk || !FOR_RELEASE.test(text))))) {
      return finish(m, kind, 0.55, [...evidence, 'no-noun:time-request'], times, links);
    }
    return null;
  }

  // "quick sync Monday after lunch?", "meet Friday after lunch?": a meeting and a day asked as a short question propose it.
  if (kind === null && times.some((t) => NAMED_DAY.test(t.text)) && text.includes('?') && text.length <= 80 && vetoed.length === 0 && !busy) {
    kind = 'propose';
    evidence.push('ask:meeting-day');
  }
  const onlyWeak = nouns.every(([n]) => n === 'chat' || n === 'catch up' || n === 'time block' || n === 'meet');
  if (kind === null && times.length === 0 && !liveTalk && !nouns.some(([n]) => n === 'outcome' || n === 'agenda')) return null;
  if (onlyWeak && kind === null && !(clockish && text.includes('?'))) return null;
  if (onlyWeak && kind === 'confirm' && times.length === 0) return null;
  // A meeting word and a day but no ask and no clock ("interview loop is next week") is news, not coordination.
  if (kind === null && !liveTalk && !clockish && !nouns.some(([n]) => n === 'outcome' || n === 'agenda')) return null;

  if (kind === null && liveTalk) kind = 'propose';
  if (kind === null && nouns.some(([n]) => n === 'outcome')) kind = 'followup';
  let resolved: SignalKind = kind ?? (/\b(?:today|tonight|now|in \d+ ?min)/.test(text) ? 'reminder' : 'propose');
  if (resolved === 'confirm' && text.includes('?')) resolved = 'propose';
  let confidence = 0.45 + (strongNoun ? 0.2 : 0.1) + (kind !== null ? 0.15 : 0) + (times.some((t) => t.certain) ? 0.15 : times.length > 0 ? 0.08 : 0);
  if (vetoed.length > 0) confidence -= 0.15;
  return finish(m, resolved, confidence, evidence, times, links);
}

function finish(m: Message, kind: SignalKind, confidence: number, evidence: string[], times: Signal['times'], links: string[]): Signal {
  return { ...baseSignal(m), kind, confidence: clamp01(confidence), evidence, times, links };
}

const DECLINE_CUE = KIND_CUES.find(([k]) => k === 'decline')![1];
const PROPOSE_CUE = KIND_CUES.find(([k]) => k === 'propose')![1];

/**
 * A short decline that names no meeting ("I'll have to skip this one", "out sick, not
 * joining"), posted at the top level. Text alone does not make it meeting-related; the caller
 * decides from the calendar (a meeting of the channel's members about to start).
 */
export function isBareDecline(m: Message): boolean {
  if (m.botId !== null || m.subtype !== null) return false;
  const text = repairTypos(decodeSlackText(m.text).text.toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'"));
  if (text.length === 0 || text.length > 80 || !DECLINE_CUE.test(text)) return false;
  return !firstMatch(DISTRACTORS, text).some(([d]) => d !== 'social' && d !== 'general talk');
}
