/**
 * The only file that imports the googleapis packages. Built-in retries are off
 * (`retryConfig: {retry: 0}`): the runtime's call gate retries, so every attempt is counted.
 * Auth is an OAuth access token, or a service account with domain-wide delegation that
 * impersonates one subject per user.
 *
 * With the run's API answer cache: Calendar events.list and Directory users.list carry an
 * ETag, so a cached answer is revalidated (If-None-Match) and served on 304; Drive
 * changes.list has no validator beyond its page token and lives for maxAge.
 */
import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { z } from 'zod';
import type { ApiCallGate } from '../../core/component.js';
import type { AnswerRequest, ApiAnswers, Conditional } from '../../core/api-answers.js';
import { GoogleApiError, translateGoogleError } from './google-api.errors.js';

export type Json = Record<string, unknown>;

/** The credential and endpoint fields every Google source config has; see `withCredentials`. */
export const GoogleAuthFields = z.object({
  /** An OAuth access token; the runtime fills it from GOOGLE_ACCESS_TOKEN. Never logged. */
  token: z.string().min(1).optional(),
  /** A service account with domain-wide delegation; the runtime fills it from GOOGLE_APPLICATION_CREDENTIALS. */
  serviceAccount: z.object({ clientEmail: z.string().min(1), privateKey: z.string().min(1) }).optional(),
  /** The API root; the emulator's `http://127.0.0.1:PORT/` in tests. */
  rootUrl: z.string().url().optional(),
  timeoutMs: z.number().int().positive().default(30_000),
});
export const GoogleAuthConfig = GoogleAuthFields;
export type GoogleAuthConfig = z.infer<typeof GoogleAuthFields>;

/** A config needs a token or a service account. */
export function hasCredentials(c: { token?: string | undefined; serviceAccount?: unknown }): boolean {
  return c.token !== undefined || c.serviceAccount !== undefined;
}
export const CREDENTIALS_MISSING = { message: 'give either token or serviceAccount', path: ['token'] };

const SCOPES = {
  calendar: ['https://www.googleapis.com/auth/calendar.readonly'],
  drive: ['https://www.googleapis.com/auth/drive.metadata.readonly'],
  directory: ['https://www.googleapis.com/auth/admin.directory.user.readonly'],
} as const;

export interface EventsPage {
  readonly items: Json[];
  readonly timeZone: string | null;
  readonly nextPageToken: string | null;
  readonly nextSyncToken: string | null;
}

export interface ListPage {
  readonly items: Json[];
  readonly nextPageToken: string | null;
}

export interface ChangesPage {
  readonly changes: Json[];
  readonly nextPageToken: string | null;
  readonly newStartPageToken: string | null;
}

export interface GoogleClient {
  events(args: { calendarId: string; syncToken?: string | undefined; pageToken?: string | undefined; maxResults: number; timeMin?: string | undefined }): Promise<EventsPage>;
  driveStartPageToken(): Promise<string>;
  driveFiles(pageToken: string | undefined, pageSize: number): Promise<ListPage>;
  driveChanges(pageToken: string, pageSize: number): Promise<ChangesPage>;
  users(args: { customer?: string | undefined; domain?: string | undefined; pageToken?: string | undefined; maxResults: number }): Promise<ListPage>;
}

export interface GoogleClientOptions {
  readonly auth: GoogleAuthConfig;
  /** Who the service account impersonates for Drive and Directory calls (an admin for Directory). */
  readonly subject?: string | undefined;
  readonly calls?: ApiCallGate | undefined;
  /** The run's API answer cache; absent: every call asks Google. */
  readonly answers?: ApiAnswers | null | undefined;
}

/** Request options for a conditional request: a 304 is an answer, not an error. */
interface ConditionalOptions {
  headers?: Record<string, string>;
  validateStatus?: (status: number) => boolean;
}

function conditionalOptions(etag: string | null): ConditionalOptions {
  return etag === null ? {} : { headers: { 'If-None-Match': etag }, validateStatus: (status) => (status >= 200 && status < 300) || status === 304 };
}

type GoogleApis = Pick<typeof import('@googleapis/calendar'), 'auth' | 'calendar'> & Pick<typeof import('@googleapis/drive'), 'drive'> & Pick<typeof import('@googleapis/admin'), 'admin'>;
type Credentials = InstanceType<GoogleApis['auth']['OAuth2']> | InstanceType<GoogleApis['auth']['JWT']>;

