/**
 * Typing slips in the words detection and linking read: two neighbouring letters swapped
 * ("satrt", "ntoes", "cancellde", "roadmpa"), the commonest typo on a keyboard. A word that is
 * not itself one of these words but becomes one when two neighbouring letters (not the first)
 * are swapped back is read as that word. Only words of five letters or more: shorter ones
 * collide with other words too easily. The length never changes, so positions in the text hold.
 */

/** Cue and title words worth repairing: those the detection rules and common meeting titles name. */
const WORDS = [
  // meetings and their kinds
  'meeting', 'meetings', 'standup', 'standups', 'retro', 'retrospective', 'review', 'reviews', 'planning', 'kickoff', 'debrief',
  'postmortem', 'session', 'pairing', 'brainstorm', 'workshop', 'interview', 'huddle', 'catch', 'weekly', 'roadmap', 'design',
  'demo', 'hiring', 'budget', 'architecture', 'customer', 'partner', 'leadership', 'office', 'hours', 'all-hands', 'sprint',
  'calendar', 'invite', 'invites', 'agenda', 'topics', 'items', 'notes', 'minutes', 'recap', 'summary', 'takeaways', 'decisions',
  'action', 'follow', 'followup', 'outcome', 'writeup', 'recording',
  // doing things to them
  'cancel', 'cancels', 'cancelled', 'canceled', 'cancelling', 'canceling', 'calling', 'killing', 'scrap', 'scrapping', 'scrapped',
  'skipping', 'dropping', 'removing', 'postpone', 'postponed', 'postponing', 'reschedule', 'rescheduled', 'rescheduling',
  'moving', 'moved', 'pushing', 'pushed', 'shifting', 'shifted', 'bumping', 'bumped', 'updated', 'update', 'schedule',
  'scheduled', 'scheduling', 'booking', 'booked', 'sending', 'bringing', 'adding', 'added', 'decline', 'declined', 'declining',
  'conflict', 'clash', 'double', 'travelling', 'traveling', 'joining', 'attend', 'accepted', 'confirmed', 'reminder', 'remind',
  'starting', 'starts', 'start', 'begin', 'where', 'everyone', 'everybody', 'waiting', 'happening', 'still', 'sorry', 'tomorrow',
  'today', 'morning', 'afternoon', 'evening', 'tonight', 'works', 'would', 'could', 'should', 'about', 'available', 'around',
  'objects', 'nobody', 'discuss', 'cover', 'through', 'things', 'would', 'enjoy',
];

/** Every variant with two neighbouring letters swapped (the first kept), mapped to its word. */
const SLIPS = new Map<string, string>();
const KNOWN = new Set(WORDS);
for (const w of WORDS) {
  if (w.length < 5) continue;
  for (let i = 1; i < w.length - 1; i++) {
    if (w[i] === w[i + 1]) continue;
    const slip = w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2);
    if (!KNOWN.has(slip) && !SLIPS.has(slip)) SLIPS.set(slip, w);
  }
}

const WORD = /[a-z][a-z-]{4,}/g;

/** `text` (lower case) with each slipped word read as the word it slipped from. */
export function repairTypos(text: string): string {
  return text.replace(WORD, (w) => SLIPS.get(w) ?? w);
}
