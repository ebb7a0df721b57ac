/**
 * The Slack Events API, pure parts: the request signature check and the mapping of message
 * events to records. Slack signs each push with `v0=` + HMAC-SHA256(signing secret,
 * `v0:<X-Slack-Request-Timestamp>:<raw body>`); a request older than five minutes is refused,
 * so a captured one cannot be replayed.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { envelope, type Envelope } from '../../core/envelope.js';
import { messageKey, type InputProblem, type Message } from '../../core/records.js';
import { mapSlackMessage } from '../../sources/slack-export/slack-export.mapping.js';

export const MAX_SKEW_SECONDS = 5 * 60;

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

export function verifySlackSignature(secret: string, timestamp: string | undefined, body: string, signature: string | undefined, nowSeconds: number): SignatureCheck {
  if (!timestamp || !signature) return { ok: false, reason: 'missing X-Slack-Request-Timestamp or X-Slack-Signature' };
  const ts = Number(timestamp);
  if (!Number.isFinite(ts)) return { ok: false, reason: 'the timestamp is not a number' };
  if (Math.abs(nowSeconds - ts) > MAX_SKEW_SECONDS) return { ok: false, reason: 'the request is more than five minutes old' };
  const expected = `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: 'the signature does not match' };
  return { ok: true };
}

export function signSlackRequest(secret: string, timestamp: string, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

type Json = Record<string, unknown>;

const ORIGIN = 'slack-events';

/**
 * The records a pushed event stands for: a new message, the new version of a changed one, or
 * a deleted one kept as a tombstone (as Slack keeps deleted thread parents), so that nothing
 * derived from its old text survives the next derivation. Other events give nothing.
 */
export function eventToEnvelopes(payload: Json): Envelope[] {
  const event = payload['event'];
  if (typeof event !== 'object' || event === null) return [];
  const e = event as Json;
  if (e['type'] !== 'message' || typeof e['channel'] !== 'string') return [];
  const channel = e['channel'];
  let message: unknown;
  if (e['subtype'] === 'message_changed') message = e['message'];
  else if (e['subtype'] === 'message_deleted') {
    const previous = (e['previous_message'] ?? {}) as Json;
    message = { ...previous, type: 'message', subtype: 'tombstone', ts: e['deleted_ts'], text: 'This message was deleted.', hidden: true };
  } else message = e;
  const mapped = mapSlackMessage(message, channel);
  if (!mapped.ok) {
    const problem: InputProblem = { code: 'INPUT_MALFORMED_RECORD', source: ORIGIN, file: `event ${String(payload['event_id'] ?? '?')}`, entry: channel, message: mapped.reason };
    return [envelope('problem', `${ORIGIN}:${String(payload['event_id'] ?? '')}`, 0, ORIGIN, problem)];
  }
  const m: Message = mapped.value;
  return [envelope('message', messageKey(channel, m.ts), m.time, `${ORIGIN}:${String(payload['event_id'] ?? '')}`, m)];
}
