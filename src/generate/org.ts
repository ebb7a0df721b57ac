/**
 * The synthetic organization: people with departments, teams, managers and time zones,
 * their Slack identities (some with nicknames, initials or no email), bots, and channels.
 */
import { Rng, slackId } from './rng.js';

export const DOMAIN = 'northwind.test';
export const TEAM_ID = 'T0NW1ND0RG';

export interface OrgPerson {
  idx: number;
  given: string;
  family: string;
  fullName: string;
  email: string;
  handle: string;                // Slack `name`
  displayName: string;           // Slack profile.display_name (may be a nickname or initials)
  slackId: string | null;        // null: directory-only person
  slackEmail: boolean;           // false: Slack profile carries no email
  department: string;
  team: string;
  title: string;
  manager: number | null;
  tz: string;
  calendar: 'json' | 'ics';
  pagedCalendar: boolean;
  deleted: boolean;              // the one deactivated Slack user; not in directory or people.csv
}

export interface Bot { key: 'gcal' | 'zoom' | 'deploy' | 'github'; name: string; userId: string; botId: string; appId: string; handle: string }

export interface ChannelDef {
  id: string;
  name: string;
  folder: string;
  kind: 'public' | 'private' | 'im' | 'mpim';
  flavor: 'general' | 'random' | 'announcements' | 'incidents' | 'deploys' | 'eng' | 'dept' | 'team' | 'project' | 'social' | 'leads' | 'dm' | 'mpim';
  members: number[];             // person indexes (bots are added by userId in botMembers)
  botMembers: string[];
  created: number;               // epoch seconds
  creator: number;
  topic: string;
  purpose: string;
  team?: string;
}

export interface Org {
  people: OrgPerson[];           // humans, including the deleted one (last)
  bots: Record<Bot['key'], Bot>;
  channels: ChannelDef[];
  byName: Map<string, ChannelDef>;
  teams: Map<string, number[]>;
  tzs: string[];
}

const GIVEN: readonly (readonly [string, string | null])[] = [
  ['Samantha', 'Sam'], ['Robert', 'Bob'], ['Elizabeth', 'Liz'], ['Alexander', 'Alex'], ['Katherine', 'Kate'],
  ['William', 'Will'], ['Jennifer', 'Jen'], ['Michael', 'Mike'], ['Rebecca', 'Becca'], ['Christopher', 'Chris'],
  ['Margaret', 'Maggie'], ['Nicholas', 'Nick'], ['Victoria', 'Tori'], ['Benjamin', 'Ben'], ['Jessica', 'Jess'],
  ['Daniel', 'Dan'], ['Abigail', 'Abby'], ['Jonathan', 'Jon'], ['Patricia', 'Trish'], ['Anthony', 'Tony'],
  ['Ana', null], ['Priya', null], ['Wei', null], ['Mateo', null], ['Chloé', null], ['Aiko', null], ['Omar', null],
  ['Fatima', null], ['Lars', null], ['Ingrid', null], ['Rahul', null], ['Sofia', null], ['Jamal', null],
  ['Noor', null], ['Diego', null], ['Hannah', null], ['Yusuf', null], ['Mei', null], ['Tomás', null],
  ['Zoe', null], ['Kwame', null], ['Elena', null], ['Arjun', null], ['Leila', null], ['Felix', null],
  ['Grace', null], ['Ivan', null], ['Nadia', null], ['Oscar', null], ['Ruth', null], ['Sven', null],
  ['Tara', null], ['Uma', null], ['Viktor', null], ['Yara', null], ['Hugo', null], ['Julia', null], ['Kenji', null],
  ['Lucia', null], ['Marcus', null], ['Nina', null], ['Paolo', null], ['Quinn', null], ['Rosa', null],
];
const FAMILY = [
  'Kim', 'Nguyen', 'Garcia', 'Smith', 'Okafor', 'Müller', 'Rossi', 'Tanaka', 'Patel', 'Johansson', 'Haddad',
  'Silva', 'Cohen', 'Dubois', 'Kowalski', "O'Brien", 'Chen', 'Mensah', 'Fernández', 'Novak', 'Ivanova', 'Sato',
  'Andersen', 'Lopez', 'Brown', 'Wilson', 'Schmidt', 'Moreau', 'Costa', 'Ali', 'Khan', 'Park', 'Lee', 'Walker',
  'Hughes', 'Becker', 'Ricci', 'Yamamoto', 'Reddy', 'Lindqvist', 'Mendes', 'Levy', 'Petit', 'Wójcik', 'Murphy',
  'Zhang', 'Boateng', 'Ortiz', 'Horvat', 'Popescu', 'Suzuki', 'Berg', 'Santos', 'Nakamura', 'Fischer', 'Greco',
];

