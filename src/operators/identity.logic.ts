/**
 * Identity mapping: which Slack user, directory entry, people.csv row and calendar attendee
 * are the same person.
 *
 * Evidence, strongest first: the same email (1.0); a people.csv or directory row naming the
 * Slack user id (0.98); the same full name (0.85); the same name up to a nickname
 * ("Sam"/"Samantha", 0.75); a first name and a last initial ("Sam K.", 0.6). Name evidence
 * joins two identities only when it is unambiguous (one candidate) and their emails do not
 * contradict each other (two different addresses are two people). Bots never match by name.
 *
 * People arrive in any order. `add` answers at once from what is known so far; `all`,
 * `match` and the lookups recompute the whole mapping from the identities sorted by key when
 * something was added, so the final state does not depend on arrival order.
 */
import type { IdentityMatch, Person } from '../core/records.js';

type Reason = IdentityMatch['reason'];

const CONFIDENCE: Record<Reason, number> = { email: 1, self: 1, people_csv: 0.98, name: 0.85, nickname: 0.75, initials: 0.6, unmatched: 0.5 };
const RANK: Record<Reason, number> = { email: 6, people_csv: 5, name: 4, nickname: 3, initials: 2, self: 1, unmatched: 0 };
/** Which identity's email names the person: the directory is the organisation's own record. */
const SOURCE_RANK: Record<Person['source'], number> = { directory: 0, people_csv: 1, slack: 2, calendar: 3 };

/** Nickname groups; every name in a group maps to the first. */
const NICKNAME_GROUPS: string[][] = [
  ['samantha', 'sam', 'sammy'], ['samuel', 'sam', 'sammy'], ['robert', 'bob', 'rob', 'bobby', 'robbie', 'bert'],
  ['elizabeth', 'liz', 'beth', 'betty', 'eliza', 'lizzie', 'libby', 'elisabeth'], ['william', 'will', 'bill', 'billy', 'liam'],
  ['richard', 'rick', 'rich', 'dick', 'ricky'], ['james', 'jim', 'jimmy', 'jamie'], ['john', 'jack', 'johnny'],
  ['jonathan', 'jon', 'jonny'], ['michael', 'mike', 'mikey', 'mick'], ['christopher', 'chris', 'kit'], ['christine', 'chris', 'christina', 'tina'],
  ['katherine', 'kate', 'kathy', 'katie', 'kat', 'catherine', 'cathy', 'kathryn'], ['margaret', 'maggie', 'meg', 'peggy', 'marge'],
  ['alexander', 'alex', 'xander', 'sasha'], ['alexandra', 'alex', 'alexa', 'sasha', 'sandra'], ['anthony', 'tony'], ['antonio', 'tony', 'toni'],
  ['benjamin', 'ben', 'benny'], ['daniel', 'dan', 'danny'], ['danielle', 'dani'], ['david', 'dave', 'davey'], ['edward', 'ed', 'eddie', 'ted', 'ned'],
  ['joseph', 'joe', 'joey'], ['josephine', 'jo', 'josie'], ['joshua', 'josh'], ['matthew', 'matt'], ['nicholas', 'nick', 'nicky'],
  ['nicole', 'nikki', 'nicki'], ['patrick', 'pat', 'paddy'], ['patricia', 'pat', 'patty', 'trish'], ['peter', 'pete'], ['stephen', 'steve', 'steven'],
  ['thomas', 'tom', 'tommy'], ['timothy', 'tim', 'timmy'], ['victoria', 'vicky', 'tori'], ['jennifer', 'jen', 'jenny'], ['jessica', 'jess', 'jessie'],
  ['rebecca', 'becky', 'becca'], ['susan', 'sue', 'susie', 'suzanne'], ['deborah', 'deb', 'debbie'], ['andrew', 'andy', 'drew'],
  ['gregory', 'greg'], ['jeffrey', 'jeff'], ['kenneth', 'ken', 'kenny'], ['lawrence', 'larry'], ['ronald', 'ron', 'ronnie'], ['donald', 'don', 'donny'],
  ['raymond', 'ray'], ['gerald', 'gerry', 'jerry'], ['frederick', 'fred', 'freddie'], ['charles', 'charlie', 'chuck', 'chas'], ['henry', 'hank', 'harry'],
  ['abigail', 'abby', 'abbie'], ['amanda', 'mandy'], ['barbara', 'barb', 'babs'], ['dorothy', 'dot', 'dottie'], ['eleanor', 'ellie', 'nora', 'ella'],
  ['gabriel', 'gabe'], ['gabriella', 'gabby', 'gabi'], ['isabella', 'bella', 'izzy', 'isabel'], ['jacqueline', 'jackie'], ['judith', 'judy'],
  ['kimberly', 'kim'], ['leonard', 'leo', 'len', 'lenny'], ['madeline', 'maddie', 'madeleine'], ['natalie', 'nat'], ['nathaniel', 'nate', 'nathan', 'nat'],
  ['olivia', 'liv', 'livvy'], ['pamela', 'pam'], ['philip', 'phil', 'phillip'], ['samira', 'sami'], ['theodore', 'theo', 'ted', 'teddy'],
  ['valerie', 'val'], ['vincent', 'vince', 'vinny'], ['zachary', 'zach', 'zack'], ['francisco', 'paco', 'frank'], ['francis', 'frank', 'fran'],
  ['guillermo', 'memo', 'willy'], ['jose', 'pepe'], ['aleksandr', 'sasha', 'alex'], ['mohammed', 'mo', 'mohammad', 'muhammad'],
];
const NICKNAMES = new Map<string, string[]>();
for (const group of NICKNAME_GROUPS) {
  for (const n of group) NICKNAMES.set(n, [...(NICKNAMES.get(n) ?? []), group[0]!]);
}

