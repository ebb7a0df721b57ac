/**
 * One flat hierarchy of typed errors. Every error convene raises or records has a stable
 * `code` (AREA_WHAT), a `retryable` flag the runtime's retry policy reads, a one-line
 * `hint` telling the user what to do, and the underlying `cause`.
 *
 * SDK and parser errors are translated into these in exactly one place per component.
 */
export const ERROR_CODES = {
  INPUT_NOT_FOUND: { retryable: false, hint: 'Check the path; give a bundle folder or the part with its own flag (--slack, --calendar, ...).' },
  INPUT_MALFORMED_JSON: { retryable: false, hint: 'The file is not valid JSON; re-export it or fix the named entry. The rest of the input was read.' },
  INPUT_MALFORMED_RECORD: { retryable: false, hint: 'The record lacks a field its format requires; it was skipped and counted. Fix or re-export the named file.' },
  INPUT_MALFORMED_ICS: { retryable: false, hint: 'The iCalendar data could not be parsed; the named event was skipped. Re-export the calendar or fix the named line.' },
  INPUT_MALFORMED_CSV: { retryable: false, hint: 'The CSV row does not match the header email,name,slack_user_id,department,title,manager_email,timezone.' },
  INPUT_MALFORMED_ZIP: { retryable: false, hint: 'The zip archive is damaged; download the Slack export again or unzip it and pass the folder.' },
  INPUT_UNSUPPORTED: { retryable: false, hint: 'This file is not one convene reads here; see docs/contracts.md for the formats of a bundle.' },
  CONFIG_INVALID: { retryable: false, hint: 'Fix the named option; `convene <command> --help` lists the accepted values.' },
  CLI_USAGE: { retryable: false, hint: 'Run `convene --help` or `convene <command> --help` for the accepted commands and flags.' },
  DB_OPEN_FAILED: { retryable: false, hint: 'Check that the database path is writable and not a file of another kind.' },
  DB_LOCKED: { retryable: true, hint: 'Another convene process is writing this database; wait for it, or pass another --db.' },
  DB_QUERY_FAILED: { retryable: false, hint: 'The SQL failed; check table and column names against docs/schema.md.' },
  DB_WRITE_FAILED: { retryable: false, hint: 'A write to the database failed; the batch was not committed. Check disk space and run again.' },
  TRUTH_INVALID: { retryable: false, hint: 'The truth file does not follow shared/spec/truth.md (version 1, meetings[], messages[]).' },
  SLACK_AUTH: { retryable: false, hint: 'The Slack token is invalid, revoked or expired; set SLACK_TOKEN (or sources.slack-web.token) to a valid bot or user token.' },
  SLACK_MISSING_SCOPE: { retryable: false, hint: 'Add the named OAuth scope to the Slack app, reinstall it to the workspace and run again.' },
  SLACK_NOT_IN_CHANNEL: { retryable: false, hint: 'Invite the app to the channel, or set joinChannels: true so convene joins public channels itself; the channel was skipped.' },
  SLACK_CHANNEL_NOT_FOUND: { retryable: false, hint: 'The channel does not exist or is not visible to this token; check the channels listed in the config.' },
  SLACK_RATE_LIMITED: { retryable: true, hint: 'Slack answered 429; convene waits for Retry-After and tries again. Lower the concurrency or choose the matching limits profile.' },
  SLACK_UNAVAILABLE: { retryable: true, hint: 'Slack did not answer properly (5xx, timeout or an unreadable body); convene retries with back-off.' },
  SLACK_API_ERROR: { retryable: false, hint: 'Slack refused the call; the named error is listed at docs.slack.dev for the method.' },
  GOOGLE_AUTH: { retryable: false, hint: 'Google refused the credentials; check the OAuth token or the service account and its domain-wide delegation scopes.' },
  GOOGLE_RATE_LIMITED: { retryable: true, hint: 'Google answered 429 or 403 rateLimitExceeded; convene backs off and tries again. Lower the concurrency if it persists.' },
  GOOGLE_SYNC_TOKEN_EXPIRED: { retryable: false, hint: 'The stored sync token is no longer valid (410); convene re-reads that calendar in full.' },
  GOOGLE_NOT_FOUND: { retryable: false, hint: 'The calendar, file or user does not exist or the impersonated user cannot see it; check the config.' },
  GOOGLE_UNAVAILABLE: { retryable: true, hint: 'Google did not answer properly (5xx, timeout or an unreadable body); convene retries with back-off.' },
  GOOGLE_API_ERROR: { retryable: false, hint: 'Google refused the call; the reason is named in the message.' },
  CHECKPOINT_MISMATCH: { retryable: false, hint: 'The input changed since the interrupted run; run the command again with --full-refresh to start over.' },
  INTERNAL: { retryable: false, hint: 'This is a bug in convene; please report it with the command you ran.' },
} as const satisfies Record<string, { retryable: boolean; hint: string }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ConveneError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly hint: string;
  /** What the error is about: a file path, `file#entry`, a record key or a config key path. */
  readonly subject: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; subject?: string; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConveneError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.hint = ERROR_CODES[code].hint;
    this.subject = options.subject;
  }

  /** One line for a person: subject, what happened, what to do. */
  describe(): string {
    const where = this.subject ? `${this.subject}: ` : '';
    return `${where}${this.message} [${this.code}] — ${this.hint}`;
  }
}

export class InputError extends ConveneError {
  constructor(code: Extract<ErrorCode, `INPUT_${string}`>, subject: string, message: string, cause?: unknown) {
    super(code, message, { subject, cause });
    this.name = 'InputError';
  }
}

export class UsageError extends ConveneError {
  constructor(message: string) {
    super('CLI_USAGE', message);
    this.name = 'UsageError';
  }
}

export class DatabaseError extends ConveneError {
  constructor(code: Extract<ErrorCode, `DB_${string}`>, message: string, cause?: unknown, subject?: string) {
    super(code, message, { cause, subject });
    this.name = 'DatabaseError';
  }
}

/** Translate anything thrown into a ConveneError, keeping the original as `cause`. */
export function toConveneError(err: unknown): ConveneError {
  if (err instanceof ConveneError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new ConveneError('INTERNAL', message, { cause: err });
}
