/** Builders and fixture paths shared by the operator tests. */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CalendarEvent, Message, Person } from '../../../src/core/records.js';
import { tsToMillis } from '../../../src/core/records.js';

/** ../shared/fixtures relative to the folder holding package.json. */
export function fixturesDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test');
    dir = up;
  }
  return resolve(dir, '..', 'shared', 'fixtures');
}

/** Epoch seconds → a Slack ts. */
export function tsAt(iso: string, micro = 100): string {
  return `${Math.floor(Date.parse(iso) / 1000)}.${String(micro).padStart(6, '0')}`;
}

export function message(text: string, over: Partial<Message> & { at?: string } = {}): Message {
  const { at, ...rest } = over;
  const ts = rest.ts ?? tsAt(at ?? '2026-03-02T09:00:00Z');
  return {
    channelId: 'C1', ts, time: tsToMillis(ts), userId: 'U1', botId: null, botName: null, subtype: null, text, extraText: '',
    threadTs: null, isThreadParent: false, replyCount: 0, editedTs: null, files: [], links: [], mentions: [], huddle: null, raw: '{}',
    ...rest,
  };
}

export function event(id: string, startIso: string, over: Partial<CalendarEvent> = {}): CalendarEvent {
  const start = Date.parse(startIso);
  return {
    id, calendarId: 'ana@acme.test', iCalUid: null, recurringEventId: null, originalStart: null, summary: 'Meeting', description: null,
    location: null, start, end: start + 30 * 60_000, timeZone: null, allDay: false, status: 'confirmed', eventType: 'default',
    organizer: { email: 'ana@acme.test', name: 'Ana' }, attendees: [], conferenceLinks: [], created: null, updated: null, format: 'api-json',
    ...over,
  };
}

export function attendee(email: string, responseStatus: 'needsAction' | 'declined' | 'tentative' | 'accepted' = 'accepted') {
  return { email, name: null, responseStatus, optional: false, resource: false, organizer: false };
}

export function person(source: Person['source'], externalId: string, over: Partial<Person> = {}): Person {
  return {
    key: `${source}:${externalId}`, source, externalId, email: null, name: null, displayName: null, slackUserId: source === 'slack' ? externalId : null,
    department: null, title: null, managerEmail: null, timezone: null, tzOffsetMinutes: null, isBot: false, deleted: false,
    ...over,
  };
}
