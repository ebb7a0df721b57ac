/** Problem envelopes of the Google sources: what, where, why, counted and skipped. */
import type { Envelope } from '../../core/envelope.js';
import { envelope } from '../../core/envelope.js';
import type { InputProblem } from '../../core/records.js';

export function googleProblem(sourceType: string, source: string, code: string, subject: string, entry: string | null, message: string): Envelope {
  const payload: InputProblem = { code, source, file: subject, entry, message };
  return envelope('problem', `${sourceType}:${subject}${entry === null ? '' : `#${entry}`}:${code}`, 0, subject, payload);
}
