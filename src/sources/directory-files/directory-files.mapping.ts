/** Pure mapping from an Admin SDK Directory `users.list` user to a person. */
import type { Person } from '../../core/records.js';
import { text } from '../common/emit.js';
import { isRecord } from '../common/files.js';

export type Mapped<T> = { ok: true; value: T } | { ok: false; reason: string };

function first(list: unknown): Record<string, unknown> {
  const items = Array.isArray(list) ? list.filter(isRecord) : [];
  return items.find((i) => i['primary'] === true) ?? items[0] ?? {};
}

export function mapDirectoryUser(user: unknown): Mapped<Person> {
  if (!isRecord(user)) return { ok: false, reason: 'the user entry is not a JSON object' };
  const primary = text(user['primaryEmail']);
  if (primary === null) return { ok: false, reason: 'the user has no "primaryEmail"' };
  const email = primary.toLowerCase();
  const name = isRecord(user['name']) ? user['name'] : {};
  const givenFamily = [text(name['givenName']), text(name['familyName'])].filter((v) => v !== null).join(' ');
  const org = first(user['organizations']);
  const relations = Array.isArray(user['relations']) ? user['relations'].filter(isRecord) : [];
  const manager = relations.find((r) => r['type'] === 'manager');
  return {
    ok: true,
    value: {
      key: `directory:${email}`,
      source: 'directory',
      externalId: email,
      email,
      name: text(name['fullName']) ?? (givenFamily === '' ? null : givenFamily),
      displayName: text(name['displayName']),
      slackUserId: null,
      department: text(org['department']),
      title: text(org['title']),
      managerEmail: manager ? (text(manager['value'])?.toLowerCase() ?? null) : null,
      timezone: text(user['timezone']) ?? text(user['timeZone']),
      tzOffsetMinutes: null,
      isBot: false,
      deleted: user['archived'] === true || typeof user['deletionTime'] === 'string',
    },
  };
}
