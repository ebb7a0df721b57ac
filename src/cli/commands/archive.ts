/**
 * `convene archive create|list|prune|restore`: each run's tables (zstd Parquet), report and
 * manifest under `<dir>/<run-id>/`, retention by count, age and total size, and restoring a
 * database from an archive with its checksums checked.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { dbOption, number } from '../options.js';
import { openForReading } from './meetings.js';
import type { RegisterCommand } from './registry.js';

export const DEFAULT_ARCHIVE_DIR = 'archive';

const print = (line: string): void => void process.stdout.write(line + '\n');

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export async function runArchiveCreate(opts: { db: string; dir: string; run?: string }): Promise<number> {
  const { createArchive } = await import('../../sinks/archive/archive.js');
  const db = await openForReading(opts.db);
  try {
    const m = await createArchive(db, { root: resolve(opts.dir), ...(opts.run ? { runId: opts.run } : {}) });
    const bytes = m.files.reduce((a, f) => a + f.bytes, 0);
    print(`archived run ${m.runId} to ${resolve(opts.dir, m.runId)}: ${m.files.length} files, ${mb(bytes)}; ${m.problems.length === 0 ? 'validation passed' : `${m.problems.length} validation problems`}`);
    return 0;
  } finally {
    db.close();
  }
}

export async function runArchiveList(opts: { dir: string; json?: boolean }): Promise<number> {
  const { listArchives } = await import('../../sinks/archive/archive.js');
  const entries = listArchives(resolve(opts.dir));
  if (opts.json) {
    print(JSON.stringify(entries, null, 2));
    return 0;
  }
  if (entries.length === 0) print(`no archives in ${resolve(opts.dir)}`);
  for (const e of entries) {
    const what = e.problem ? `(${e.problem})` : `${e.counts['meetings'] ?? 0} meetings, ${e.counts['messages'] ?? 0} messages`;
    print(`${e.runId.padEnd(34)} ${(e.createdAt ?? '-').padEnd(24)} ${mb(e.bytes).padStart(10)}  ${what}`);
  }
  return 0;
}

export async function runArchivePrune(opts: { dir: string; keep?: number; maxAge?: string; maxSize?: string; dryRun?: boolean }): Promise<number> {
  const { parseDuration, parseSize, pruneArchives } = await import('../../sinks/archive/archive.js');
  if (opts.keep === undefined && opts.maxAge === undefined && opts.maxSize === undefined) {
    const { UsageError } = await import('../../core/errors.js');
    throw new UsageError('give at least one of --keep, --max-age, --max-size');
  }
  const plan = pruneArchives(
    resolve(opts.dir),
    { keep: opts.keep, maxAgeMs: opts.maxAge === undefined ? undefined : parseDuration(opts.maxAge), maxBytes: opts.maxSize === undefined ? undefined : parseSize(opts.maxSize) },
    { dryRun: Boolean(opts.dryRun) },
  );
  for (const e of plan.remove) print(`${opts.dryRun ? 'would remove' : 'removed'} ${e.runId} (${e.createdAt}, ${mb(e.bytes)})`);
  print(`kept ${plan.keep.length} archives (${mb(plan.keep.reduce((a, e) => a + e.bytes, 0))}), ${opts.dryRun ? 'would remove' : 'removed'} ${plan.remove.length}`);
  return 0;
}

export async function runArchiveRestore(runId: string, opts: { dir: string; db: string }): Promise<number> {
  const { restoreArchive } = await import('../../sinks/archive/archive.js');
  const r = await restoreArchive(resolve(opts.dir), runId, resolve(opts.db));
  const rows = Object.entries(r.counts).filter(([, n]) => n > 0).map(([t, n]) => `${n} ${t}`).join(', ');
  print(`restored run ${r.runId} into ${r.db}: ${rows || 'no rows'}`);
  if (r.mismatches.length === 0) {
    print('checksums match the manifest');
    return 0;
  }
  print(`checksums differ from the manifest for: ${r.mismatches.join(', ')}`);
  return 1;
}

function dirOption(cmd: Command): Command {
  return cmd.option('--dir <dir>', 'the archive folder', DEFAULT_ARCHIVE_DIR);
}

export const archiveCommand: RegisterCommand = (program, exit) => {
  const archive = program.command('archive').description('archives of runs: create, list, prune (retention) and restore');
  const sub = (name: string): Command => archive.command(name).exitOverride().showHelpAfterError('(run with --help for usage)').allowExcessArguments(false);
  dirOption(sub('create').description('archive a run of the database (default: the newest) as Parquet, report and manifest'))
    .addOption(dbOption())
    .option('--run <run-id>', 'the run to name the archive after')
    .action(async (opts) => {
      exit.code = await runArchiveCreate(opts);
    });
  dirOption(sub('list').description('list archives, newest first'))
    .option('--json', 'print one JSON array')
    .action(async (opts) => {
      exit.code = await runArchiveList(opts);
    });
  dirOption(sub('prune').description('remove archives beyond the retention; an archive stays only if every rule given keeps it'))
    .option('--keep <n>', 'keep at most this many archives, newest first', number('--keep', true))
    .option('--max-age <age>', 'remove archives older than this, e.g. 30d, 12h')
    .option('--max-size <size>', 'keep the newest archives that together fit in this size, e.g. 2GB')
    .option('--dry-run', 'print what would be removed, remove nothing')
    .action(async (opts) => {
      exit.code = await runArchivePrune(opts);
    });
  dirOption(sub('restore').description('rebuild a database from an archive into a new file and check its checksums'))
    .argument('<run-id>', 'the archive to restore')
    .requiredOption('--db <file>', 'the new database file to create')
    .action(async (runId, opts) => {
      exit.code = await runArchiveRestore(runId, opts);
    });
};