const DEPARTMENTS: readonly { name: string; weight: number; teams: string[]; titles: string[]; head: string; lead: string }[] = [
  { name: 'Engineering', weight: 45, teams: ['Platform', 'Payments', 'Mobile', 'Data', 'Infra', 'Growth', 'Search', 'Identity'],
    titles: ['Software Engineer', 'Senior Software Engineer', 'Staff Engineer', 'Site Reliability Engineer', 'QA Engineer'], head: 'VP Engineering', lead: 'Engineering Manager' },
  { name: 'Product', weight: 10, teams: ['Core Product', 'Product Ops'], titles: ['Product Manager', 'Senior Product Manager'], head: 'VP Product', lead: 'Group Product Manager' },
  { name: 'Design', weight: 7, teams: ['Product Design', 'Research'], titles: ['Product Designer', 'UX Researcher', 'Content Designer'], head: 'Head of Design', lead: 'Design Lead' },
  { name: 'Sales', weight: 14, teams: ['Enterprise Sales', 'SMB Sales', 'Sales Engineering'], titles: ['Account Executive', 'Sales Development Rep', 'Solutions Engineer'], head: 'VP Sales', lead: 'Sales Manager' },
  { name: 'Marketing', weight: 8, teams: ['Brand', 'Demand Gen'], titles: ['Marketing Manager', 'Content Strategist', 'Growth Marketer'], head: 'CMO', lead: 'Marketing Lead' },
  { name: 'Customer Success', weight: 10, teams: ['Support', 'Onboarding'], titles: ['Support Engineer', 'Customer Success Manager'], head: 'VP Customer Success', lead: 'Support Manager' },
  { name: 'People', weight: 3, teams: ['People Ops'], titles: ['Recruiter', 'People Partner'], head: 'Head of People', lead: 'People Ops Lead' },
  { name: 'Finance', weight: 3, teams: ['Finance'], titles: ['Accountant', 'Financial Analyst'], head: 'CFO', lead: 'Controller' },
];

const ZONES: readonly (readonly [string, number])[] = [
  ['America/Los_Angeles', 35], ['America/New_York', 20], ['America/Chicago', 8], ['America/Denver', 5],
  ['Europe/London', 12], ['Europe/Berlin', 12], ['Asia/Kolkata', 5], ['Australia/Sydney', 3],
];

export const PROJECTS = ['checkout-v2', 'atlas', 'mercury', 'onboarding-revamp', 'billing-migration', 'search-relevance',
  'mobile-offline', 'soc2', 'pricing-2026', 'data-lake', 'sso', 'dark-mode', 'partner-api', 'k8s-upgrade', 'q2-launch', 'hermes'];

