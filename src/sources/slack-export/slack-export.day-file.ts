/**
 * One day file of a Slack export, read, parsed and mapped: the work the Slack export source
 * hands to worker threads, with the context-free part of meeting detection for each message
 * (see `analyzeMessage`). What crosses between threads is one JSON string per file: parsing it
 * costs the pipeline's thread a fraction of reading, parsing, mapping and analysing the file
 * itself, and less than structured cloning the same objects.
 */
import { statSync } from 'node:fs';
import type { Message } from '../../core/records.js';
import { authorOffsetMinutes } from '../../operators/meeting-intelligence.logic.js';
import { analyzeMessage, type MessageAnalysis } from '../../operators/meeting-signals.logic.js';
import { parseJson, readText } from '../common/files.js';
import type { Mapped } from './slack-export.mapping.js';
import { mapSlackMessage } from './slack-export.mapping.js';

/**
 * A day file's text (from a zip) longer than this is parsed in the pipeline's thread, not posted
 * to a worker: a batch's texts are copied into the worker's heap together.
 */
export const WORKER_TEXT_CHARS = 1024 * 1024;

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
  | { kind: 'not-array' }
  /** Too large for a worker's heap (see WorkerBudget): the pipeline's thread reads it. */
  | { kind: 'too-large' };

/**
 * What a parse worker reads of one batch of day files. A worker's heap is bounded (see
 * ordered-pool.ts), and a day file takes about 13 times its size there while it is read, parsed,
 * mapped, analysed and encoded (a 7.7 MB file: 64 MB of answer objects, then a 33 MB JSON
 * answer, which keeps each message's raw text); a batch's answers (about 4 times the files'
 * size) are held until the last is ready. A file over `WORKER_FILE_BYTES`, or one that would take
 * the batch past `WORKER_BATCH_BYTES`, is answered `too-large` and read in the pipeline's thread, whose heap
 * is larger: a busy channel's day can be tens of MB.
 */
export const WORKER_FILE_BYTES = 2 * 1024 * 1024;
export const WORKER_BATCH_BYTES = 12 * 1024 * 1024;

export class WorkerBudget {
  private left = WORKER_BATCH_BYTES;

  startBatch(): void {
    this.left = WORKER_BATCH_BYTES;
  }

  /** Whether a file of `bytes` is read here; if so, it is counted against the batch. */
  take(bytes: number): boolean {
    if (bytes > WORKER_FILE_BYTES || bytes > this.left) return false;
    this.left -= bytes;
    return true;
  }
}

/**
 * Reads one day file. With `zones`, each message is also analysed for detection, its times read
 * in its author's zone as the meeting intelligence will ask for them (an author it does not
 * know: UTC); detection reads them again when its zone turns out to be another.
 */
export async function readDayFile(request: DayFileRequest, zones?: AuthorZones): Promise<Exclude<DayFileAnswer, { kind: 'too-large' | 'messages-json' }>> {
  const text = 'text' in request ? request.text : await readText(request.path);
  const parsed = parseJson(text);
  if (!parsed.ok) return { kind: 'malformed-json', reason: parsed.reason };
  if (!Array.isArray(parsed.value)) return { kind: 'not-array' };
  const channelId = request.channelId;
  const items = parsed.value.map((item: unknown) => mapSlackMessage(item, channelId));
  const analyses = zones === undefined ? null : items.map((mapped) => (mapped.ok ? analyzeMessage(mapped.value, zoneOf(mapped.value, zones)) : null));
  return { kind: 'messages', items, analyses };
}

/** The size of a request's file (its text's length, from a zip), or 0 when it cannot be read: reading it then reports why. */
export function requestBytes(request: DayFileRequest): number {
  if ('text' in request) return request.text.length;
  try {
    return statSync(request.path).size;
  } catch {
    return 0;
  }
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
