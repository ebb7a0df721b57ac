/**
 * `calendar-files`: replays calendar exports: Calendar API v3 events.list JSON and
 * iCalendar files (expanded to instances). One file is one page.
 */
import { extname } from 'node:path';
import { z } from 'zod';
import type { Source, SourceDef } from '../../core/component.js';
import type { Envelope } from '../../core/envelope.js';
import type { CalendarEvent } from '../../core/records.js';
import { fromPages } from '../../core/rx.js';
import { chunk, EnvelopeBuilder, resumeAfter, text } from '../common/emit.js';
import { fileStem, listInputFiles, parseJson, readText } from '../common/files.js';
import { calendarIdOf, eventsOfResponse, mapGoogleEvent } from './calendar-api.mapping.js';
import { readIcs } from './calendar-ics.parser.js';

export const CalendarFilesConfig = z.object({
  /** Files or folders; a folder contributes every *.json and *.ics inside it, sorted. */
  paths: z.array(z.string().min(1)).min(1),
});
export type CalendarFilesConfig = z.infer<typeof CalendarFilesConfig>;

const TYPE = 'calendar-files';

export function calendarEventKey(event: CalendarEvent): string {
  return `${event.calendarId}:${event.id}`;
}

export const calendarFilesSource: SourceDef<CalendarFilesConfig, unknown> = {
  type: TYPE,
  summary: 'Replays calendar exports: Calendar API events.list JSON and iCalendar files',
  config: CalendarFilesConfig,
  create(config, ctx): Source<unknown> {
    return {
      read: (from) => {
        const builder = new EnvelopeBuilder(TYPE, 'calendar', resumeAfter(TYPE, from));
        return fromPages((signal) => readCalendars(config.paths, builder, signal), ctx.gate);
      },
    };
  },
};

async function* readCalendars(paths: readonly string[], b: EnvelopeBuilder, signal: AbortSignal): AsyncGenerator<Envelope[]> {
  const files = await listInputFiles(paths, ['.json', '.ics']);
  for (const [fileIndex, file] of files.entries()) {
    if (signal.aborted) return;
    if (!b.wanted({ file: fileIndex, entry: Number.MAX_SAFE_INTEGER })) continue;
    const body = await readText(file);
    const out = extname(file).toLowerCase() === '.ics' ? icsEnvelopes(body, file, fileIndex, b) : jsonEnvelopes(body, file, fileIndex, b);
    yield* chunk(out.filter((e) => e.cursor === undefined || b.wanted(e.cursor.position as { file: number; entry: number })));
  }
}

function eventEnvelope(b: EnvelopeBuilder, event: CalendarEvent, origin: string, position: { file: number; entry: number }): Envelope {
  return b.record('calendar_event', calendarEventKey(event), event.start, origin, event, position);
}

function icsEnvelopes(body: string, file: string, fileIndex: number, b: EnvelopeBuilder): Envelope[] {
  const result = readIcs(body, fileStem(file));
  const out: Envelope[] = result.events.map((event, i) => eventEnvelope(b, event, `${file}#${event.id}`, { file: fileIndex, entry: i }));
  result.problems.forEach((p, i) => out.push(b.problem('INPUT_MALFORMED_ICS', file, p.entry, p.reason, { file: fileIndex, entry: result.events.length + i })));
  return out;
}

function jsonEnvelopes(body: string, file: string, fileIndex: number, b: EnvelopeBuilder): Envelope[] {
  const parsed = parseJson(body);
  if (!parsed.ok) return [b.problem('INPUT_MALFORMED_JSON', file, null, `the file is not valid JSON (${parsed.reason})`, { file: fileIndex, entry: 0 })];
  const response = eventsOfResponse(parsed.value);
  if (!response.ok) return [b.problem('INPUT_MALFORMED_RECORD', file, null, response.reason, { file: fileIndex, entry: 0 })];
  const calendarId = calendarIdOf(response.value.pages, fileStem(file));
  const out: Envelope[] = [];
  let entry = 0;
  for (const page of response.value.pages) {
    const zone = text(page['timeZone']);
    for (const item of page['items'] as unknown[]) {
      const position = { file: fileIndex, entry };
      const mapped = mapGoogleEvent(item, calendarId, zone);
      out.push(mapped.ok ? eventEnvelope(b, mapped.value, `${file}#${entry}`, position) : b.problem('INPUT_MALFORMED_RECORD', file, String(entry), mapped.reason, position));
      entry++;
    }
  }
  return out;
}
