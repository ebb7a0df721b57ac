/** `drive-files`: replays Drive API v3 files.list responses saved as JSON. */
import { z } from 'zod';
import type { Source, SourceDef } from '../../core/component.js';
import { fromPages } from '../../core/rx.js';
import { EnvelopeBuilder, resumeAfter } from '../common/emit.js';
import { readListResponses } from '../common/json-pages.js';
import { mapDriveFile } from './drive-files.mapping.js';

export const DriveFilesConfig = z.object({
  /** files.list response files, or folders of them (*.json, sorted). */
  paths: z.array(z.string().min(1)).min(1),
});
export type DriveFilesConfig = z.infer<typeof DriveFilesConfig>;

const TYPE = 'drive-files';

export const driveFilesSource: SourceDef<DriveFilesConfig, unknown> = {
  type: TYPE,
  summary: 'Replays Drive API files.list responses saved as JSON',
  config: DriveFilesConfig,
  create(config, ctx): Source<unknown> {
    return {
      read: (from) => {
        const b = new EnvelopeBuilder(TYPE, 'drive', resumeAfter(TYPE, from));
        return fromPages(
          (signal) =>
            readListResponses(config.paths, 'files', b, signal, (item, origin, position) => {
              const mapped = mapDriveFile(item);
              if (!mapped.ok) return { reason: mapped.reason };
              return b.record('drive_file', mapped.value.id, mapped.value.modifiedTime ?? mapped.value.createdTime ?? 0, origin, mapped.value, position);
            }),
          ctx.gate,
        );
      },
    };
  },
};
