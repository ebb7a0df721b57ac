/**
 * One day file of a Slack export, read, parsed and mapped: the work the Slack export source
 * hands to worker threads. What crosses between threads is one JSON string per file (the
 * mapped messages): parsing it costs the pipeline's thread about a fifth of reading, parsing
 * and mapping the file itself, and less than structured cloning the same objects.
 */
import type { Message } from '../../core/records.js';
import { parseJson, readText } from '../common/files.js';
import type { Mapped } from './slack-export.mapping.js';
import { mapSlackMessage } from './slack-export.mapping.js';

/** A day file to read from disk (`path`), or its text already read (from a zip). */
export type DayFileRequest = { path: string; channelId: string } | { text: string; channelId: string };

/** A day file's messages mapped one per entry, or why the file holds none. */
export type DayFileAnswer =
  | { kind: 'messages'; items: Mapped<Message>[] }
  /** The same, as JSON: the form that crosses between threads. */
  | { kind: 'messages-json'; json: string }
  | { kind: 'malformed-json'; reason: string }
  | { kind: 'not-array' };

export async function readDayFile(request: DayFileRequest): Promise<DayFileAnswer> {
  const text = 'text' in request ? request.text : await readText(request.path);
  const parsed = parseJson(text);
  if (!parsed.ok) return { kind: 'malformed-json', reason: parsed.reason };
  if (!Array.isArray(parsed.value)) return { kind: 'not-array' };
  const channelId = request.channelId;
  return { kind: 'messages', items: parsed.value.map((item: unknown) => mapSlackMessage(item, channelId)) };
}

/** The answer in the form that crosses between threads. */
export function encodeDayFile(answer: DayFileAnswer): DayFileAnswer {
  return answer.kind === 'messages' ? { kind: 'messages-json', json: JSON.stringify(answer.items) } : answer;
}

/** The mapped messages of an answer in either form. */
export function dayFileMessages(answer: { kind: 'messages'; items: Mapped<Message>[] } | { kind: 'messages-json'; json: string }): Mapped<Message>[] {
  return answer.kind === 'messages' ? answer.items : (JSON.parse(answer.json) as Mapped<Message>[]);
}
