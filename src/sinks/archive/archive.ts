/**
 * Archives of runs: after a run, every table of the database as zstd Parquet, the HTML report
 * gzipped, and a manifest (run id, effective config, row counts, content checksums from
 * validate, each file's size and SHA-256) under `<root>/<run-id>/`. Retention removes archives
 * by count, age and total size; restore rebuilds a database from one archive and checks its
 * content against the manifest's checksums.
 *
 * An archive is written under `<run-id>.partial` and renamed when complete, so a folder with a
 * manifest is always whole.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ConveneError, InputError } from '../../core/errors.js';
import { Database } from '../duckdb/database.js';
import { BOOKKEEPING_TABLES, DATA_TABLES, migrate } from '../duckdb/schema.js';
import { validateDatabase, type ValidationProblem } from '../duckdb/validate.js';
import { sqlString } from '../export/export.js';
import { writeHtmlReport } from '../export/html.js';
import { parseFilters } from '../search/filters.js';

export const MANIFEST = 'manifest.json';

export interface ArchiveFile {
  name: string;
  /** The table the file holds, or null for the report. */
  table: string | null;
  rows: number | null;
  bytes: number;
  sha256: string;
}

export interface ArchiveManifest {
  format: 'convene-archive/1';
  runId: string;
  createdAt: string;
  run: Record<string, unknown> | null;
  /** The effective configuration the run recorded (runs.config). */
  config: unknown;
  counts: Record<string, number>;
  checksums: Record<string, string>;
  problems: ValidationProblem[];
  files: ArchiveFile[];
}

export interface ArchiveEntry {
  runId: string;
  path: string;
  createdAt: string | null;
  bytes: number;
  counts: Record<string, number>;
  /** Set when the folder is not a readable archive (no or bad manifest); it is listed, never pruned. */
  problem?: string;
}

export interface Retention {
  /** Keep at most this many archives, newest first. */
  keep?: number | undefined;
  /** Remove archives older than this. */
  maxAgeMs?: number | undefined;
  /** Remove the oldest archives until the rest together take at most this many bytes. */
  maxBytes?: number | undefined;
}

const SAFE_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;

