/**
 * `google-calendar`: collects calendars through Calendar API events.list (singleEvents, with
 * cancelled instances), `concurrency` calendars at a time. The first read lists everything and
 * keeps each calendar's `nextSyncToken`; later reads list only what changed. A stale token
 * (410) re-reads that calendar in full, and only that one.
 */
import { z } from 'zod';
import type { ComponentContext, Source, SourceDef } from '../../core/component.js';
import type { Cursor, Envelope } from '../../core/envelope.js';
import { envelope } from '../../core/envelope.js';
import { ConveneError } from '../../core/errors.js';
import { fromPages } from '../../core/rx.js';
import { mergeBounded } from '../common/bounded-merge.js';
import type { CalendarEvent } from '../../core/records.js';
import { PriorityConfig, priorityOrder } from '../common/priority.js';
import { createGoogleClient, CREDENTIALS_MISSING, GoogleAuthFields, hasCredentials } from './google-api.client.js';
import { answersOf } from '../../core/api-answers.js';
import type { GoogleClient } from './google-api.client.js';
import { calendarEventKey, mapGoogleEvent } from './google-api.mapping.js';
import { googleProblem } from './google-api.problem.js';

export const GoogleCalendarConfig = GoogleAuthFields.extend({
  /** Calendar ids (user emails) to read; absent: every user of the directory. */
  calendars: z.array(z.string().min(1)).optional(),
  /** Where to list users when `calendars` is absent (`my_customer`, or a domain with `domain`). */
  customer: z.string().default('my_customer'),
  domain: z.string().optional(),
  /** The admin the service account impersonates to list the directory. */
  adminSubject: z.string().optional(),
  /** Calendars read at the same time. */
  concurrency: z.number().int().min(1).max(64).default(4),
  ...PriorityConfig,
  maxResults: z.number().int().min(1).max(2500).default(2500),
  /** Earliest event a full read lists (RFC 3339); absent: all. Not used with a sync token. */
  timeMin: z.string().optional(),
}).refine(hasCredentials, CREDENTIALS_MISSING);
export type GoogleCalendarConfig = z.infer<typeof GoogleCalendarConfig>;

/** One calendar's progress: its sync token, and the page token of a listing under way. */
export interface CalendarPosition {
  readonly syncToken: string | null;
  readonly pageToken: string | null;
  /** The latest `updated` of the calendar's events read so far (milliseconds): its activity, for the read order. */
  readonly lastActivity?: number;
}

/** The cursor position: one entry per calendar, persisted as one JSON value. */
export interface GoogleCalendarPosition {
  readonly calendars: Readonly<Record<string, CalendarPosition>>;
}

const TYPE = 'google-calendar';
const START: CalendarPosition = { syncToken: null, pageToken: null };

export function calendarPositionOf(from: Cursor | undefined): GoogleCalendarPosition {
  if (from === undefined || from.source !== TYPE || typeof from.position !== 'object' || from.position === null) return { calendars: {} };
  const calendars = (from.position as Record<string, unknown>)['calendars'];
  if (typeof calendars !== 'object' || calendars === null) return { calendars: {} };
  const ok = (p: unknown): p is CalendarPosition => typeof p === 'object' && p !== null && ['syncToken', 'pageToken'].every((k) => { const v = (p as Record<string, unknown>)[k]; return v === null || typeof v === 'string'; });
  return { calendars: Object.fromEntries(Object.entries(calendars).filter(([, p]) => ok(p))) as Record<string, CalendarPosition> };
}

export const googleCalendarSource: SourceDef<GoogleCalendarConfig, unknown> = {
  type: TYPE,
  summary: 'Collects calendar events through the Google Calendar API, incrementally by sync token',
  config: GoogleCalendarConfig,
  create(config, ctx): Source<unknown> {
    return { read: (from) => fromPages((signal) => collect(config, ctx, from, signal), ctx.gate) };
  },
};

interface CalendarPage {
  readonly calendar: string;
  readonly position: CalendarPosition;
  readonly envelopes: Envelope[];
}

