/**
 * The bundle files that describe the organization rather than its activity: Slack
 * users.json / channels.json / groups.json / dms.json / mpims.json / integration_logs.json,
 * the Directory users.list pages, and people.csv.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChannelDef, Org, OrgPerson } from './org.js';
import { TEAM_ID } from './org.js';
import { offsetMinutes } from './time.js';

const TZ_LABEL: Record<string, [string, string]> = {
  'America/Los_Angeles': ['Pacific Standard Time', 'Pacific Daylight Time'], 'America/New_York': ['Eastern Standard Time', 'Eastern Daylight Time'],
  'America/Chicago': ['Central Standard Time', 'Central Daylight Time'], 'America/Denver': ['Mountain Standard Time', 'Mountain Daylight Time'],
  'Europe/London': ['Greenwich Mean Time', 'British Summer Time'], 'Europe/Berlin': ['Central European Time', 'Central European Summer Time'],
  'Asia/Kolkata': ['India Standard Time', 'India Standard Time'], 'Australia/Sydney': ['Australian Eastern Daylight Time', 'Australian Eastern Standard Time'],
};

const json = (v: unknown): string => `${JSON.stringify(v, null, 4)}\n`;

function avatar(hash: string): Record<string, string> {
  return { avatar_hash: hash, image_24: `https://avatars.slack-edge.com/${hash}_24.jpg`, image_72: `https://avatars.slack-edge.com/${hash}_72.jpg`, image_192: `https://avatars.slack-edge.com/${hash}_192.jpg` };
}

function slackUser(p: OrgPerson, at: number): Record<string, unknown> {
  const off = offsetMinutes(at, p.tz);
  const labels = TZ_LABEL[p.tz] ?? ['UTC', 'UTC'];
  const winterOffset = offsetMinutes(Date.UTC(2026, 0, 15), p.tz);
  const profile: Record<string, unknown> = {
    title: p.title, phone: '', skype: '', real_name: p.fullName, real_name_normalized: p.fullName.normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
    display_name: p.displayName, display_name_normalized: p.displayName.normalize('NFD').replace(/[\u0300-\u036f]/g, ''),
    fields: null, status_text: '', status_emoji: '', status_expiration: 0, ...avatar(`g${p.idx.toString(16).padStart(10, '0')}`),
    first_name: p.given, last_name: p.family, team: TEAM_ID,
  };
  if (p.slackEmail) profile.email = p.email;
  return {
    id: p.slackId, team_id: TEAM_ID, name: p.handle, deleted: p.deleted, color: '9f69e7', real_name: p.fullName,
    tz: p.tz, tz_label: off === winterOffset ? labels[0] : labels[1], tz_offset: off * 60, profile,
    is_admin: p.idx === 0, is_owner: p.idx === 0, is_primary_owner: p.idx === 0, is_restricted: false, is_ultra_restricted: false,
    is_bot: false, is_app_user: false, updated: 1767225600 + p.idx, is_email_confirmed: p.slackEmail, who_can_share_contact_card: 'EVERYONE',
  };
}

function channelObj(ch: ChannelDef, org: Org): Record<string, unknown> {
  const members = [...ch.members.map((i) => org.people[i]?.slackId).filter((u): u is string => typeof u === 'string'), ...ch.botMembers];
  const creator = org.people[ch.creator]?.slackId ?? '';
  if (ch.kind === 'im') return { id: ch.id, created: ch.created, members };
  const base: Record<string, unknown> = {
    id: ch.id, name: ch.name, created: ch.created, creator, is_archived: false, is_general: ch.flavor === 'general', members,
    topic: { value: ch.topic, creator: ch.topic ? creator : '', last_set: ch.topic ? ch.created : 0 },
    purpose: { value: ch.purpose, creator: ch.purpose ? creator : '', last_set: ch.purpose ? ch.created : 0 },
  };
  if (ch.kind === 'public') base.pins = [];
  if (ch.kind === 'mpim') base.is_mpim = true;
  return base;
}

export function writeSlackMeta(dir: string, org: Org, dms: ChannelDef[], mpims: ChannelDef[], startMs: number): number {
  const users: unknown[] = org.people.filter((p) => p.slackId).map((p) => slackUser(p, startMs));
  users.unshift({ id: 'USLACKBOT', team_id: TEAM_ID, name: 'slackbot', deleted: false, color: '757575', real_name: 'Slackbot', tz: 'America/Los_Angeles', tz_label: 'Pacific Standard Time', tz_offset: -28800,
    profile: { real_name: 'Slackbot', display_name: 'Slackbot', first_name: 'slackbot', last_name: '', team: TEAM_ID }, is_admin: false, is_owner: false, is_bot: false, is_app_user: false, updated: 0 });
  for (const bot of Object.values(org.bots)) {
    users.push({ id: bot.userId, team_id: TEAM_ID, name: bot.handle, deleted: false, real_name: bot.name, tz: 'America/Los_Angeles', tz_label: 'Pacific Standard Time', tz_offset: -28800,
      profile: { real_name: bot.name, display_name: '', bot_id: bot.botId, api_app_id: bot.appId, always_active: true, first_name: bot.name, last_name: '', team: TEAM_ID },
      is_admin: false, is_owner: false, is_bot: true, is_app_user: false, updated: 1700000000 });
  }
  writeFileSync(join(dir, 'users.json'), json(users));
  writeFileSync(join(dir, 'channels.json'), json(org.channels.filter((c) => c.kind === 'public').map((c) => channelObj(c, org))));
  writeFileSync(join(dir, 'groups.json'), json(org.channels.filter((c) => c.kind === 'private').map((c) => channelObj(c, org))));
  writeFileSync(join(dir, 'dms.json'), json(dms.map((c) => channelObj(c, org))));
  writeFileSync(join(dir, 'mpims.json'), json(mpims.map((c) => channelObj(c, org))));
  const admin = org.people[0] as OrgPerson;
  const logs = Object.values(org.bots).map((bot, k) => ({
    user_id: admin.slackId, user_name: admin.handle, date: String(1735689600 + k * 86_400 * 20), change_type: 'added',
    ...(bot.key === 'deploy' ? { service_id: bot.appId, service_type: 'Incoming WebHooks', channel: 'deploys' } : { app_id: bot.appId, app_type: 'app' }),
    scope: 'chat:write,channels:read', reason: '',
  }));
  logs.push({ user_id: admin.slackId, user_name: admin.handle, date: '1740000000', change_type: 'removed', app_id: 'A0TRELLO01', app_type: 'app', scope: 'chat:write', reason: 'unused' });
  writeFileSync(join(dir, 'integration_logs.json'), json(logs));
  return users.length;
}

export function writeDirectory(dir: string, org: Org): void {
  const people = org.people.filter((p) => !p.deleted);
  const pages: unknown[] = [];
  for (let k = 0; k < people.length; k += 100) {
    const users = people.slice(k, k + 100).map((p) => {
      const manager = p.manager === null ? null : org.people[p.manager];
      return {
        kind: 'admin#directory#user', id: `1${String(p.idx * 7919 + 10007).padStart(20, '0')}`, etag: `"d${p.idx}"`, primaryEmail: p.email,
        name: { givenName: p.given, familyName: p.family, fullName: p.fullName }, isAdmin: p.idx === 0, isDelegatedAdmin: false,
        creationTime: '2024-01-15T17:00:00.000Z', agreedToTerms: true, suspended: false, archived: false, changePasswordAtNextLogin: false,
        ipWhitelisted: false, emails: [{ address: p.email, primary: true }],
        ...(manager ? { relations: [{ value: manager.email, type: 'manager' }] } : {}),
        organizations: [{ title: p.title, primary: true, customType: '', department: p.department, description: p.team }],
        customerId: 'C03nw1nd0', orgUnitPath: `/${p.department}`, isMailboxSetup: true, includeInGlobalAddressList: true,
      };
    });
    const page: Record<string, unknown> = { kind: 'admin#directory#users', etag: `"dirpage${k}"`, users };
    if (k + 100 < people.length) page.nextPageToken = `Q0FFU${k + 100}`;
    pages.push(page);
  }
  writeFileSync(join(dir, 'users.json'), json(pages.length === 1 ? pages[0] : pages));
}

function csvCell(v: string): string {
  return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function writePeopleCsv(path: string, org: Org): number {
  const rows = ['email,name,slack_user_id,department,title,manager_email,timezone'];
  const people = org.people.filter((p) => !p.deleted);
  for (const p of people) {
    const manager = p.manager === null ? '' : (org.people[p.manager]?.email ?? '');
    rows.push([p.email, p.fullName, p.slackId ?? '', p.department, p.title, manager, p.tz].map(csvCell).join(','));
  }
  writeFileSync(path, `${rows.join('\n')}\n`);
  return people.length;
}
