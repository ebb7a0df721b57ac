/** `directory-files`: replays Admin SDK Directory users.list responses saved as JSON. */
import { z } from 'zod';
import type { Source, SourceDef } from '../../core/component.js';
import { fromPages } from '../../core/rx.js';
import { EnvelopeBuilder, resumeAfter } from '../common/emit.js';
import { readListResponses } from '../common/json-pages.js';
import { mapDirectoryUser } from './directory-files.mapping.js';

export const DirectoryFilesConfig = z.object({
  /** users.list response files, or folders of them (*.json, sorted). */
  paths: z.array(z.string().min(1)).min(1),
});
export type DirectoryFilesConfig = z.infer<typeof DirectoryFilesConfig>;

const TYPE = 'directory-files';

export const directoryFilesSource: SourceDef<DirectoryFilesConfig, unknown> = {
  type: TYPE,
  summary: 'Replays Admin SDK Directory users.list responses saved as JSON',
  config: DirectoryFilesConfig,
  create(config, ctx): Source<unknown> {
    return {
      read: (from) => {
        const b = new EnvelopeBuilder(TYPE, 'directory', resumeAfter(TYPE, from));
        return fromPages(
          (signal) =>
            readListResponses(config.paths, 'users', b, signal, (item, origin, position) => {
              const mapped = mapDirectoryUser(item);
              return mapped.ok ? b.record('person', mapped.value.key, 0, origin, mapped.value, position) : { reason: mapped.reason };
            }),
          ctx.gate,
        );
      },
    };
  },
};
