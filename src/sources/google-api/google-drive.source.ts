/**
 * `google-drive`: collects Drive file metadata. The first read takes a changes start token,
 * then lists every file; later reads follow the changes feed from the stored page token
 * (Drive page tokens do not expire).
 */
import { z } from 'zod';
import type { ComponentContext, Source, SourceDef } from '../../core/component.js';
import type { Cursor, Envelope } from '../../core/envelope.js';
import { envelope } from '../../core/envelope.js';
import { fromPages } from '../../core/rx.js';
import { createGoogleClient, CREDENTIALS_MISSING, GoogleAuthFields, hasCredentials } from './google-api.client.js';
import { answersOf } from '../../core/api-answers.js';
import type { Json } from './google-api.client.js';
import { mapDriveFile } from './google-api.mapping.js';
import { googleProblem } from './google-api.problem.js';

export const GoogleDriveConfig = GoogleAuthFields.extend({
  /** The user the service account impersonates. */
  subject: z.string().optional(),
  pageSize: z.number().int().min(1).max(1000).default(1000),
}).refine(hasCredentials, CREDENTIALS_MISSING);
export type GoogleDriveConfig = z.infer<typeof GoogleDriveConfig>;

/** The cursor position: the changes page token to read from next. */
export interface GoogleDrivePosition {
  readonly pageToken: string;
}

const TYPE = 'google-drive';

export function drivePositionOf(from: Cursor | undefined): GoogleDrivePosition | null {
  if (from === undefined || from.source !== TYPE || typeof from.position !== 'object' || from.position === null) return null;
  const token = (from.position as Record<string, unknown>)['pageToken'];
  return typeof token === 'string' && token !== '' ? { pageToken: token } : null;
}

export const googleDriveSource: SourceDef<GoogleDriveConfig, unknown> = {
  type: TYPE,
  summary: 'Collects Drive file metadata through the Drive API, incrementally by changes page token',
  config: GoogleDriveConfig,
  create(config, ctx): Source<unknown> {
    return { read: (from) => fromPages((signal) => collect(config, ctx, from, signal), ctx.gate) };
  },
};

function fileEnvelopes(files: readonly Json[], origin: string): Envelope[] {
  return files.map((f, i) => {
    const mapped = mapDriveFile(f);
    return mapped.ok
      ? envelope('drive_file', mapped.value.id, mapped.value.modifiedTime ?? mapped.value.createdTime ?? 0, `${origin}/${mapped.value.id}`, mapped.value)
      : googleProblem(TYPE, 'drive', 'INPUT_MALFORMED_RECORD', origin, String(i), mapped.reason);
  });
}

function withCursor(envelopes: Envelope[], pageToken: string): Envelope[] {
  if (envelopes.length === 0) return envelopes;
  envelopes[envelopes.length - 1] = { ...envelopes[envelopes.length - 1]!, cursor: { source: TYPE, position: { pageToken } } };
  return envelopes;
}

async function* collect(config: GoogleDriveConfig, ctx: ComponentContext, from: Cursor | undefined, signal: AbortSignal): AsyncGenerator<Envelope[]> {
  const client = createGoogleClient({ auth: config, subject: config.subject, calls: ctx.calls, answers: answersOf(ctx.calls) });
  const resume = drivePositionOf(from);
  if (resume === null) {
    // Taken before listing, so changes made during the listing are read next time.
    const start = await client.driveStartPageToken();
    let pageToken: string | undefined;
    do {
      if (signal.aborted) return;
      const page = await client.driveFiles(pageToken, config.pageSize);
      pageToken = page.nextPageToken ?? undefined;
      const out = fileEnvelopes(page.items, `${TYPE}:files.list`);
      // Only the last page's checkpoint moves to the changes feed; an interrupted listing starts over.
      yield pageToken === undefined ? withCursor(out, start) : out;
    } while (pageToken !== undefined);
    return;
  }
  let token = resume.pageToken;
  for (;;) {
    if (signal.aborted) return;
    const page = await client.driveChanges(token, config.pageSize);
    const files = page.changes.filter((c) => c['removed'] !== true && typeof c['file'] === 'object' && c['file'] !== null).map((c) => c['file'] as Json);
    const next = page.nextPageToken ?? page.newStartPageToken ?? token;
    yield withCursor(fileEnvelopes(files, `${TYPE}:changes.list`), next);
    if (page.nextPageToken === null) return;
    token = next;
  }
}
