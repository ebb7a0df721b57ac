/**
 * A small convene database with known content for the search, export and archive tests:
 * two people in two teams (one known to Slack and the directory), a public channel and a DM,
 * three meetings (scheduled, huddle, ad hoc) with links, signals and metrics, and one message
 * whose text holds a `<script>` element.
 */
import { join } from 'node:path';
import { envelope, type Envelope } from '../../../src/core/envelope.js';
import type { Channel, IdentityMatch, Meeting, MeetingMetrics, Message, MessageLink, Person, Signal } from '../../../src/core/records.js';
import { DuckdbSink } from '../../../src/sinks/duckdb/duckdb.sink.js';
import { scratch } from '../../support/paths.js';

export const PLANTED_SCRIPT = '<script>document.title="pwned";console.error("pwned")</script> sync on the roadmap?';

const DAY = 86_400_000;
const T0 = Date.parse('2026-03-02T09:00:00Z');

function person(p: Partial<Person> & Pick<Person, 'key' | 'source' | 'externalId'>): Person {
  return { email: null, name: null, displayName: null, slackUserId: null, department: null, title: null, managerEmail: null, timezone: null, tzOffsetMinutes: null, isBot: false, deleted: false, ...p };
}

function message(channelId: string, ts: string, userId: string, text: string): Message {
  return {
    channelId, ts, time: Math.round(Number(ts) * 1000), userId, botId: null, botName: null, subtype: null, text, extraText: '',
    threadTs: null, isThreadParent: false, replyCount: 0, editedTs: null, files: [], links: [], mentions: [], huddle: null, raw: JSON.stringify({ ts, text }),
  };
}

const tsAt = (ms: number, seq: number): string => `${Math.floor(ms / 1000)}.${String(seq).padStart(6, '0')}`;

export function fixtureRecords(): Envelope[] {
  const people: Person[] = [
    person({ key: 'slack:U1', source: 'slack', externalId: 'U1', email: 'ann@acme.test', name: 'Ann Lee', displayName: 'ann', slackUserId: 'U1' }),
    person({ key: 'directory:ann@acme.test', source: 'directory', externalId: 'ann@acme.test', email: 'ann@acme.test', name: 'Ann Lee', department: 'Engineering' }),
    person({ key: 'slack:U2', source: 'slack', externalId: 'U2', email: 'bob@acme.test', name: 'Bob Ng', slackUserId: 'U2', department: 'Sales' }),
  ];
  const identities: IdentityMatch[] = [
    { key: 'slack:U1', personId: 'p-ann', confidence: 1, reason: 'email' },
    { key: 'directory:ann@acme.test', personId: 'p-ann', confidence: 1, reason: 'email' },
    { key: 'slack:U2', personId: 'p-bob', confidence: 1, reason: 'self' },
  ];
  const channels: Channel[] = [
    { id: 'C1', name: 'general', kind: 'public', created: T0 - 30 * DAY, creator: 'U1', members: ['U1', 'U2'], topic: null, purpose: null, isArchived: false },
    { id: 'D1', name: 'D1', kind: 'im', created: T0 - 30 * DAY, creator: null, members: ['U1', 'U2'], topic: null, purpose: null, isArchived: false },
  ];
  // m1: Ann proposes the roadmap review (scheduled, day 0); m2: Bob's huddle in the DM (day 1);
  // m3: Ann's ad hoc call in #general (day 3), with the planted script.
  const msgs: Message[] = [
    message('C1', tsAt(T0 - 3600_000, 1), 'U1', 'can we review the roadmap at 10?'),
    message('C1', tsAt(T0 - 3000_000, 2), 'U2', 'works for me'),
    message('D1', tsAt(T0 + DAY, 3), 'U2', 'huddle now about pricing'),
    message('C1', tsAt(T0 + 3 * DAY, 4), 'U1', PLANTED_SCRIPT),
    message('C1', tsAt(T0 + 4 * DAY, 5), 'U2', 'lunch anyone'),
  ];
  const meetings: Meeting[] = [
    { id: 'ev1', source: 'calendar', kind: 'scheduled', calendarEventId: null, title: 'Roadmap review', channelId: null, start: T0 + 3600_000, end: T0 + 7200_000, status: 'confirmed', organizer: 'ann@acme.test', participants: ['ann@acme.test', 'bob@acme.test'], recurringEventId: null },
    { id: 'slack:D1:h', source: 'slack', kind: 'huddle', calendarEventId: null, title: null, channelId: 'D1', start: T0 + DAY, end: T0 + DAY + 900_000, status: 'confirmed', organizer: 'U2', participants: ['U2', 'U1'], recurringEventId: null },
    { id: 'slack:C1:a', source: 'slack', kind: 'adhoc', calendarEventId: null, title: 'Quick call', channelId: 'C1', start: T0 + 3 * DAY, end: null, status: 'confirmed', organizer: 'U1', participants: ['U1'], recurringEventId: null },
  ];
  const link = (m: Message, meetingId: string, kind: MessageLink['kind']): MessageLink => ({ channelId: m.channelId, ts: m.ts, meetingId, kind, confidence: 0.9, method: 'time', evidence: ['test'] });
  const links: MessageLink[] = [link(msgs[0]!, 'ev1', 'propose'), link(msgs[1]!, 'ev1', 'confirm'), link(msgs[2]!, 'slack:D1:h', 'huddle'), link(msgs[3]!, 'slack:C1:a', 'propose')];
  const signals: Signal[] = links.map((l, i) => ({ channelId: l.channelId, ts: l.ts, time: msgs[i]!.time, userId: msgs[i]!.userId, kind: l.kind, confidence: 0.9, evidence: [], times: [], links: [], threadTs: null }));
  const metric = (meetingId: string, cost: number, messages: number): MeetingMetrics => ({
    meetingId, messages, schedulingMessages: messages, followups: 0, reschedules: 0, participants: 2, coordinators: 1, channels: 1, firstMessageAt: T0, leadTimeMs: 3600_000, timeToScheduleMs: 600_000, coordinationCostMinutes: cost,
  });
  const metrics = [metric('ev1', 12.5, 2), metric('slack:D1:h', 3, 1), metric('slack:C1:a', 30, 1)];
  return [
    ...people.map((p) => envelope('person', p.key, 0, 'fixture', p)),
    ...identities.map((i) => envelope('identity', i.key, 0, 'fixture', i)),
    ...channels.map((c) => envelope('channel', c.id, 0, 'fixture', c)),
    ...msgs.map((m) => envelope('message', `${m.channelId}:${m.ts}`, m.time, 'fixture', m)),
    ...signals.map((s) => envelope('signal', `${s.channelId}:${s.ts}`, s.time, 'fixture', s)),
    ...meetings.map((m) => envelope('meeting', m.id, m.start, 'fixture', m)),
    ...links.map((l) => envelope('message_link', `${l.channelId}:${l.ts}`, 0, 'fixture', l)),
    ...metrics.map((x) => envelope('meeting_metrics', x.meetingId, 0, 'fixture', x)),
  ];
}

/** Writes the fixture to a new database file and returns its path. */
export async function fixtureDatabase(name = 'store.duckdb'): Promise<string> {
  const path = join(scratch('convene-store-'), name);
  const sink = new DuckdbSink(path, 'run-fixture');
  await sink.write(fixtureRecords());
  await sink.flush();
  await sink.close();
  return path;
}