function checkRunId(runId: string): void {
  if (!SAFE_ID.test(runId) || runId.includes('..')) throw new ConveneError('CONFIG_INVALID', `'${runId}' is not a run id`, { subject: runId });
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The newest run recorded in the database, or null. */
export async function latestRunId(db: Database): Promise<string | null> {
  const rows = await db.all('SELECT run_id FROM runs ORDER BY started_at DESC, run_id DESC LIMIT 1');
  return rows[0] ? String(rows[0]['run_id']) : null;
}

/** Writes the archive of `runId` (by default the newest run) and returns its manifest. */
export async function createArchive(db: Database, options: { root: string; runId?: string; clock?: () => Date }): Promise<ArchiveManifest> {
  const runId = options.runId ?? (await latestRunId(db));
  if (!runId) throw new ConveneError('CONFIG_INVALID', 'the database records no run to archive; replay first', { subject: db.path });
  checkRunId(runId);
  const now = (options.clock ?? (() => new Date()))();
  const final = join(options.root, runId);
  const partial = `${final}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });

  const files: ArchiveFile[] = [];
  const counts: Record<string, number> = {};
  for (const table of [...DATA_TABLES.map((t) => t.table), ...BOOKKEEPING_TABLES]) {
    const name = `${table}.parquet`;
    const path = join(partial, name);
    const result = await db.all(`COPY (SELECT * FROM ${table}) TO ${sqlString(path)} (FORMAT PARQUET, COMPRESSION ZSTD)`);
    const rows = Number(Object.values(result[0] ?? {})[0] ?? 0);
    counts[table] = rows;
    files.push({ name, table, rows, bytes: statSync(path).size, sha256: sha256(path) });
  }
  const reportHtml = join(partial, 'report.html');
  await writeHtmlReport(db, reportHtml, parseFilters({}), { generatedAt: now });
  const reportGz = `${reportHtml}.gz`;
  writeFileSync(reportGz, gzipSync(readFileSync(reportHtml), { level: 9 }));
  rmSync(reportHtml);
  files.push({ name: 'report.html.gz', table: null, rows: null, bytes: statSync(reportGz).size, sha256: sha256(reportGz) });

  const validation = await validateDatabase(db);
  const runRows = await db.all('SELECT * FROM runs WHERE run_id = ?', [runId]);
  const run = runRows[0] ? jsonSafe(runRows[0]) as Record<string, unknown> : null;
  const manifest: ArchiveManifest = {
    format: 'convene-archive/1',
    runId,
    createdAt: now.toISOString(),
    run,
    config: parseJson(run?.['config']),
    counts,
    checksums: Object.fromEntries(Object.entries(validation.tables).map(([t, v]) => [t, v.checksum])),
    problems: validation.problems,
    files,
  };
  writeFileSync(join(partial, MANIFEST), JSON.stringify(manifest, null, 2) + '\n');
  rmSync(final, { recursive: true, force: true });
  renameSync(partial, final);
  return manifest;
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return value ?? null;
  try {
    return JSON.parse(value);
  } catch {
    return value;
  }
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, jsonSafe(v)]));
  return value;
}

function folderBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    total += e.isDirectory() ? folderBytes(p) : statSync(p).size;
  }
  return total;
}

/** Every archive under `root`, newest first; folders that are not whole archives come last, with a problem. */
export function listArchives(root: string): ArchiveEntry[] {
  if (!existsSync(root)) return [];
  const entries: ArchiveEntry[] = [];
  for (const e of readdirSync(root, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const path = join(root, e.name);
    const bytes = folderBytes(path);
    const manifestPath = join(path, MANIFEST);
    if (!existsSync(manifestPath)) {
      entries.push({ runId: e.name, path, createdAt: null, bytes, counts: {}, problem: e.name.endsWith('.partial') ? 'unfinished archive' : `no ${MANIFEST}` });
      continue;
    }
    try {
      const m = JSON.parse(readFileSync(manifestPath, 'utf8')) as ArchiveManifest;
      if (typeof m.runId !== 'string' || typeof m.createdAt !== 'string' || Number.isNaN(Date.parse(m.createdAt))) throw new Error('runId or createdAt missing');
      entries.push({ runId: m.runId, path, createdAt: m.createdAt, bytes, counts: m.counts ?? {} });
    } catch (err) {
      entries.push({ runId: e.name, path, createdAt: null, bytes, counts: {}, problem: `unreadable ${MANIFEST}: ${err instanceof Error ? err.message : String(err)}` });
    }
  }
  return entries.sort((a, b) => {
    if (a.createdAt === null || b.createdAt === null) return a.createdAt === null ? (b.createdAt === null ? a.runId.localeCompare(b.runId) : 1) : -1;
    return b.createdAt.localeCompare(a.createdAt) || b.runId.localeCompare(a.runId);
  });
}

/**
 * Which archives the retention keeps: an archive stays only if every rule given keeps it. The
 * count and age rules look at each archive alone; the size rule keeps the newest archives
 * while their running total fits. Folders that are not whole archives are left alone.
 */
export function planRetention(entries: readonly ArchiveEntry[], retention: Retention, now: Date): { keep: ArchiveEntry[]; remove: ArchiveEntry[] } {
  const keep: ArchiveEntry[] = [];
  const remove: ArchiveEntry[] = [];
  let total = 0;
  let count = 0;
  let full = false;
  for (const e of entries) {
    if (e.createdAt === null) continue;
    const age = now.getTime() - Date.parse(e.createdAt);
    const byCount = retention.keep === undefined || count < retention.keep;
    const byAge = retention.maxAgeMs === undefined || age <= retention.maxAgeMs;
    // Once an archive does not fit, no older one is kept either: the kept set is always the newest ones.
    if (retention.maxBytes !== undefined && total + e.bytes > retention.maxBytes) full = true;
    if (byCount && byAge && !full) {
      keep.push(e);
      count++;
      total += e.bytes;
    } else {
      remove.push(e);
    }
  }
  return { keep, remove };
}

export function pruneArchives(root: string, retention: Retention, options: { now?: Date; dryRun?: boolean } = {}): { keep: ArchiveEntry[]; remove: ArchiveEntry[] } {
  const plan = planRetention(listArchives(root), retention, options.now ?? new Date());
  if (!options.dryRun) for (const e of plan.remove) rmSync(e.path, { recursive: true, force: true });
  return plan;
}

export interface RestoreResult {
  runId: string;
  db: string;
  counts: Record<string, number>;
  /** Tables whose content checksum differs from the manifest's (empty when the restore is exact). */
  mismatches: string[];
}

/**
 * Rebuilds a database from an archive into a new file: checks every file's SHA-256, loads each
 * table, then compares the content checksums with the manifest's.
 */
export async function restoreArchive(root: string, runId: string, dbPath: string): Promise<RestoreResult> {
  checkRunId(runId);
  const dir = join(root, runId);
  const manifestPath = join(dir, MANIFEST);
  if (!existsSync(manifestPath)) throw new InputError('INPUT_NOT_FOUND', dir, `no archive of run ${runId} here (convene archive list shows what there is)`);
  if (existsSync(dbPath)) throw new ConveneError('CONFIG_INVALID', 'the database file exists; restore into a new file', { subject: dbPath });
  let manifest: ArchiveManifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as ArchiveManifest;
  } catch (err) {
    throw new InputError('INPUT_MALFORMED_JSON', manifestPath, 'the manifest is not valid JSON', err);
  }
  for (const f of manifest.files) {
    const path = join(dir, f.name);
    if (!existsSync(path)) throw new InputError('INPUT_NOT_FOUND', path, 'a file the manifest lists is missing');
    if (sha256(path) !== f.sha256) throw new InputError('INPUT_MALFORMED_RECORD', path, 'the file does not match its checksum in the manifest; the archive is damaged');
  }
  const db = await Database.open(dbPath);
  try {
    await migrate(db);
    const counts: Record<string, number> = {};
    await db.transaction(async () => {
      for (const f of manifest.files) {
        // schema_version is kept for the record; the migration above wrote this database's own.
        if (f.table === null || f.table === 'schema_version') continue;
        // BY NAME, so an archive of an older schema loads into a newer one.
        await db.run(`INSERT INTO ${f.table} BY NAME SELECT * FROM read_parquet(${sqlString(join(dir, f.name))})`);
        counts[f.table] = Number((await db.all(`SELECT count(*) AS n FROM ${f.table}`))[0]?.['n'] ?? 0);
      }
    });
    const validation = await validateDatabase(db);
    const mismatches = Object.entries(manifest.checksums)
      .filter(([table, checksum]) => validation.tables[table]?.checksum !== checksum)
      .map(([table]) => table);
    return { runId, db: dbPath, counts, mismatches };
  } finally {
    db.close();
  }
}

/**
 * The hook a run calls when it has finished: archive the run from the database file, then
 * apply the retention. Opens the file read-only, so call it after the run's sink is closed.
 */
export async function archiveRun(dbPath: string, runId: string, options: { root: string; retention?: Retention; clock?: () => Date }): Promise<{ manifest: ArchiveManifest; removed: ArchiveEntry[] }> {
  const db = await Database.open(dbPath, { readOnly: true });
  let manifest: ArchiveManifest;
  try {
    manifest = await createArchive(db, { root: options.root, runId, ...(options.clock ? { clock: options.clock } : {}) });
  } finally {
    db.close();
  }
  const removed = options.retention ? pruneArchives(options.root, options.retention, { now: (options.clock ?? (() => new Date()))() }).remove : [];
  return { manifest, removed };
}

/** '30d', '12h', '90m', '45s' or '2w' as milliseconds. */
export function parseDuration(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|m|h|d|w)$/i.exec(text.trim());
  if (!m) throw new ConveneError('CLI_USAGE', `'${text}' is not a duration; write e.g. 30d, 12h, 90m`);
  const unit = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2]!.toLowerCase() as 's' | 'm' | 'h' | 'd' | 'w'];
  return Math.round(Number(m[1]) * unit);
}

/** '500MB', '2GB', '750k' or a number of bytes, in powers of 1024. */
export function parseSize(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(b|k|kb|m|mb|g|gb|t|tb)?$/i.exec(text.trim());
  if (!m) throw new ConveneError('CLI_USAGE', `'${text}' is not a size; write e.g. 500MB or 2GB`);
  const unit = (m[2] ?? 'b').toLowerCase()[0] as 'b' | 'k' | 'm' | 'g' | 't';
  return Math.round(Number(m[1]) * { b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 }[unit]);
}
