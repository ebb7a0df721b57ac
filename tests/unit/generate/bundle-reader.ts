/**
 * Test helpers that read a generated bundle back: Slack day files, calendar ids from JSON
 * and iCalendar (expanding the generator's weekly RRULEs per bundle.md "Event ids from
 * iCalendar"), and record counts.
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { basicUtc, zonedToUtc } from '../../../src/generate/time.js';

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the test');
    dir = up;
  }
  return dir;
}

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `convene-gen-${label}-`));
}

export type SlackMessage = Record<string, unknown> & { ts: string };

export interface SlackExport {
  channelIds: Map<string, string>;                 // folder → channel id
  days: Map<string, Map<string, SlackMessage[]>>;  // folder → date → messages
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}

export function readSlack(bundle: string): SlackExport {
  const slack = join(bundle, 'slack');
  const channelIds = new Map<string, string>();
  for (const f of ['channels.json', 'groups.json', 'mpims.json']) {
    for (const c of readJson<{ id: string; name: string }[]>(join(slack, f))) channelIds.set(c.name, c.id);
  }
  for (const d of readJson<{ id: string }[]>(join(slack, 'dms.json'))) channelIds.set(d.id, d.id);
  const days = new Map<string, Map<string, SlackMessage[]>>();
  for (const entry of readdirSync(slack, { withFileTypes: true })) {
    if (!entry.isDirectory()) continue;
    const byDate = new Map<string, SlackMessage[]>();
    for (const f of readdirSync(join(slack, entry.name)).sort()) byDate.set(f.replace(/\.json$/, ''), readJson<SlackMessage[]>(join(slack, entry.name, f)));
    days.set(entry.name, byDate);
  }
  return { channelIds, days };
}

function unfold(text: string): string[] {
  return text.replace(/\r\n[ \t]/g, '').split(/\r\n/).filter(Boolean);
}

const BYDAY: Record<string, number> = { SU: 0, MO: 1, TU: 2, WE: 3, TH: 4, FR: 5, SA: 6 };

/** Event ids of an iCalendar file as the pipeline must name them, with the instance count. */
export function icsEventIds(text: string): string[] {
  const ids: string[] = [];
  let props: Map<string, string> | null = null;
  for (const line of unfold(text)) {
    if (line === 'BEGIN:VEVENT') { props = new Map(); continue; }
    if (line === 'END:VEVENT' && props) {
      const uid = props.get('UID') as string;
      const rrule = props.get('RRULE');
      if (props.has('RECURRENCE-ID')) { props = null; continue; }
      if (!rrule) { ids.push(uid); props = null; continue; }
      const [tzPart, local] = (props.get('DTSTART') as string).split(':') as [string, string];
      const tz = tzPart.replace(/^.*TZID=/, '');
      const rule = new Map(rrule.split(';').map((kv) => kv.split('=') as [string, string]));
      const weekdays = (rule.get('BYDAY') ?? '').split(',').map((d) => BYDAY[d]);
      const until = Date.parse((rule.get('UNTIL') as string).replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
      const [y, mo, d, h, mi] = [local.slice(0, 4), local.slice(4, 6), local.slice(6, 8), local.slice(9, 11), local.slice(11, 13)].map(Number) as [number, number, number, number, number];
      for (let k = 0; k < 400; k++) {
        const day = new Date(Date.UTC(y, mo - 1, d + k));
        const at = zonedToUtc(day.getUTCFullYear(), day.getUTCMonth() + 1, day.getUTCDate(), h, mi, tz);
        if (at > until) break;
        if (weekdays.includes(day.getUTCDay())) ids.push(`${uid}_${basicUtc(at)}`);
      }
      props = null;
      continue;
    }
    if (props) {
      const colon = line.indexOf(':');
      const head = line.slice(0, colon);
      const name = head.split(';')[0] as string;
      props.set(name, name === 'DTSTART' ? line : line.slice(colon + 1));
    }
  }
  return ids;
}

export interface CalendarIds { json: Set<string>; ics: Set<string>; records: number }

export function readCalendarIds(bundle: string): CalendarIds {
  const dir = join(bundle, 'google', 'calendar');
  const out: CalendarIds = { json: new Set(), ics: new Set(), records: 0 };
  for (const f of readdirSync(dir).sort()) {
    const text = readFileSync(join(dir, f), 'utf8');
    if (f.endsWith('.ics')) {
      for (const id of icsEventIds(text)) { out.ics.add(id); out.records++; }
    } else {
      const parsed = JSON.parse(text) as { items: { id: string }[] } | { items: { id: string }[] }[];
      for (const page of Array.isArray(parsed) ? parsed : [parsed]) for (const ev of page.items) { out.json.add(ev.id); out.records++; }
    }
  }
  return out;
}

export interface Truth {
  version: number;
  meetings: { id: string; calendar_event_id: string | null; channel?: string; start?: string; end?: string; participants?: string[] }[];
  messages: { channel: string; ts: string; meeting: string; kind?: string }[];
}
