/**
 * The record envelope: every record that flows between components is wrapped in one.
 *
 * - `kind` names the payload contract (see records.ts: 'message', 'calendar_event', ...).
 * - `key` is the record's stable identity within its kind; sinks upsert by it, so the same
 *   record delivered twice is stored once.
 * - `eventTime` is when the thing happened (epoch milliseconds), never when it was read;
 *   operators window by it.
 * - `origin` says where the record came from (a file path and entry, or an API call); it is
 *   provenance, kept out of content checksums.
 * - `cursor`, when present, is the position a source may resume from once this record and
 *   everything before it are durable.
 */
export type Millis = number;

export interface Cursor {
  /** The source component that owns the cursor. */
  readonly source: string;
  /** An opaque, JSON-serialisable position (a file index, a Slack `ts`, a page token...). */
  readonly position: unknown;
}

export interface Envelope<T = unknown, K extends string = string> {
  readonly kind: K;
  readonly key: string;
  readonly eventTime: Millis;
  readonly origin: string;
  readonly cursor?: Cursor;
  readonly payload: T;
}

export function envelope<T, K extends string>(
  kind: K,
  key: string,
  eventTime: Millis,
  origin: string,
  payload: T,
  cursor?: Cursor,
): Envelope<T, K> {
  return cursor === undefined ? { kind, key, eventTime, origin, payload } : { kind, key, eventTime, origin, payload, cursor };
}