function allocate(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const raw = weights.map((w) => (total * w) / sum);
  const out = raw.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = raw.map((r, i) => [r - Math.floor(r), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) { if (left-- <= 0) break; out[i] = (out[i] ?? 0) + 1; }
  return out;
}

export function buildOrg(rng: Rng, peopleCount: number, startSec: number): Org {
  const n = Math.max(6, peopleCount);
  const people: OrgPerson[] = [];
  const emails = new Set<string>();
  const handles = new Set<string>();

  const makePerson = (department: string, team: string, title: string, manager: number | null): OrgPerson => {
    const [given, nick] = rng.pick(GIVEN);
    const family = rng.pick(FAMILY);
    const ascii = (s: string): string => s.normalize('NFD').replace(/[^A-Za-z]/g, '').toLowerCase();
    let email = `${ascii(given)}.${ascii(family)}@${DOMAIN}`;
    for (let k = 2; emails.has(email); k++) email = `${ascii(given)}.${ascii(family)}${k}@${DOMAIN}`;
    emails.add(email);
    let handle = `${ascii(given)}.${ascii(family)}`;
    for (let k = 2; handles.has(handle); k++) handle = `${ascii(given)}${k}`;
    handles.add(handle);
    const style = rng.next();
    const displayName = nick && style < 0.45 ? nick
      : style < 0.55 ? `${nick ?? given} ${family[0]}.`
        : style < 0.7 ? '' : `${given} ${family}`;
    const idx = people.length;
    const person: OrgPerson = {
      idx, given, family, fullName: `${given} ${family}`, email, handle, displayName,
      slackId: slackId(rng, 'U'), slackEmail: !rng.chance(0.06), department, team, title, manager,
      tz: rng.weighted(ZONES), calendar: rng.chance(0.15) ? 'ics' : 'json', pagedCalendar: rng.chance(0.4), deleted: false,
    };
    people.push(person);
    return person;
  };

  makePerson('Executive', 'Executive', 'CEO', null);
  const counts = allocate(n - 1, DEPARTMENTS.map((d) => d.weight));
  const teams = new Map<string, number[]>();
  DEPARTMENTS.forEach((dept, di) => {
    const c = counts[di] ?? 0;
    if (c === 0) return;
    const head = makePerson(dept.name, dept.name, dept.head, 0);
    let left = c - 1;
    let t = 0;
    while (left > 0) {
      const size = Math.min(left, rng.between(5, 8));
      const teamName = t < dept.teams.length ? (dept.teams[t] as string) : `${dept.teams[t % dept.teams.length]} ${Math.floor(t / dept.teams.length) + 1}`;
      const lead = makePerson(dept.name, teamName, dept.lead, head.idx);
      const members = [lead.idx];
      for (let k = 1; k < size; k++) members.push(makePerson(dept.name, teamName, rng.pick(dept.titles), lead.idx).idx);
      teams.set(teamName, members);
      left -= size;
      t++;
    }
  });
  // A few people have no Slack account (contractors on email only), never the CEO or a manager.
  for (const p of people) if (p.idx > 0 && p.manager !== 0 && rng.chance(0.02)) { p.slackId = null; p.calendar = 'json'; }
  const leaver = makePerson('Engineering', 'Platform', 'Software Engineer', null);
  leaver.deleted = true;
  leaver.slackEmail = true;

  const bots: Org['bots'] = {
    gcal: { key: 'gcal', name: 'Google Calendar', handle: 'google_calendar', userId: slackId(rng, 'U'), botId: slackId(rng, 'B'), appId: 'A0F7YS2SX' },
    zoom: { key: 'zoom', name: 'Zoom', handle: 'zoom', userId: slackId(rng, 'U'), botId: slackId(rng, 'B'), appId: 'A5GE9BMQC' },
    deploy: { key: 'deploy', name: 'deploybot', handle: 'deploybot', userId: slackId(rng, 'U'), botId: slackId(rng, 'B'), appId: slackId(rng, 'A') },
    github: { key: 'github', name: 'github', handle: 'github', userId: slackId(rng, 'U'), botId: slackId(rng, 'B'), appId: 'A8GBNUWU8' },
  };

  const channels: ChannelDef[] = [];
  const byName = new Map<string, ChannelDef>();
  const active = people.filter((p) => p.slackId !== null && !p.deleted).map((p) => p.idx);
  const addChannel = (name: string, kind: 'public' | 'private', flavor: ChannelDef['flavor'], members: number[], purpose: string, team?: string): void => {
    if (members.length === 0 || byName.has(name)) return;
    const ch: ChannelDef = {
      id: slackId(rng, 'C'), name, folder: name, kind, flavor, members: [...new Set(members)].sort((a, b) => a - b), botMembers: [],
      created: startSec - rng.between(30, 900) * 86_400, creator: members[0] as number, topic: '', purpose, team,
    };
    channels.push(ch);
    byName.set(name, ch);
  };
  const withLeaver = [...active, leaver.idx];
  addChannel('general', 'public', 'general', withLeaver, 'Company-wide announcements and work-based matters');
  addChannel('random', 'public', 'random', withLeaver, 'Non-work banter and water cooler conversation');
  addChannel('announcements', 'public', 'announcements', active, 'Official announcements');
  const eng = active.filter((i) => people[i]?.department === 'Engineering' || i === 0);
  addChannel('eng', 'public', 'eng', [...eng, leaver.idx], 'Engineering discussion');
  addChannel('incidents', 'public', 'incidents', [...eng, ...active.filter(() => rng.chance(0.2))], 'Incident coordination. Page #oncall for SEV1.');
  addChannel('deploys', 'public', 'deploys', [...eng, leaver.idx], 'Deploy and release announcements');
  for (const dept of DEPARTMENTS) {
    const members = active.filter((i) => people[i]?.department === dept.name);
    if (members.length >= 3) addChannel(dept.name.toLowerCase().replace(/\s+/g, '-'), 'public', 'dept', members, `${dept.name} team`);
  }
  for (const [teamName, members] of teams) {
    const slug = teamName.toLowerCase().replace(/\s+/g, '-');
    const live = members.filter((i) => active.includes(i));
    const head = people[members[0] as number]?.manager ?? null;
    addChannel(`team-${slug}`, rng.chance(0.2) ? 'private' : 'public', 'team', head === null ? live : [...live, head], `${teamName} team channel`, teamName);
  }
  const projectCount = Math.max(2, Math.round(n / 12));
  for (let k = 0; k < projectCount; k++) {
    const base = PROJECTS[k % PROJECTS.length] as string;
    const name = k < PROJECTS.length ? `proj-${base}` : `proj-${base}-${Math.floor(k / PROJECTS.length) + 1}`;
    addChannel(name, rng.chance(0.25) ? 'private' : 'public', 'project', rng.sample(active, rng.between(4, Math.min(14, active.length))), `Working channel for ${base}`);
  }
  for (const social of ['lunch', 'pets', 'running-club', 'book-club']) {
    if (active.length > 15 || social === 'lunch') addChannel(social, 'public', 'social', rng.sample(active, Math.max(3, Math.round(active.length * 0.3))), `#${social}`);
  }
  const leads = active.filter((i) => people.some((p) => p.manager === i));
  if (leads.length >= 2) addChannel('leads', 'private', 'leads', leads, 'Managers only');
  byName.get('deploys')?.botMembers.push(bots.deploy.userId);
  for (const ch of channels) if (ch.flavor === 'project' || ch.flavor === 'team') ch.botMembers.push(bots.github.userId);

  const tzs = [...new Set(people.map((p) => p.tz))].sort();
  return { people, bots, channels, byName, teams, tzs };
}