/** Lower case, accents and punctuation removed: "José  O'Neil" → "jose oneil". */
export function normaliseName(name: string): string {
  return name
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/['’`]/g, '')
    .replace(/[^\p{L}\p{N}.\s-]/gu, ' ')
    .replace(/[-\s]+/g, ' ')
    .trim();
}

interface NameParts {
  first: string;
  last: string | null;     // null for a one-word name
  lastInitial: boolean;    // "Sam K."
}

function nameParts(raw: string | null): NameParts | null {
  if (!raw) return null;
  const tokens = normaliseName(raw).split(' ').map((t) => t.replace(/\./g, '')).filter(Boolean);
  if (tokens.length === 0) return null;
  if (tokens.length === 1) return { first: tokens[0]!, last: null, lastInitial: false };
  const last = tokens[tokens.length - 1]!;
  return { first: tokens[0]!, last, lastInitial: last.length === 1 };
}

function canonicalFirsts(first: string): string[] {
  return NICKNAMES.get(first) ?? [first];
}

interface NameKeys {
  full: string[];
  nick: string[];
  /** Keys of a name written with a last initial, to look up. */
  initials: string[];
  /** Initials keys of a name whose surname is written out, to be found by. */
  initialsOf: string[];
}

function nameKeys(p: Person): NameKeys {
  const keys: NameKeys = { full: [], nick: [], initials: [], initialsOf: [] };
  for (const raw of [p.name, p.displayName]) {
    const parts = nameParts(raw);
    if (!parts || parts.last === null) continue;
    if (!parts.lastInitial) keys.full.push(`${parts.first} ${parts.last}`);
    for (const c of canonicalFirsts(parts.first)) {
      if (!parts.lastInitial) keys.nick.push(`${c} ${parts.last}`);
      (parts.lastInitial ? keys.initials : keys.initialsOf).push(`${c} ${parts.last[0]}`);
    }
  }
  return keys;
}

function emailOf(p: Person): string | null {
  return p.email ? p.email.trim().toLowerCase() : null;
}

/** The full mapping, computed from scratch over identities sorted by key. */
function resolve(people: Person[]): Map<string, IdentityMatch> {
  const sorted = [...people].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const parent = new Map<string, string>();
  const best = new Map<string, Reason>();
  const find = (k: string): string => {
    let r = k;
    while (parent.get(r) !== r) r = parent.get(r)!;
    let c = k;
    while (c !== r) {
      const next = parent.get(c)!;
      parent.set(c, r);
      c = next;
    }
    return r;
  };
  const emails = new Map<string, Set<string>>(); // root → emails in the cluster
  const note = (k: string, reason: Reason): void => {
    const prev = best.get(k);
    if (prev === undefined || RANK[reason] > RANK[prev]) best.set(k, reason);
  };
  const union = (a: string, b: string, reason: Reason): void => {
    note(a, reason);
    note(b, reason);
    const ra = find(a);
    const rb = find(b);
    if (ra === rb) return;
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(drop, keep);
    const merged = new Set([...(emails.get(keep) ?? []), ...(emails.get(drop) ?? [])]);
    emails.set(keep, merged);
    emails.delete(drop);
  };
  for (const p of sorted) {
    parent.set(p.key, p.key);
    const e = emailOf(p);
    emails.set(p.key, new Set(e ? [e] : []));
  }

  const byEmail = new Map<string, string>();
  for (const p of sorted) {
    const e = emailOf(p);
    if (!e) continue;
    const seen = byEmail.get(e);
    if (seen === undefined) byEmail.set(e, p.key);
    else union(seen, p.key, 'email');
  }
  const slackKeys = new Map<string, string>();
  for (const p of sorted) if (p.source === 'slack') slackKeys.set(p.externalId, p.key);
  for (const p of sorted) {
    if (p.source === 'slack' || !p.slackUserId) continue;
    const target = slackKeys.get(p.slackUserId);
    if (target !== undefined) union(target, p.key, 'people_csv');
  }

  const compatible = (a: string, b: string): boolean => {
    const ea = emails.get(find(a)) ?? new Set<string>();
    const eb = emails.get(find(b)) ?? new Set<string>();
    if (ea.size === 0 || eb.size === 0) return true;
    for (const e of ea) if (eb.has(e)) return true;
    return false;
  };
  const keysOf = new Map<string, NameKeys>();
  for (const p of sorted) if (!p.isBot) keysOf.set(p.key, nameKeys(p));
  const passes: Array<['full' | 'nick' | 'initials', Reason]> = [['full', 'name'], ['nick', 'nickname'], ['initials', 'initials']];
  for (const [field, reason] of passes) {
    // Initials ("Sam K.") are looked up among people whose surname is written out.
    const indexed = field === 'initials' ? 'initialsOf' : field;
    const index = new Map<string, string[]>();
    for (const [key, nk] of keysOf) for (const k of new Set(nk[indexed])) index.set(k, [...(index.get(k) ?? []), key]);
    for (const [key, nk] of keysOf) {
      const others = [...new Set(nk[field])].flatMap((k) => index.get(k) ?? []).filter((o) => find(o) !== find(key));
      const roots = new Set(others.map(find));
      // Ambiguous ("Sam K." could be Samantha Kowalski or Samuel Klein): no match.
      if (roots.size !== 1) continue;
      const other = others[0]!;
      if (compatible(key, other)) union(key, other, reason);
    }
  }

  const members = new Map<string, Person[]>();
  for (const p of sorted) {
    const r = find(p.key);
    members.set(r, [...(members.get(r) ?? []), p]);
  }
  const out = new Map<string, IdentityMatch>();
  for (const [root, group] of members) {
    const withEmail = group.filter((p) => emailOf(p) !== null).sort((a, b) => SOURCE_RANK[a.source] - SOURCE_RANK[b.source] || (a.key < b.key ? -1 : 1));
    const personId = withEmail.length > 0 ? `person:${emailOf(withEmail[0]!)}` : `person:${root}`;
    for (const p of group) {
      let reason: Reason = best.get(p.key) ?? (group.length > 1 ? 'name' : emailOf(p) ? 'self' : 'unmatched');
      if (group.length === 1) reason = emailOf(p) || p.isBot ? 'self' : 'unmatched';
      out.set(p.key, { key: p.key, personId, confidence: CONFIDENCE[reason], reason });
    }
  }
  return out;
}

export class IdentityIndex {
  private readonly people = new Map<string, Person>();
  private readonly keyByEmail = new Map<string, string>();
  private resolved: Map<string, IdentityMatch> | null = null;

  /** Record an identity; answers from what is known so far (see the class comment). */
  add(person: Person): IdentityMatch {
    this.people.set(person.key, person);
    this.resolved = null;
    const e = emailOf(person);
    if (e) {
      const earlier = this.keyByEmail.get(e);
      if (earlier === undefined || earlier > person.key) this.keyByEmail.set(e, person.key);
      if (earlier !== undefined && earlier !== person.key) return { key: person.key, personId: `person:${e}`, confidence: 1, reason: 'email' };
      return { key: person.key, personId: `person:${e}`, confidence: 1, reason: 'self' };
    }
    return { key: person.key, personId: `person:${person.key}`, confidence: CONFIDENCE.unmatched, reason: 'unmatched' };
  }

  /** The final mapping of one identity key (`slack:U1`, `directory:ana@acme.test`, ...). */
  match(key: string): IdentityMatch | undefined {
    return this.state().get(key);
  }

  /** The Slack user id of the person who has this email, if any identity links them. */
  slackIdForEmail(email: string): string | undefined {
    const key = this.keyByEmail.get(email.trim().toLowerCase());
    if (key === undefined) return undefined;
    const personId = this.state().get(key)?.personId;
    if (personId === undefined) return undefined;
    return this.clusters().get(personId)?.slackId;
  }

  /** The email of the person behind a Slack user id (directory address preferred). */
  emailForSlackId(id: string): string | undefined {
    const personId = this.state().get(`slack:${id}`)?.personId ?? this.slackOwners().get(id);
    if (personId === undefined) return undefined;
    return this.clusters().get(personId)?.email;
  }

  /** Every identity's final match, sorted by key. */
  all(): IdentityMatch[] {
    return [...this.state().values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  private clusterCache: Map<string, { slackId?: string; email?: string; department?: string }> | null = null;
  private slackOwnerCache: Map<string, string> | null = null;

  private state(): Map<string, IdentityMatch> {
    if (this.resolved === null) {
      this.resolved = resolve([...this.people.values()]);
      this.clusterCache = null;
      this.slackOwnerCache = null;
    }
    return this.resolved;
  }

  /** The department (team) of the person behind an email or a Slack user id, from any of their identities. */
  departmentOf(emailOrSlackId: string): string | undefined {
    const key = this.keyByEmail.get(emailOrSlackId.trim().toLowerCase()) ?? (this.people.has(`slack:${emailOrSlackId}`) ? `slack:${emailOrSlackId}` : undefined);
    const personId = key !== undefined ? this.state().get(key)?.personId : this.slackOwners().get(emailOrSlackId);
    if (personId === undefined) return undefined;
    return this.clusters().get(personId)?.department;
  }

  private clusters(): Map<string, { slackId?: string; email?: string; department?: string }> {
    const state = this.state();
    if (this.clusterCache === null) {
      const c = new Map<string, { slackId?: string; email?: string; emailRank?: number; department?: string }>();
      for (const p of [...this.people.values()].sort((a, b) => (a.key < b.key ? -1 : 1))) {
        const id = state.get(p.key)!.personId;
        const entry = c.get(id) ?? {};
        if (p.source === 'slack' && entry.slackId === undefined) entry.slackId = p.externalId;
        else if (p.slackUserId && entry.slackId === undefined) entry.slackId = p.slackUserId;
        if (p.department && (entry.department === undefined || p.source === 'directory')) entry.department = p.department;
        const e = emailOf(p);
        if (e && (entry.emailRank === undefined || SOURCE_RANK[p.source] < entry.emailRank)) {
          entry.email = e;
          entry.emailRank = SOURCE_RANK[p.source];
        }
        c.set(id, entry);
      }
      this.clusterCache = c;
    }
    return this.clusterCache;
  }

  /** Slack ids named only by people.csv or directory rows (no Slack identity seen). */
  private slackOwners(): Map<string, string> {
    const state = this.state();
    if (this.slackOwnerCache === null) {
      const m = new Map<string, string>();
      for (const p of this.people.values()) if (p.slackUserId && !m.has(p.slackUserId)) m.set(p.slackUserId, state.get(p.key)!.personId);
      this.slackOwnerCache = m;
    }
    return this.slackOwnerCache;
  }
}
