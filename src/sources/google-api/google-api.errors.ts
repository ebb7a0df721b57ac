/**
 * The one place where googleapis (gaxios) errors become ConveneErrors. 429 and 403
 * rate-limit reasons carry `retryAfterMs` when Google sent Retry-After; the call gate backs off.
 */
import { ConveneError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';

export class GoogleApiError extends ConveneError {
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;
  readonly reason: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; subject?: string; retryAfterMs?: number | undefined; status?: number | undefined; reason?: string | undefined }) {
    super(code, message, { cause: options.cause, subject: options.subject });
    this.name = 'GoogleApiError';
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
    this.reason = options.reason;
  }
}

const RATE_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

type Shape = { status?: unknown; code?: unknown; message?: unknown; response?: { status?: unknown; headers?: unknown; data?: unknown } };

function headerOf(headers: unknown, name: string): string | null {
  if (headers === null || typeof headers !== 'object') return null;
  if (typeof (headers as { get?: unknown }).get === 'function') return (headers as { get(n: string): string | null }).get(name);
  const v = (headers as Record<string, unknown>)[name];
  return typeof v === 'string' ? v : null;
}

function reasonOf(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const error = (data as Record<string, unknown>)['error'];
  if (typeof error !== 'object' || error === null) return undefined;
  const errors = (error as Record<string, unknown>)['errors'];
  const first = Array.isArray(errors) ? (errors[0] as Record<string, unknown> | undefined) : undefined;
  return typeof first?.['reason'] === 'string' ? first['reason'] : undefined;
}

/** Translates anything a Google call threw; `api.method` and `subject` name the call and what it was about. */
export function translateGoogleError(err: unknown, method: string, subject: string): ConveneError {
  if (err instanceof ConveneError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as Shape;
  const status = typeof e.response?.status === 'number' ? e.response.status : typeof e.status === 'number' ? e.status : undefined;
  const reason = reasonOf(e.response?.data);
  const text = typeof e.message === 'string' ? e.message : String(err);
  const retryHeader = Number(headerOf(e.response?.headers, 'retry-after'));
  const retryAfterMs = Number.isFinite(retryHeader) && retryHeader >= 0 && headerOf(e.response?.headers, 'retry-after') !== null ? retryHeader * 1000 : undefined;
  const opts = { cause: err, subject, status, reason };
  if (status === undefined) return new GoogleApiError('GOOGLE_UNAVAILABLE', `${method} did not get an answer (${text})`, opts);
  if (status === 410) return new GoogleApiError('GOOGLE_SYNC_TOKEN_EXPIRED', `${method}: the sync token is no longer valid (${reason ?? 'gone'})`, opts);
  if (status === 429 || (status === 403 && reason !== undefined && RATE_REASONS.has(reason))) {
    return new GoogleApiError('GOOGLE_RATE_LIMITED', `${method} was rate limited (${status} ${reason ?? ''})`.trim(), { ...opts, retryAfterMs });
  }
  if (status === 401 || status === 403) return new GoogleApiError('GOOGLE_AUTH', `${method}: Google refused the credentials (${status} ${reason ?? ''})`.trim(), opts);
  if (status === 404) return new GoogleApiError('GOOGLE_NOT_FOUND', `${method}: not found`, opts);
  if (status >= 500 || status === 408) return new GoogleApiError('GOOGLE_UNAVAILABLE', `${method} answered HTTP ${status}`, opts);
  return new GoogleApiError('GOOGLE_API_ERROR', `${method} answered HTTP ${status} (${reason ?? text})`, opts);
}
