/**
 * One day file of a Slack export, read, parsed and mapped: the work the Slack export source
 * hands to worker threads, with the context-free part of meeting detection for each message
 * (see `analyzeMessage`). What crosses between threads is one JSON string per file: parsing it
 * costs the pipeline's thread a fraction of reading, parsing, mapping and analysing the file
 * itself, and less than structured cloning the same objects.
 */
import type { Message } from '../../core/records.js';
import { authorOffsetMinutes } from '../../operators/meeting-intelligence.logic.js';
import { analyzeMessage, type MessageAnalysis } from '../../operators/meeting-signals.logic.js';
import { parseJson, readText } from '../common/files.js';
import type { Mapped } from './slack-export.mapping.js';
import { mapSlackMessage } from './slack-export.mapping.js';

/** A day file to read from disk (`path`), or its text already read (from a zip). */
export type DayFileRequest = { path: string; channelId: string } | { text: string; channelId: string };

/** The export's people's zones by Slack user id, as users.json gives them. */
export type AuthorZones = ReadonlyMap<string, { tz: string | null; offsetMinutes: number | null }>;

/** A day file's messages mapped one per entry (with their analyses, when asked), or why the file holds none. */
export type DayFileAnswer =
  | { kind: 'messages'; items: Mapped<Message>[]; analyses: Array<MessageAnalysis | null> | null }
  /** The same, as JSON of `[items, analyses]`: the form that crosses between threads. */
  | { kind: 'messages-json'; json: string }
  | { kind: 'malformed-json'; reason: string }
  | { kind: 'not-array' };

/**
 * Reads one day file. With `zones`, each message is also analysed for detection, its times read
 * in its author's zone as the meeting intelligence will ask for them (an author it does not
 * know: UTC); detection reads them again when its zone turns out to be another.
 */
export async function readDayFile(request: DayFileRequest, zones?: AuthorZones): Promise<DayFileAnswer> {
  const text = 'text' in request ? request.text : await readText(request.path);
  const parsed = parseJson(text);
  if (!parsed.ok) return { kind: 'malformed-json', reason: parsed.reason };
  if (!Array.isArray(parsed.value)) return { kind: 'not-array' };
  const channelId = request.channelId;
  const items = parsed.value.map((item: unknown) => mapSlackMessage(item, channelId));
  const analyses = zones === undefined ? null : items.map((mapped) => (mapped.ok ? analyzeMessage(mapped.value, zoneOf(mapped.value, zones)) : null));
  return { kind: 'messages', items, analyses };
}

function zoneOf(m: Message, zones: AuthorZones): { tzOffsetMinutes: number; tz: string | null } {
  if (m.userId === null) return { tzOffsetMinutes: 0, tz: null };
  const zone = zones.get(m.userId) ?? { tz: null, offsetMinutes: null };
  return { tzOffsetMinutes: authorOffsetMinutes(zone, m.time), tz: zone.tz };
}

/** The answer in the form that crosses between threads. */
export function encodeDayFile(answer: DayFileAnswer): DayFileAnswer {
  return answer.kind === 'messages' ? { kind: 'messages-json', json: JSON.stringify([answer.items, answer.analyses]) } : answer;
}

/** The mapped messages of an answer in either form, with their analyses when it has them. */
export function dayFileMessages(answer: Extract<DayFileAnswer, { kind: 'messages' | 'messages-json' }>): { items: Mapped<Message>[]; analyses: Array<MessageAnalysis | null> | null } {
  if (answer.kind === 'messages') return answer;
  const [items, analyses] = JSON.parse(answer.json) as [Mapped<Message>[], Array<MessageAnalysis | null> | null];
  return { items, analyses };
}
