/** Pure mapping from a Drive API v3 `files.list` file resource to DriveFile. */
import type { DriveFile } from '../../core/records.js';
import { isoToMillis, text } from '../common/emit.js';
import { isRecord } from '../common/files.js';

export type Mapped<T> = { ok: true; value: T } | { ok: false; reason: string };

export function mapDriveFile(file: unknown): Mapped<DriveFile> {
  if (!isRecord(file)) return { ok: false, reason: 'the file entry is not a JSON object' };
  const id = text(file['id']);
  if (id === null) return { ok: false, reason: 'the file has no "id"' };
  const owners = Array.isArray(file['owners']) ? file['owners'] : [];
  return {
    ok: true,
    value: {
      id,
      name: text(file['name']) ?? '',
      mimeType: text(file['mimeType']),
      owners: owners.map((o) => (isRecord(o) ? text(o['emailAddress']) : null)).filter((e): e is string => e !== null),
      createdTime: isoToMillis(file['createdTime']),
      modifiedTime: isoToMillis(file['modifiedTime']),
      webViewLink: text(file['webViewLink']),
      parents: Array.isArray(file['parents']) ? file['parents'].filter((p): p is string => typeof p === 'string') : [],
      trashed: file['trashed'] === true,
    },
  };
}
