/**
 * File discovery and reading shared by the file-replay sources. Every function here runs
 * only when a source's generator pulls, so nothing touches the disk before subscribe.
 */
import { readFileSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { InputError } from '../../core/errors.js';

/**
 * Expand `paths` (files or folders) into a sorted list of files whose extension is one of
 * `extensions`. A folder contributes its direct and nested matching files in sorted order;
 * a file named explicitly is kept whatever its extension. A missing path is an InputError.
 */
export async function listInputFiles(paths: readonly string[], extensions: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch((err: unknown) => {
      throw new InputError('INPUT_NOT_FOUND', path, 'no such file or folder', err);
    });
    if (info.isDirectory()) out.push(...(await walk(path, extensions)));
    else out.push(path);
  }
  return out;
}

async function walk(folder: string, extensions: readonly string[]): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  entries.sort((a, b) => compareNames(a.name, b.name));
  const out: string[] = [];
  for (const entry of entries) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full, extensions)));
    else if (extensions.includes(extname(entry.name).toLowerCase())) out.push(full);
  }
  return out;
}

/** Byte-order comparison, so the order does not depend on the machine's locale. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Reads a whole file. Synchronous on purpose: day files are small and many, and
 * readFileSync measured about three times faster than fs.promises.readFile for them (see
 * shared/reference/performance-notes.md); sources still yield to the event loop between pages.
 */
export async function readText(path: string): Promise<string> {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new InputError('INPUT_NOT_FOUND', path, 'the file could not be read', err);
  }
}

/** `a/b/team.json` → `team`. */
export function fileStem(path: string): string {
  return basename(path, extname(path));
}

/** JSON.parse that reports failure as a value instead of throwing. */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; reason: string } {
  try {
    // A UTF-8 byte-order mark is legal in files but not in JSON.parse input.
    return { ok: true, value: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : String(err) };
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
