/**
 * How the server reaches the database without ever being a second writer.
 *
 * - A run in this process (`run --serve`, `watch`) lends its open Database: reads share the
 *   writer's connection (statements are serialised there) and see its committed batches.
 * - Otherwise each request opens the file read-only and closes it when it answers, so a run
 *   that starts later finds the file free.
 * - While another process writes the file, opening it fails (DuckDB allows one writer and no
 *   readers beside it); its `<db>.live.json` then tells who writes and, if that process serves
 *   too, where: the app forwards API requests there (see app.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConveneError } from '../core/errors.js';
import { Database } from '../sinks/duckdb/database.js';
import { liveFilePath, liveStatus, type LiveFile } from '../runtime/telemetry/live-status.js';
import { RequestError } from './params.js';

/** The file is held by another process that writes it. */
export class WriterBusyError extends RequestError {
  constructor(readonly live: LiveFile | null) {
    super(
      503,
      live?.run
        ? `the database is being written by ${live.run.command} ${live.run.runId} (pid ${live.pid}); its data can be browsed here when it ends, or while it runs if it was started with --serve`
        : 'the database is held by another process that writes it; try again when it ends',
    );
    this.name = 'WriterBusyError';
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists, under another user.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live file of the process writing `dbPath`, if that process still runs. */
export function readLiveFile(dbPath: string): LiveFile | null {
  const path = liveFilePath(resolve(dbPath));
  if (!existsSync(path)) return null;
  try {
    const file = JSON.parse(readFileSync(path, 'utf8')) as LiveFile;
    if (typeof file.pid !== 'number' || file.pid === process.pid || !pidAlive(file.pid)) return null;
    return file;
  } catch {
    // Half-written or removed between the check and the read: as if absent.
    return null;
  }
}

export class DbAccess {
  readonly dbPath: string;
  private exportTail: Promise<unknown> = Promise.resolve();

  constructor(dbPath: string) {
    this.dbPath = resolve(dbPath);
  }

  exists(): boolean {
    return existsSync(this.dbPath);
  }

  /** Runs `work` on the database (borrowed from a run in this process, or opened read-only). */
  read<T>(work: (db: Database) => Promise<T>): Promise<T> {
    return this.use(true, work);
  }

  /** Runs `work` with the database open for writing (breaker overrides), briefly. */
  write<T>(work: (db: Database) => Promise<T>): Promise<T> {
    return this.use(false, work);
  }

  private async use<T>(readOnly: boolean, work: (db: Database) => Promise<T>): Promise<T> {
    const borrowed = liveStatus.borrowDatabase(this.dbPath);
    if (borrowed) {
      try {
        return await work(borrowed);
      } finally {
        liveStatus.releaseDatabase();
      }
    }
    return this.open(readOnly, work);
  }

  /** Exports share one temporary table name on a connection: one at a time. */
  exclusiveExport<T>(work: () => Promise<T>): Promise<T> {
    const result = this.exportTail.then(work);
    this.exportTail = result.catch(() => undefined);
    return result;
  }

  private async open<T>(readOnly: boolean, work: (db: Database) => Promise<T>): Promise<T> {
    if (!this.exists()) throw new RequestError(404, `no database at ${this.dbPath}; run \`convene replay\` or \`convene run\` first, or pass --db`);
    let db: Database;
    try {
      db = await Database.open(this.dbPath, { readOnly });
    } catch (err) {
      if (err instanceof ConveneError && err.code === 'DB_LOCKED') throw new WriterBusyError(readLiveFile(this.dbPath));
      throw err;
    }
    try {
      return await work(db);
    } finally {
      db.close();
    }
  }
}

/** Whether a table exists (tables added by later migrations: errors, breakers). */
export async function hasTable(db: Database, table: string): Promise<boolean> {
  const rows = await db.all(`SELECT 1 FROM information_schema.tables WHERE table_name = ? LIMIT 1`, [table]);
  return rows.length > 0;
}