let googleApis: GoogleApis | undefined;

/**
 * The googleapis packages, loaded when the first client is made, so that commands that read
 * files only (replay, query, validate) do not load them: with @slack/web-api they add about
 * 20 MB of resident memory to a process that loads them alone. They are CommonJS, so `require`
 * loads them synchronously.
 */
function loadGoogleApis(): GoogleApis {
  if (googleApis === undefined) {
    const require = createRequire(import.meta.url);
    const { auth, calendar } = require('@googleapis/calendar') as typeof import('@googleapis/calendar');
    const { drive } = require('@googleapis/drive') as typeof import('@googleapis/drive');
    const { admin } = require('@googleapis/admin') as typeof import('@googleapis/admin');
    googleApis = { auth, calendar, drive, admin };
  }
  return googleApis;
}

const FILE_FIELDS = 'id,name,mimeType,owners(emailAddress,displayName),createdTime,modifiedTime,webViewLink,parents,trashed';

function strOrNull(v: unknown): string | null {
  return typeof v === 'string' && v !== '' ? v : null;
}

function objects(v: unknown): Json[] {
  return Array.isArray(v) ? v.filter((x): x is Json => typeof x === 'object' && x !== null) : [];
}

export function createGoogleClient(options: GoogleClientOptions): GoogleClient {
  const { auth, calendar, drive, admin } = loadGoogleApis();
  const cfg = options.auth;
  const credentials = new Map<string, Credentials>();
  const credentialsFor = (api: keyof typeof SCOPES, subject: string | undefined): Credentials => {
    const id = `${api}:${subject ?? ''}`;
    let c = credentials.get(id);
    if (c === undefined) {
      if (cfg.serviceAccount !== undefined) {
        c = new auth.JWT({ email: cfg.serviceAccount.clientEmail, key: cfg.serviceAccount.privateKey, scopes: [...SCOPES[api]], ...(subject === undefined ? {} : { subject }) });
      } else {
        const o = new auth.OAuth2();
        o.setCredentials({ access_token: cfg.token ?? '' });
        c = o;
      }
      credentials.set(id, c);
    }
    return c;
  };
  const common = { retryConfig: { retry: 0 }, timeout: cfg.timeoutMs, ...(cfg.rootUrl === undefined ? {} : { rootUrl: cfg.rootUrl }) };

  const call = async <T>(api: string, method: string, subject: string, fn: () => Promise<{ data: unknown }>, read: (data: Json) => T): Promise<T> => {
    const run = async (): Promise<T> => {
      let data: unknown;
      try {
        data = (await fn()).data;
      } catch (err) {
        throw translateGoogleError(err, `${api} ${method}`, subject);
      }
      // An unreadable body arrives as a string: worth another attempt, like a 5xx.
      if (typeof data !== 'object' || data === null) throw new GoogleApiError('GOOGLE_UNAVAILABLE', `${api} ${method} answered with a body that is not JSON`, { subject });
      return read(data as Json);
    };
    return options.calls ? options.calls.call(api, method, run) : run();
  };

  const answers = options.answers ?? null;
  // Answers belong to the endpoint and the credential (hashed, never stored) that read them.
  const identity = `${cfg.rootUrl ?? 'google'}|${createHash('sha256').update(cfg.token ?? cfg.serviceAccount?.clientEmail ?? '').digest('hex').slice(0, 16)}`;
  const request = (api: string, method: string, key: unknown[], validator: unknown[]): AnswerRequest => ({ api, method, key: JSON.stringify([identity, api, method, options.subject ?? null, ...key]), validator: JSON.stringify(validator) });

  /**
   * A request Google can answer 304 to: with the cache, sent with the cached answer's ETag and
   * served from the cache when not modified; without it, a plain call.
   */
  const revalidated = async <T>(
    api: string,
    method: string,
    subject: string,
    req: AnswerRequest,
    fn: (o: ConditionalOptions) => Promise<{ data: unknown; status: number }>,
    read: (data: Json) => T,
  ): Promise<T> => {
    if (answers === null) return call(api, method, subject, () => fn({}), read);
    return answers.withEtag(req, (etag) =>
      call(api, method, subject, () => fn(conditionalOptions(etag)).then((r) => (r.status === 304 ? { data: { notModified: true } } : { data: r.data })), (data): Conditional<T> =>
        data['notModified'] === true && Object.keys(data).length === 1 ? { notModified: true } : { notModified: false, value: read(data), etag: strOrNull(data['etag']) },
      ),
    );
  };

  return {
    events(a) {
      // Impersonate the calendar's owner: with delegation, a calendar id is its user's email.
      const cal = calendar({ version: 'v3', auth: credentialsFor('calendar', cfg.serviceAccount ? a.calendarId : undefined), ...common });
      const params = { calendarId: a.calendarId, singleEvents: true, showDeleted: true, maxResults: a.maxResults, ...(a.syncToken ? { syncToken: a.syncToken } : a.timeMin ? { timeMin: a.timeMin } : {}), ...(a.pageToken ? { pageToken: a.pageToken } : {}) };
      const req = request('calendar', 'events.list', [a.calendarId, a.pageToken ?? null], [a.syncToken ?? null, a.timeMin ?? null, a.maxResults]);
      return revalidated('calendar', 'events.list', a.calendarId, req, (o) => cal.events.list(params, o), (d) => ({
        items: objects(d['items']),
        timeZone: strOrNull(d['timeZone']),
        nextPageToken: strOrNull(d['nextPageToken']),
        nextSyncToken: strOrNull(d['nextSyncToken']),
      }));
    },
    driveStartPageToken() {
      const d = drive({ version: 'v3', auth: credentialsFor('drive', options.subject), ...common });
      return call('drive', 'changes.getStartPageToken', 'drive', () => d.changes.getStartPageToken({ supportsAllDrives: true }), (data) => {
        const token = strOrNull(data['startPageToken']);
        if (token === null) throw new GoogleApiError('GOOGLE_UNAVAILABLE', 'drive changes.getStartPageToken answered without a token', { subject: 'drive' });
        return token;
      });
    },
    driveFiles(pageToken, pageSize) {
      const d = drive({ version: 'v3', auth: credentialsFor('drive', options.subject), ...common });
      return call('drive', 'files.list', 'drive', () => d.files.list({ pageSize, fields: `nextPageToken, files(${FILE_FIELDS})`, supportsAllDrives: true, includeItemsFromAllDrives: true, ...(pageToken ? { pageToken } : {}) }), (data) => ({
        items: objects(data['files']),
        nextPageToken: strOrNull(data['nextPageToken']),
      }));
    },
    driveChanges(pageToken, pageSize) {
      const d = drive({ version: 'v3', auth: credentialsFor('drive', options.subject), ...common });
      const ask = (): Promise<ChangesPage> =>
        call('drive', 'changes.list', 'drive', () => d.changes.list({ pageToken, pageSize, includeRemoved: true, supportsAllDrives: true, includeItemsFromAllDrives: true, fields: `nextPageToken, newStartPageToken, changes(fileId, removed, time, file(${FILE_FIELDS}))` }), (data) => ({
          changes: objects(data['changes']),
          nextPageToken: strOrNull(data['nextPageToken']),
          newStartPageToken: strOrNull(data['newStartPageToken']),
        }));
      // The changes feed has no ETag: its answer lives for maxAge; the page token is its validator.
      return answers === null ? ask() : answers.withLifetime(request('drive', 'changes.list', [], [pageToken, pageSize]), ask, () => answers.maxAgeMs);
    },
    users(a) {
      const dir = admin({ version: 'directory_v1', auth: credentialsFor('directory', options.subject), ...common });
      const params = { maxResults: a.maxResults, projection: 'full', orderBy: 'email', ...(a.domain ? { domain: a.domain } : { customer: a.customer ?? 'my_customer' }), ...(a.pageToken ? { pageToken: a.pageToken } : {}) };
      const req = request('directory', 'users.list', [a.domain ?? null, a.customer ?? null, a.pageToken ?? null], [a.maxResults]);
      return revalidated('directory', 'users.list', a.domain ?? a.customer ?? 'my_customer', req, (o) => dir.users.list(params, o), (data) => ({
        items: objects(data['users']),
        nextPageToken: strOrNull(data['nextPageToken']),
      }));
    },
  };
}
