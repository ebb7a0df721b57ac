/**
 * One flat hierarchy of typed errors. Every error convene raises or records has a stable
 * `code` (AREA_WHAT), a `retryable` flag and an error `class` the runtime's retry policies
 * read, a one-line `message` saying what the code means, a one-line `hint` telling the user
 * what to do, and the underlying `cause`. docs/troubleshooting.md lists every code.
 *
 * SDK and parser errors are translated into these in exactly one place per component.
 */

/**
 * What kind of failure a code is, for retry policies and circuit breakers: `rate-limit` and
 * `transient` are worth another attempt; `auth`, `scope`, `input`, `config` and `not-found`
 * never are (the same request fails the same way until a person acts).
 */
export const ERROR_CLASSES = ['rate-limit', 'transient', 'auth', 'scope', 'input', 'config', 'not-found', 'permanent', 'breaker', 'internal'] as const;
export type ErrorClass = (typeof ERROR_CLASSES)[number];

export interface ErrorCodeInfo {
  readonly class: ErrorClass;
  readonly retryable: boolean;
  /** What the code means, in one line. */
  readonly message: string;
  /** What to do about it, in one line. */
  readonly hint: string;
}

export const ERROR_CODES = {
  INPUT_NOT_FOUND: { class: 'input', retryable: false, message: 'A file or folder named on the command line or in the config does not exist.', hint: 'Check the path; give a bundle folder or the part with its own flag (--slack, --calendar, ...).' },
  INPUT_MALFORMED_JSON: { class: 'input', retryable: false, message: 'A JSON file could not be parsed.', hint: 'The file is not valid JSON; re-export it or fix the named entry. The rest of the input was read.' },
  INPUT_MALFORMED_RECORD: { class: 'input', retryable: false, message: 'A record lacks a field its format requires.', hint: 'The record lacks a field its format requires; it was skipped and counted. Fix or re-export the named file.' },
  INPUT_MALFORMED_ICS: { class: 'input', retryable: false, message: 'An iCalendar event could not be parsed.', hint: 'The iCalendar data could not be parsed; the named event was skipped. Re-export the calendar or fix the named line.' },
  INPUT_MALFORMED_CSV: { class: 'input', retryable: false, message: 'A people.csv row does not match its header.', hint: 'The CSV row does not match the header email,name,slack_user_id,department,title,manager_email,timezone.' },
  INPUT_MALFORMED_ZIP: { class: 'input', retryable: false, message: 'A zip archive is damaged.', hint: 'The zip archive is damaged; download the Slack export again or unzip it and pass the folder.' },
  INPUT_UNSUPPORTED: { class: 'input', retryable: false, message: 'A file is of a kind convene does not read there.', hint: 'This file is not one convene reads here; see docs/contracts.md for the formats of a bundle.' },
  CONFIG_INVALID: { class: 'config', retryable: false, message: 'An option in the config file, the environment or a flag is invalid.', hint: 'Fix the named option; `convene <command> --help` lists the accepted values.' },
  CLI_USAGE: { class: 'config', retryable: false, message: 'The command line names an unknown command or flag, or a bad value.', hint: 'Run `convene --help` or `convene <command> --help` for the accepted commands and flags.' },
  DB_OPEN_FAILED: { class: 'permanent', retryable: false, message: 'The database file could not be opened.', hint: 'Check that the database path is writable and not a file of another kind.' },
  DB_LOCKED: { class: 'transient', retryable: true, message: 'Another process holds the database file.', hint: 'Another convene process is writing this database; wait for it, or pass another --db.' },
  DB_QUERY_FAILED: { class: 'permanent', retryable: false, message: 'A SQL statement failed.', hint: 'The SQL failed; check table and column names against docs/schema.md.' },
  DB_WRITE_FAILED: { class: 'permanent', retryable: false, message: 'A batch could not be written to the database.', hint: 'A write to the database failed; the batch was not committed. Check disk space and run again.' },
  TRUTH_INVALID: { class: 'input', retryable: false, message: 'The ground-truth file is not in the expected format.', hint: 'The truth file does not follow shared/spec/truth.md (version 1, meetings[], messages[]).' },
  SLACK_AUTH: { class: 'auth', retryable: false, message: 'Slack rejected the token.', hint: 'The Slack token is invalid, revoked or expired; set SLACK_TOKEN (or sources.slack-web.token) to a valid bot or user token.' },
  SLACK_MISSING_SCOPE: { class: 'scope', retryable: false, message: 'The Slack token lacks an OAuth scope the method needs.', hint: 'Add the named OAuth scope to the Slack app, reinstall it to the workspace and run again.' },
  SLACK_NOT_IN_CHANNEL: { class: 'not-found', retryable: false, message: 'The Slack app is not a member of a channel it was asked to read.', hint: 'Invite the app to the channel, or set joinChannels: true so convene joins public channels itself; the channel was skipped.' },
  SLACK_CHANNEL_NOT_FOUND: { class: 'not-found', retryable: false, message: 'A configured Slack channel does not exist or is not visible.', hint: 'The channel does not exist or is not visible to this token; check the channels listed in the config.' },
  SLACK_RATE_LIMITED: { class: 'rate-limit', retryable: true, message: 'Slack answered 429 Too Many Requests.', hint: 'Slack answered 429; convene waits for Retry-After and tries again. Lower the concurrency or choose the matching limits profile.' },
  SLACK_UNAVAILABLE: { class: 'transient', retryable: true, message: 'Slack answered 5xx, timed out or sent an unreadable body.', hint: 'Slack did not answer properly (5xx, timeout or an unreadable body); convene retries with back-off.' },
  SLACK_API_ERROR: { class: 'permanent', retryable: false, message: 'Slack refused a call for a reason of its own.', hint: 'Slack refused the call; the named error is listed at docs.slack.dev for the method.' },
  GOOGLE_AUTH: { class: 'auth', retryable: false, message: 'Google rejected the credentials.', hint: 'Google refused the credentials; check the OAuth token or the service account and its domain-wide delegation scopes.' },
  GOOGLE_RATE_LIMITED: { class: 'rate-limit', retryable: true, message: 'Google answered 429 or 403 rateLimitExceeded.', hint: 'Google answered 429 or 403 rateLimitExceeded; convene backs off and tries again. Lower the concurrency if it persists.' },
  GOOGLE_SYNC_TOKEN_EXPIRED: { class: 'permanent', retryable: false, message: 'Google answered 410 Gone for a stored sync token.', hint: 'The stored sync token is no longer valid (410); convene re-reads that calendar in full.' },
  GOOGLE_NOT_FOUND: { class: 'not-found', retryable: false, message: 'A calendar, file or user was not found.', hint: 'The calendar, file or user does not exist or the impersonated user cannot see it; check the config.' },
  GOOGLE_UNAVAILABLE: { class: 'transient', retryable: true, message: 'Google answered 5xx, timed out or sent an unreadable body.', hint: 'Google did not answer properly (5xx, timeout or an unreadable body); convene retries with back-off.' },
  GOOGLE_API_ERROR: { class: 'permanent', retryable: false, message: 'Google refused a call for a reason of its own.', hint: 'Google refused the call; the reason is named in the message.' },
  BREAKER_OPEN: { class: 'breaker', retryable: false, message: 'An external API\'s circuit breaker is open, so the call was not made.', hint: 'The API failed repeatedly; convene probes it again after a back-off. See `convene breaker list`; `convene breaker close NAME` forces calls through, `reset` clears a forced state.' },
  ALERT_DELIVERY_FAILED: { class: 'transient', retryable: true, message: 'An alert could not be delivered to its webhook.', hint: 'Check resilience.alerts.webhookUrl and that the receiver accepts a JSON POST; the alert was still written to the log.' },
  CHECKPOINT_MISMATCH: { class: 'input', retryable: false, message: 'The input changed since the checkpoint of an interrupted run.', hint: 'The input changed since the interrupted run; run the command again with --full-refresh to start over.' },
  INTERNAL: { class: 'internal', retryable: false, message: 'An unexpected error inside convene.', hint: 'This is a bug in convene; please report it with the command you ran.' },
} as const satisfies Record<string, ErrorCodeInfo>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class ConveneError extends Error {
  readonly code: ErrorCode;
  readonly retryable: boolean;
  readonly hint: string;
  readonly errorClass: ErrorClass;
  /** What the error is about: a file path, `file#entry`, a record key or a config key path. */
  readonly subject: string | undefined;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; subject?: string; retryable?: boolean } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConveneError';
    this.code = code;
    this.retryable = options.retryable ?? ERROR_CODES[code].retryable;
    this.hint = ERROR_CODES[code].hint;
    this.errorClass = ERROR_CODES[code].class;
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

export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CODES, code);
}
