/**
 * The two shapes a Slack export comes in: an unzipped folder or the zip itself. This is
 * the only file that imports yauzl. Zip entries are read one at a time through their own
 * stream; only the central directory (names and offsets) is held in memory.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Entry, ZipFile } from 'yauzl';
import yauzl from 'yauzl';
import { InputError } from '../../core/errors.js';
import type { Channel } from '../../core/records.js';
import { compareNames, readText } from '../common/files.js';

/** The metadata files of an export, with the kind of conversation each lists. */
export const CHANNEL_FILES: ReadonlyArray<readonly [string, Channel['kind']]> = [
  ['channels.json', 'public'],
  ['groups.json', 'private'],
  ['dms.json', 'im'],
  ['mpims.json', 'mpim'],
];
/** A day file of a conversation folder. */
export const DAY_FILE = /^\d{4}-\d{2}-\d{2}\.json$/;

/** A conversation's folder and its day files' names (`YYYY-MM-DD.json`), sorted. */
export interface DayFolder {
  readonly folder: string;
  readonly days: readonly string[];
}

export interface ExportArchive {
  /** The files at the export's root (users.json, channels.json, ...), sorted. */
  readonly files: readonly string[];
  /**
   * The conversation folders, sorted by name, with their day files. A day's name is one string
   * shared by every folder that has it, and paths are made when read (`dayFilePath`): the
   * paths of every day file, kept for the whole run, held 13 MB of a scale-3 replay's heap.
   */
  readonly folders: readonly DayFolder[];
  read(relativePath: string): Promise<string>;
  /** The file's path on disk, when it has one (a folder export), so another thread can read it. */
  pathOf?(relativePath: string): string;
  close(): void;
}

/** A day file's path relative to the export's root. */
export function dayFilePath(folder: string, day: string): string {
  return `${folder}/${day}`;
}

/** Collects day files by folder, one string per distinct day name; `folders()` sorts them. */
class DayFolders {
  private readonly byFolder = new Map<string, string[]>();
  private readonly dayNames = new Map<string, string>();

  add(folder: string, name: string): void {
    if (!DAY_FILE.test(name)) return;
    let day = this.dayNames.get(name);
    if (day === undefined) this.dayNames.set(name, (day = name));
    const list = this.byFolder.get(folder);
    if (list === undefined) this.byFolder.set(folder, [day]);
    else list.push(day);
  }

  folders(): DayFolder[] {
    return [...this.byFolder.keys()].sort(compareNames).map((folder) => ({ folder, days: this.byFolder.get(folder)!.sort(compareNames) }));
  }
}

export async function openFolderExport(root: string): Promise<ExportArchive> {
  const files: string[] = [];
  const days = new DayFolders();
  // Metadata sits at the root and day files one folder down; deeper trees (attachments) are not read.
  const top = await readdir(root, { withFileTypes: true }).catch((err: unknown) => {
    throw new InputError('INPUT_NOT_FOUND', root, 'the Slack export folder could not be read', err);
  });
  for (const entry of top) {
    if (entry.isFile()) files.push(entry.name);
    else if (entry.isDirectory()) {
      for (const child of await readdir(join(root, entry.name), { withFileTypes: true })) {
        if (child.isFile()) days.add(entry.name, child.name);
      }
    }
  }
  files.sort(compareNames);
  return { files, folders: days.folders(), read: (rel) => readText(join(root, rel)), pathOf: (rel) => join(root, rel), close: () => undefined };
}

export async function openZipExport(path: string): Promise<ExportArchive> {
  const zip = await new Promise<ZipFile>((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false }, (err, zipfile) => {
      if (err) reject(new InputError('INPUT_MALFORMED_ZIP', path, `the zip could not be opened: ${err.message}`, err));
      else resolve(zipfile);
    });
  });
  try {
    const entries = await listEntries(zip, path);
    const prefix = commonRoot([...entries.keys()]);
    const byPath = new Map<string, Entry>();
    for (const [name, entry] of entries) {
      const rel = name.slice(prefix.length);
      if (rel.split('/').length <= 2) byPath.set(rel, entry);
    }
    const files: string[] = [];
    const days = new DayFolders();
    for (const rel of byPath.keys()) {
      const slash = rel.indexOf('/');
      if (slash < 0) files.push(rel);
      else days.add(rel.slice(0, slash), rel.slice(slash + 1));
    }
    files.sort(compareNames);
    return {
      files,
      folders: days.folders(),
      read: async (rel) => {
        const entry = byPath.get(rel);
        if (entry === undefined) throw new InputError('INPUT_NOT_FOUND', `${path}#${rel}`, 'no such entry in the zip');
        return readEntry(zip, entry, `${path}#${rel}`);
      },
      close: () => zip.close(),
    };
  } catch (err) {
    zip.close();
    throw err;
  }
}

function listEntries(zip: ZipFile, path: string): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on('entry', (entry: Entry) => {
      if (!entry.fileName.endsWith('/')) entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on('end', () => resolve(entries));
    zip.on('error', (err: Error) => reject(new InputError('INPUT_MALFORMED_ZIP', path, `the zip directory is damaged: ${err.message}`, err)));
    zip.readEntry();
  });
}

function readEntry(zip: ZipFile, entry: Entry, subject: string): Promise<string> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (err, stream) => {
      if (err) {
        reject(new InputError('INPUT_MALFORMED_ZIP', subject, `the entry could not be read: ${err.message}`, err));
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      stream.on('error', (e: Error) => reject(new InputError('INPUT_MALFORMED_ZIP', subject, `the entry is damaged: ${e.message}`, e)));
    });
  });
}

/**
 * Some tools zip the export inside one top folder (`export/users.json`); read it as if it
 * were at the root.
 */
function commonRoot(names: readonly string[]): string {
  if (names.some((n) => n === 'users.json' || n === 'org_users.json' || n === 'channels.json')) return '';
  const roots = new Set(names.map((n) => n.split('/')[0]));
  const only = [...roots][0];
  return roots.size === 1 && only !== undefined && names.some((n) => n === `${only}/users.json` || n === `${only}/channels.json`) ? `${only}/` : '';
}
