/**
 * `google-directory`: collects people from the Admin SDK Directory users.list. The directory
 * is small and has no change feed worth its cost, so every read lists it whole (no cursor).
 */
import { z } from 'zod';
import type { Source, SourceDef } from '../../core/component.js';
import type { Envelope } from '../../core/envelope.js';
import { envelope } from '../../core/envelope.js';
import { fromPages } from '../../core/rx.js';
import { createGoogleClient, CREDENTIALS_MISSING, GoogleAuthFields, hasCredentials } from './google-api.client.js';
import { answersOf } from '../../core/api-answers.js';
import { mapDirectoryUser } from './google-api.mapping.js';
import { googleProblem } from './google-api.problem.js';

export const GoogleDirectoryConfig = GoogleAuthFields.extend({
  customer: z.string().default('my_customer'),
  domain: z.string().optional(),
  /** The admin the service account impersonates. */
  adminSubject: z.string().optional(),
  maxResults: z.number().int().min(1).max(500).default(500),
}).refine(hasCredentials, CREDENTIALS_MISSING);
export type GoogleDirectoryConfig = z.infer<typeof GoogleDirectoryConfig>;

const TYPE = 'google-directory';

export const googleDirectorySource: SourceDef<GoogleDirectoryConfig, unknown> = {
  type: TYPE,
  summary: 'Collects people from the Google Workspace directory (Admin SDK users.list)',
  config: GoogleDirectoryConfig,
  create(config, ctx): Source<unknown> {
    const client = () => createGoogleClient({ auth: config, subject: config.adminSubject, calls: ctx.calls, answers: answersOf(ctx.calls) });
    return {
      read: () =>
        fromPages(async function* (signal): AsyncGenerator<Envelope[]> {
          const google = client();
          let pageToken: string | undefined;
          do {
            if (signal.aborted) return;
            const page = await google.users({ customer: config.customer, domain: config.domain, pageToken, maxResults: config.maxResults });
            pageToken = page.nextPageToken ?? undefined;
            yield page.items.map((u, i) => {
              const mapped = mapDirectoryUser(u);
              return mapped.ok ? envelope('person', mapped.value.key, 0, `${TYPE}:users.list`, mapped.value) : googleProblem(TYPE, 'directory', 'INPUT_MALFORMED_RECORD', `${TYPE}:users.list`, String(i), mapped.reason);
            });
          } while (pageToken !== undefined);
        }, ctx.gate),
    };
  },
};
