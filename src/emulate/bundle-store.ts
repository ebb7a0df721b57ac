/**
 * The emulator's in-memory workspace: a bundle's Slack export and Google files, loaded once,
 * with a change counter so that sync tokens and Drive change feeds can say what changed. Tests
 * mutate it (a late thread reply, a moved event) to exercise incremental reads.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../core/errors.js';
import type { Channel } from '../core/records.js';
import { isRecord, listInputFiles, parseJson, readText, fileStem } from '../sources/common/files.js';
import { CHANNEL_FILES, dayFilePath, openFolderExport, openZipExport } from '../sources/slack-export/slack-export.archive.js';
import type { ExportArchive } from '../sources/slack-export/slack-export.archive.js';
import { calendarIdOf } from '../sources/calendar-files/calendar-api.mapping.js';

export type Json = Record<string, unknown>;

export interface StoredChannel {
  readonly id: string;
  readonly kind: Channel['kind'];
  readonly raw: Json;
}

export interface Versioned {
  value: Json;
  seq: number;
}

export interface StoredCalendar {
  readonly id: string;
  readonly timeZone: string | null;
  readonly events: Map<string, Versioned>;
  /** Bumped to invalidate every sync token handed out before. */
  epoch: number;
}


function compareTs(a: string, b: string): number {
  return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function itemsOf(body: unknown, field: string): Json[] {
  const pages = Array.isArray(body) ? body : [body];
  return pages.flatMap((p) => (isRecord(p) && Array.isArray(p[field]) ? (p[field] as unknown[]).filter(isRecord) : []));
}

export class BundleStore {
  readonly team = { id: 'T0CONVENE', name: 'Convene Emulator', domain: 'convene-emulator' };
  users: Json[] = [];
  readonly channels: StoredChannel[] = [];
  /** Messages per channel id, ascending by ts (thread replies included). */
  readonly messages = new Map<string, Json[]>();
  readonly calendars = new Map<string, StoredCalendar>();
  readonly driveFiles = new Map<string, Versioned>();
  directoryUsers: Json[] = [];
  /** Global change counter: every change to a calendar event or Drive file takes the next value. */
  seq = 0;
  /** Files the emulator could not serve through an API (ICS calendars), for the log. */
  readonly skipped: string[] = [];
  /** Parts of the bundle with no API form, which `convene run` reads as files beside the APIs. */
  readonly icsFiles: string[] = [];
  peopleCsv: string | null = null;

  static async load(bundleDir: string): Promise<BundleStore> {
    if (!existsSync(bundleDir)) throw new InputError('INPUT_NOT_FOUND', bundleDir, 'no bundle folder here');
    const store = new BundleStore();
    const slackDir = join(bundleDir, 'slack');
    const slackZip = join(bundleDir, 'slack.zip');
    if (existsSync(slackDir)) await store.loadSlack(await openFolderExport(slackDir));
    else if (existsSync(slackZip)) await store.loadSlack(await openZipExport(slackZip));
    if (existsSync(join(bundleDir, 'people.csv'))) store.peopleCsv = join(bundleDir, 'people.csv');
    const google = join(bundleDir, 'google');
    if (existsSync(join(google, 'calendar'))) await store.loadCalendars(join(google, 'calendar'));
    if (existsSync(join(google, 'drive'))) {
      for (const file of await listInputFiles([join(google, 'drive')], ['.json'])) {
        const parsed = parseJson(await readText(file));
        if (parsed.ok) for (const f of itemsOf(parsed.value, 'files')) if (typeof f['id'] === 'string') store.driveFiles.set(f['id'], { value: f, seq: ++store.seq });
      }
    }
    if (existsSync(join(google, 'directory'))) {
      for (const file of await listInputFiles([join(google, 'directory')], ['.json'])) {
        const parsed = parseJson(await readText(file));
        if (parsed.ok) store.directoryUsers.push(...itemsOf(parsed.value, 'users'));
      }
    }
    return store;
  }

  private async loadSlack(archive: ExportArchive): Promise<void> {
    try {
      const has = new Set(archive.files);
      const readArray = async (rel: string): Promise<Json[]> => {
        const parsed = parseJson(await archive.read(rel));
        return parsed.ok && Array.isArray(parsed.value) ? parsed.value.filter(isRecord) : [];
      };
      const usersFile = has.has('users.json') ? 'users.json' : has.has('org_users.json') ? 'org_users.json' : null;
      if (usersFile !== null) this.users = await readArray(usersFile);
      const idByFolder = new Map<string, string>();
      for (const [file, kind] of CHANNEL_FILES) {
        if (!has.has(file)) continue;
        for (const raw of await readArray(file)) {
          const id = typeof raw['id'] === 'string' ? raw['id'] : null;
          if (id === null) continue;
          this.channels.push({ id, kind, raw });
          idByFolder.set(id, id);
          if (kind !== 'im' && typeof raw['name'] === 'string') idByFolder.set(raw['name'], id);
        }
      }
      for (const { folder, days } of archive.folders) {
        const channelId = idByFolder.get(folder);
        if (channelId === undefined) {
          for (const day of days) this.skipped.push(dayFilePath(folder, day));
          continue;
        }
        const list = this.messages.get(channelId) ?? [];
        for (const day of days) for (const m of await readArray(dayFilePath(folder, day))) if (typeof m['ts'] === 'string') list.push(m);
        this.messages.set(channelId, list);
      }
      for (const list of this.messages.values()) list.sort((a, b) => compareTs(a['ts'] as string, b['ts'] as string));
    } finally {
      archive.close();
    }
  }

  private async loadCalendars(dir: string): Promise<void> {
    for (const file of await listInputFiles([dir], ['.json', '.ics'])) {
      if (file.toLowerCase().endsWith('.ics')) {
        this.skipped.push(file);
        this.icsFiles.push(file);
        continue;
      }
      const parsed = parseJson(await readText(file));
      if (!parsed.ok) {
        this.skipped.push(file);
        continue;
      }
      const pages = (Array.isArray(parsed.value) ? parsed.value : [parsed.value]).filter(isRecord);
      const id = calendarIdOf(pages, fileStem(file));
      const zone = pages.map((p) => p['timeZone']).find((z): z is string => typeof z === 'string') ?? null;
      const calendar: StoredCalendar = this.calendars.get(id) ?? { id, timeZone: zone, events: new Map(), epoch: 1 };
      for (const event of itemsOf(pages, 'items')) {
        if (typeof event['id'] === 'string') calendar.events.set(event['id'], { value: event, seq: ++this.seq });
      }
      this.calendars.set(id, calendar);
    }
  }

  // ---- mutations, as a workspace changes between runs ----

  /** Posts a message; a reply (thread_ts ≠ ts) updates its parent's reply_count and latest_reply. */
  postMessage(channelId: string, message: Json): void {
    const list = this.messages.get(channelId) ?? [];
    list.push(message);
    list.sort((a, b) => compareTs(a['ts'] as string, b['ts'] as string));
    this.messages.set(channelId, list);
    const ts = message['ts'];
    const threadTs = message['thread_ts'];
    if (typeof threadTs === 'string' && threadTs !== ts) {
      const parent = list.find((m) => m['ts'] === threadTs);
      if (parent !== undefined) {
        const replies = Array.isArray(parent['replies']) ? [...(parent['replies'] as unknown[])] : [];
        replies.push({ user: message['user'], ts });
        parent['thread_ts'] = threadTs;
        parent['replies'] = replies;
        parent['reply_count'] = (typeof parent['reply_count'] === 'number' ? parent['reply_count'] : 0) + 1;
        parent['latest_reply'] = ts;
      }
    }
  }

  /** Adds or replaces a calendar event; it shows up in the next incremental sync. */
  putEvent(calendarId: string, event: Json): void {
    const calendar = this.calendars.get(calendarId) ?? { id: calendarId, timeZone: null, events: new Map(), epoch: 1 };
    this.calendars.set(calendarId, calendar);
    calendar.events.set(String(event['id']), { value: event, seq: ++this.seq });
  }

  /** Makes every sync token of the calendar stale: the next incremental read gets 410 Gone. */
  expireSyncTokens(calendarId: string): void {
    const calendar = this.calendars.get(calendarId);
    if (calendar !== undefined) calendar.epoch++;
  }

  putDriveFile(file: Json): void {
    this.driveFiles.set(String(file['id']), { value: file, seq: ++this.seq });
  }
}
