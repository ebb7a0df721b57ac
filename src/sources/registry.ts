/** Every source convene can run, listed explicitly (no registration by import side effects). */
import type { ComponentContext, Source, SourceDef } from '../core/component.js';
import { ConveneError } from '../core/errors.js';
import { calendarFilesSource } from './calendar-files/calendar-files.source.js';
import { directoryFilesSource } from './directory-files/directory-files.source.js';
import { driveFilesSource } from './drive-files/drive-files.source.js';
import { peopleCsvSource } from './people-csv/people-csv.source.js';
import { slackExportSource } from './slack-export/slack-export.source.js';
import { slackWebSource } from './slack-web/slack-web.source.js';
import { googleCalendarSource } from './google-api/google-calendar.source.js';
import { googleDriveSource } from './google-api/google-drive.source.js';
import { googleDirectorySource } from './google-api/google-directory.source.js';

/** A definition with its config type erased: `create` validates raw config with the definition's own schema. */
export interface RegisteredSource {
  readonly type: string;
  readonly summary: string;
  readonly definition: SourceDef<never, unknown>;
  create(rawConfig: unknown, ctx: ComponentContext): Source<unknown>;
}

function register<C>(def: SourceDef<C, unknown>): RegisteredSource {
  return {
    type: def.type,
    summary: def.summary,
    definition: def as unknown as SourceDef<never, unknown>,
    create(rawConfig, ctx) {
      const parsed = def.config.safeParse(rawConfig);
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => `${[def.type, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');
        throw new ConveneError('CONFIG_INVALID', issues, { subject: def.type, cause: parsed.error });
      }
      return def.create(parsed.data, ctx);
    },
  };
}

export const SOURCES: readonly RegisteredSource[] = [
  register(slackExportSource),
  register(calendarFilesSource),
  register(driveFilesSource),
  register(directoryFilesSource),
  register(peopleCsvSource),
  register(slackWebSource),
  register(googleCalendarSource),
  register(googleDriveSource),
  register(googleDirectorySource),
];

export function findSource(type: string): RegisteredSource | undefined {
  return SOURCES.find((s) => s.type === type);
}
