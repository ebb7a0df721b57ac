/**
 * The one place where @slack/web-api errors become ConveneErrors. Rate limits carry
 * `retryAfterMs` so the runtime's call gate waits exactly as long as Slack asked.
 */
import { ConveneError } from '../../core/errors.js';
import type { ErrorCode } from '../../core/errors.js';

export class SlackApiError extends ConveneError {
  /** Present on 429s: how long Slack asked to wait, in (API) milliseconds. */
  readonly retryAfterMs: number | undefined;
  /** Slack's own error string (`not_in_channel`), when Slack answered with one. */
  readonly slackError: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; subject?: string; retryAfterMs?: number; slackError?: string }) {
    super(code, message, { cause: options.cause, subject: options.subject });
    this.name = 'SlackApiError';
    this.retryAfterMs = options.retryAfterMs;
    this.slackError = options.slackError;
  }
}

const AUTH = new Set(['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'not_allowed_token_type', 'org_login_required', 'ekm_access_denied', 'two_factor_setup_required']);
const TRANSIENT = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout', 'ratelimited']);

type Shape = { code?: unknown; data?: { error?: unknown; needed?: unknown }; retryAfter?: unknown; statusCode?: unknown; message?: unknown };

/** Translates anything a Slack call threw. `subject` names what the call was about (`conversations.history C123`). */
export function translateSlackError(err: unknown, method: string, subject: string): ConveneError {
  if (err instanceof ConveneError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as Shape;
  const text = typeof e.message === 'string' ? e.message : String(err);
  switch (e.code) {
    case 'slack_webapi_rate_limited_error': {
      const seconds = typeof e.retryAfter === 'number' ? e.retryAfter : 1;
      return new SlackApiError('SLACK_RATE_LIMITED', `${method} was rate limited; Slack asked to wait ${seconds} s`, { cause: err, subject, retryAfterMs: seconds * 1000, slackError: 'ratelimited' });
    }
    case 'slack_webapi_platform_error': {
      const error = typeof e.data?.error === 'string' ? e.data.error : 'unknown_error';
      if (AUTH.has(error)) return new SlackApiError('SLACK_AUTH', `Slack refused the token (${error}) on ${method}`, { cause: err, subject, slackError: error });
      if (error === 'missing_scope') {
        const needed = typeof e.data?.needed === 'string' ? e.data.needed : 'unknown';
        return new SlackApiError('SLACK_MISSING_SCOPE', `${method} needs the scope "${needed}", which the token lacks`, { cause: err, subject, slackError: error });
      }
      if (error === 'not_in_channel') return new SlackApiError('SLACK_NOT_IN_CHANNEL', `the app is not a member of the channel, so ${method} cannot read it`, { cause: err, subject, slackError: error });
      if (error === 'channel_not_found') return new SlackApiError('SLACK_CHANNEL_NOT_FOUND', `${method}: the channel was not found`, { cause: err, subject, slackError: error });
      // An unreadable body comes back as a platform error whose "error" is the raw text.
      if (!/^[a-z0-9_]+$/.test(error)) return new SlackApiError('SLACK_UNAVAILABLE', `${method} answered with a body that is not Slack JSON`, { cause: err, subject });
      if (TRANSIENT.has(error)) return new SlackApiError('SLACK_UNAVAILABLE', `${method} failed on Slack's side (${error})`, { cause: err, subject, slackError: error });
      return new SlackApiError('SLACK_API_ERROR', `${method} failed: ${error}`, { cause: err, subject, slackError: error });
    }
    case 'slack_webapi_http_error': {
      const status = typeof e.statusCode === 'number' ? e.statusCode : 0;
      const code = status >= 500 || status === 408 ? 'SLACK_UNAVAILABLE' : 'SLACK_API_ERROR';
      return new SlackApiError(code, `${method} answered HTTP ${status}`, { cause: err, subject });
    }
    default:
      // Network failures, timeouts and unreadable bodies: worth another attempt.
      return new SlackApiError('SLACK_UNAVAILABLE', `${method} did not get a usable answer (${text})`, { cause: err, subject });
  }
}