async function calendarIds(client: GoogleClient, config: GoogleCalendarConfig): Promise<string[]> {
  if (config.calendars !== undefined) return config.calendars;
  const ids: string[] = [];
  let pageToken: string | undefined;
  do {
    const page = await client.users({ customer: config.customer, domain: config.domain, pageToken, maxResults: 500 });
    for (const u of page.items) if (typeof u['primaryEmail'] === 'string' && u['suspended'] !== true) ids.push(u['primaryEmail'].toLowerCase());
    pageToken = page.nextPageToken ?? undefined;
  } while (pageToken !== undefined);
  return ids.sort();
}

async function* collect(config: GoogleCalendarConfig, ctx: ComponentContext, from: Cursor | undefined, signal: AbortSignal): AsyncGenerator<Envelope[]> {
  const log = ctx.logger.child({ source: TYPE });
  const client = createGoogleClient({ auth: config, subject: config.adminSubject, calls: ctx.calls, answers: answersOf(ctx.calls) });
  const book = new Map(Object.entries(calendarPositionOf(from).calendars));
  const ids = await calendarIds(client, config);
  log.info({ calendars: ids.length }, 'reading calendars');
  // Most recently active first: the calendars whose events changed last when they were last read.
  const ordered = priorityOrder(ids, (id) => ({ id, lastActive: book.get(id)?.lastActivity ?? null }), config);
  const producers = ordered.map((id) => () => calendarPages(client, config, id, book.get(id) ?? START, log));
  for await (const page of mergeBounded(producers, config.concurrency, signal)) {
    const updated = page.envelopes.map((e) => (e.kind === 'calendar_event' ? ((e.payload as CalendarEvent).updated ?? 0) : 0));
    const lastActivity = Math.max(book.get(page.calendar)?.lastActivity ?? 0, ...updated);
    book.set(page.calendar, lastActivity > 0 ? { ...page.position, lastActivity } : page.position);
    if (page.envelopes.length === 0) continue;
    const out = page.envelopes;
    out[out.length - 1] = { ...out[out.length - 1]!, cursor: { source: TYPE, position: { calendars: Object.fromEntries(book) } } };
    yield out;
  }
}

async function* calendarPages(client: GoogleClient, config: GoogleCalendarConfig, id: string, start: CalendarPosition, log: ComponentContext['logger']): AsyncGenerator<CalendarPage> {
  let pos = start;
  for (;;) {
    try {
      let pageToken = pos.pageToken ?? undefined;
      do {
        const page = await client.events({ calendarId: id, syncToken: pos.syncToken ?? undefined, pageToken, maxResults: config.maxResults, timeMin: config.timeMin });
        const envelopes = page.items.map((item, i) => {
          const mapped = mapGoogleEvent(item, id, page.timeZone);
          return mapped.ok
            ? envelope('calendar_event', calendarEventKey(mapped.value), mapped.value.start, `${TYPE}:${id}/${mapped.value.id}`, mapped.value)
            : googleProblem(TYPE, 'calendar', 'INPUT_MALFORMED_RECORD', `${TYPE}:${id}`, String(i), mapped.reason);
        });
        pageToken = page.nextPageToken ?? undefined;
        pos = pageToken !== undefined ? { syncToken: pos.syncToken, pageToken } : { syncToken: page.nextSyncToken, pageToken: null };
        yield { calendar: id, position: pos, envelopes };
      } while (pageToken !== undefined);
      return;
    } catch (err) {
      if (err instanceof ConveneError && err.code === 'GOOGLE_SYNC_TOKEN_EXPIRED' && pos.syncToken !== null) {
        log.warn({ calendar: id }, 'sync token expired: reading this calendar in full');
        pos = START;
        continue;
      }
      if (err instanceof ConveneError && err.code === 'GOOGLE_NOT_FOUND') {
        log.warn({ calendar: id }, 'calendar not found; skipped');
        yield { calendar: id, position: pos, envelopes: [googleProblem(TYPE, 'calendar', err.code, `${TYPE}:${id}`, null, `${err.message}. ${err.hint}`)] };
        return;
      }
      throw err;
    }
  }
}
