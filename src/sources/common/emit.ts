/**
 * Envelope building shared by the replay sources: positions, resume filtering, problem
 * records and paging.
 */
import type { Cursor, Envelope } from '../../core/envelope.js';
import { envelope } from '../../core/envelope.js';
import type { ErrorCode } from '../../core/errors.js';
import { ERROR_CODES } from '../../core/errors.js';
import type { InputProblem, RecordKind, RecordKinds } from '../../core/records.js';

/** Where a record sits in a source's input: the index of its file, then of the entry in it. */
export interface FilePosition {
  readonly file: number;
  readonly entry: number;
}

export function comparePositions(a: FilePosition, b: FilePosition): number {
  return a.file - b.file || a.entry - b.entry;
}

export function isFilePosition(value: unknown): value is FilePosition {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['file'] === 'number' && typeof v['entry'] === 'number';
}

/**
 * The position after which reading resumes, or null to read everything. A cursor owned by
 * another source, or one whose position is not a FilePosition, means "from the start".
 */
export function resumeAfter(sourceType: string, from: Cursor | undefined): FilePosition | null {
  if (from === undefined || from.source !== sourceType || !isFilePosition(from.position)) return null;
  return from.position;
}

/** Builds the envelopes of one source, dropping those at or before the resume position. */
export class EnvelopeBuilder {
  constructor(
    readonly sourceType: string,
    readonly problemSource: string,
    private readonly after: FilePosition | null,
  ) {}

  /** False when the record at `position` was already delivered before the resume point. */
  wanted(position: FilePosition): boolean {
    return this.after === null || comparePositions(position, this.after) > 0;
  }

  record<K extends RecordKind>(kind: K, key: string, eventTime: number, origin: string, payload: RecordKinds[K], position: FilePosition): Envelope<RecordKinds[K], K> {
    return envelope(kind, key, eventTime, origin, payload, { source: this.sourceType, position });
  }

  /** A `problem` envelope: which file, which entry, why, and what to do. */
  problem(code: Extract<ErrorCode, `INPUT_${string}`>, file: string, entry: string | null, reason: string, position: FilePosition): Envelope<InputProblem, 'problem'> {
    const message = `${reason}. ${ERROR_CODES[code].hint}`;
    const payload: InputProblem = { code, source: this.problemSource, file, entry, message };
    const origin = entry === null ? file : `${file}#${entry}`;
    return this.record('problem', `${this.sourceType}:${origin}:${code}@${position.file}.${position.entry}`, 0, origin, payload, position);
  }
}

/** Pages of at most `size` items, so a large file does not become one huge emission. */
export function* chunk<T>(items: readonly T[], size = 1000): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Seconds since the epoch as a number or numeric string → milliseconds; anything else → null. */
export function secondsToMillis(value: unknown): number | null {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? Math.round(n * 1000) : null;
}

/** An RFC 3339 timestamp → milliseconds, or null when absent or unparsable. */
export function isoToMillis(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

export function str(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A non-empty string, else null. */
export function text(value: unknown): string | null {
  return typeof value === 'string' && value !== '' ? value : null;
}

export function looksLikeEmail(value: unknown): value is string {
  return typeof value === 'string' && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(value);
}
