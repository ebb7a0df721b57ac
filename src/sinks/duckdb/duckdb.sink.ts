/**
 * The DuckDB sink: makes batches of envelopes durable in a convene database.
 *
 * Batches are appended to per-table staging tables through the DuckDB appender as they come;
 * the staged rows are merged into the real tables with INSERT OR REPLACE by primary key in one
 * transaction when a write carries a checkpoint, when `flush()` is called, or when more than
 * `mergeRows` rows are staged. So a record delivered twice is stored once, a checkpoint is
 * committed together with everything read before it, and the cost of a merge (the window over
 * the staged keys, the index lookups, the commit) is paid once per tens of thousands of rows
 * instead of once per batch. `problem` envelopes go to the input_problems bookkeeping table
 * with the same merge.
 */
import { z } from 'zod';
import type { Checkpoint, ComponentContext, Sink, SinkDef } from '../../core/component.js';
import { saveCheckpoint } from './checkpoints.js';
import { addMissingHistoryColumns, recordAndDeleteAll, recordReplaced, tablesWithRows } from './history.js';
import type { Envelope } from '../../core/envelope.js';
import type { InputProblem } from '../../core/records.js';
import { Database, type CellValue, type ColumnType } from './database.js';
import { DATA_TABLES, migrate, PROVENANCE_COLUMNS, tableForKind, type TableSpec } from './schema.js';

/** Rows staged before the sink merges them without being asked (config `duckdb.mergeRows`). */
export const DEFAULT_MERGE_ROWS = 20_000;

export const DuckdbSinkConfig = z.object({
  /** The database file; ':memory:' for a throw-away database. */
  path: z.string().min(1),
});
export type DuckdbSinkConfig = z.infer<typeof DuckdbSinkConfig>;

interface HeldRows {
  readonly spec: TableSpec;
  readonly rows: CellValue[][];
}

export class DuckdbSink implements Sink {
  private readonly staged = new Set<string>();
  /** Tables with rows staged since the last merge. */
  private readonly pending = new Set<TableSpec>();
  private pendingRows = 0;
  private pendingProblems: InputProblem[] = [];
  /**
   * Rows taken while the database was busy (a merge committing), appended to the staging
   * tables once it is free: the pipeline goes on reading while DuckDB merges.
   */
  private held: HeldRows[] = [];
  private heldRows = 0;
  private heldProblems: InputProblem[] = [];
  /** A merge was asked for (a checkpoint, `flush()`, or `mergeRows` reached) and is not done yet; with the latest checkpoint to commit. */
  private mergeWanted = false;
  private mergeCheckpoint: Checkpoint | undefined;
  /** The background work that appends held rows and merges; null when idle. */
  private draining: Promise<void> | null = null;
  /** A background merge failed: the next write or flush reports it. */
  private failure: unknown = null;
  /** Orders deliveries of the same key across the batches of one merge: the last one wins. */
  private seq = 0;
  private problemSeq = 0;
  private closed = false;
  private opening: Promise<Database> | undefined;
  private db!: Database;
  /** Tables that held rows when the sink opened: the rows this run replaces there go to the history first. */
  private withRows = new Set<string>();

  /**
   * Nothing is opened until the first write (or `database()`). Given a `Database`, the sink
   * writes to it and leaves closing it to the caller; given a path, it opens, migrates and
   * closes the file itself.
   */
  constructor(
    private readonly target: string | Database,
    private readonly runId: string,
    private readonly mergeRows: number = DEFAULT_MERGE_ROWS,
  ) {}

  /** The open, migrated database this sink writes to. */
  database(): Promise<Database> {
    this.opening ??= (async () => {
      const db = typeof this.target === 'string' ? await Database.open(this.target) : this.target;
      await migrate(db);
      await addMissingHistoryColumns(db);
      this.withRows = await tablesWithRows(db);
      this.db = db;
      return db;
    })();
    return this.opening;
  }

  private queue: Promise<unknown> = Promise.resolve();

  /** Runs `work` after every earlier write: stages running in parallel share one connection and its transactions. */
  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  write(batch: readonly Envelope[], checkpoint?: Checkpoint): Promise<void> {
    return this.serial(() => this.writeNow(batch, checkpoint));
  }

  flush(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) throw new Error('flush after close');
      await this.mergeAll();
    });
  }

  /** Resolves once what was taken so far is staged and every merge asked for is done (no new merge is asked for). */
  async settled(): Promise<void> {
    await this.queue;
    await this.drain();
    this.throwFailure();
  }

  /** Stages and merges everything taken so far; reports a background failure. Call inside `serial`. */
  private async mergeAll(): Promise<void> {
    this.throwFailure();
    // Rows may be on their way into the staging tables (held no more, not counted yet): ask for a merge whatever the counts say.
    this.mergeWanted = true;
    await this.drain();
    this.throwFailure();
  }

  private throwFailure(): void {
    if (this.failure === null) return;
    const failure = this.failure;
    this.failure = null;
    throw failure;
  }

  private async writeNow(batch: readonly Envelope[], checkpoint?: Checkpoint): Promise<void> {
    if (this.closed) throw new Error('write after close');
    this.throwFailure();
    if (batch.length === 0 && checkpoint === undefined) return;
    await this.database();
    // One merge per checkpoint, so checkpoints keep their configured spacing: a checkpoint that
    // comes while the previous one is still committing waits for it (rarely: a merge takes a
    // fraction of the time the records between two checkpoints take to process).
    if (checkpoint && this.draining) {
      await this.draining;
      this.throwFailure();
    }
    const byTable = new Map<TableSpec, Envelope[]>();
    for (const e of batch) {
      if (e.kind === 'problem') {
        this.heldProblems.push(e.payload as InputProblem);
        continue;
      }
      const spec = tableForKind(e.kind);
      if (!spec) throw new Error(`no table stores records of kind '${e.kind}'`);
      let list = byTable.get(spec);
      if (!list) byTable.set(spec, (list = []));
      list.push(e);
    }
    for (const [spec, envelopes] of byTable) {
      this.held.push({ spec, rows: this.rowsOf(spec, envelopes) });
      this.heldRows += envelopes.length;
    }
    if (checkpoint) {
      this.mergeWanted = true;
      this.mergeCheckpoint = checkpoint;
    } else if (this.pendingRows + this.heldRows >= this.mergeRows) {
      this.mergeWanted = true;
    }
    const drained = this.drain();
    // A stage's last checkpoint is waited for; so is a backlog of held rows (memory stays bounded).
    if (checkpoint?.complete || this.heldRows >= this.mergeRows) {
      await drained;
      this.throwFailure();
    } else {
      // Every write leaves its rows to the background (staging them is itself a database call).
      // The pipeline's work between two writes may never give the event loop a turn (its
      // promises settle as microtasks), and the database's answers arrive through the loop:
      // give it one, so the background work advances batch by batch.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
  }

  /**
   * Appends the held rows to the staging tables and merges when a merge is wanted, in the
   * background, until nothing is left; one run at a time.
   */
  private drain(): Promise<void> {
    this.draining ??= (async () => {
      // Yield once, so that `draining` is set before a round that has nothing to await ends and clears it.
      await undefined;
      try {
        while (this.failure === null && (this.held.length > 0 || this.heldProblems.length > 0 || this.mergeWanted)) {
          // What was taken up to now, with the merge and checkpoint asked for by then: rows taken
          // while this is staged and merged wait for the next round, so a checkpoint is never
          // committed without the rows before it.
          const held = this.held;
          const merging = this.mergeWanted;
          const checkpoint = this.mergeCheckpoint;
          this.held = [];
          // Counted as staged from now on, so that a write meanwhile sees them towards `mergeRows`.
          this.pendingRows += this.heldRows;
          this.heldRows = 0;
          this.pendingProblems.push(...this.heldProblems);
          this.heldProblems = [];
          this.mergeWanted = false;
          this.mergeCheckpoint = undefined;
          try {
            for (const { spec, rows } of held) {
              await this.stage(spec, rows);
              this.pending.add(spec);
            }
          } catch (err) {
            // A half-staged batch must not be merged by a later write: everything since the last
            // merge goes, as in a crash; the last checkpoint says where a resumed run reads it again.
            await this.discardStaged();
            throw err;
          }
          if (merging && (checkpoint || this.pendingRows > 0 || this.pendingProblems.length > 0)) await this.merge(checkpoint);
        }
      } catch (err) {
        this.failure = err;
        // What came after the failure is not merged either; the last checkpoint covers it.
        this.held = [];
        this.heldRows = 0;
        this.heldProblems = [];
        this.mergeWanted = false;
        this.mergeCheckpoint = undefined;
      } finally {
        this.draining = null;
      }
    })();
    return this.draining;
  }

  /** Moves every staged row into its table, with the problems and the checkpoint, in one transaction. */
  private async merge(checkpoint?: Checkpoint): Promise<void> {
    const problems = this.pendingProblems;
    try {
      await this.db.transaction(async () => {
        for (const spec of this.pending) {
          const stage = stageName(spec);
          const cols = storedColumns(spec);
          if (this.withRows.has(spec.table)) await recordReplaced(this.db, spec, stage, this.runId);
          // The last delivery of a key wins, within a batch and across the batches staged.
          await this.db.run(
            `INSERT OR REPLACE INTO ${spec.table} (${cols}) SELECT ${cols} FROM ${stage} ` +
              `QUALIFY row_number() OVER (PARTITION BY ${spec.primaryKey.join(', ')} ORDER BY seq DESC) = 1`,
          );
        }
        if (problems.length > 0) await this.writeProblems(problems);
        if (checkpoint) await saveCheckpoint(this.db, checkpoint, this.runId);
      });
    } finally {
      // Merged or not, the staged rows go: after a failure they were not committed, and the
      // checkpoint before them says where a resumed run reads them again.
      await this.discardStaged();
    }
  }

  private async discardStaged(): Promise<void> {
    // Dropped, not emptied: emptied by DELETE after every merge, the staging tables kept the
    // memory of the rows they had held (DuckDB's IN_MEMORY_TABLE rose to 200 MB in a scale-1
    // replay, where it stays under 70 MB with the tables dropped).
    for (const spec of this.pending) {
      await this.db.run(`DROP TABLE IF EXISTS ${stageName(spec)}`);
      this.staged.delete(stageName(spec));
    }
    this.pending.clear();
    this.pendingRows = 0;
    this.pendingProblems = [];
  }

  /**
   * Deletes every row of a table (derived records about to be derived again), keeping the
   * rows earlier runs wrote in the history, so a rollback of this run brings them back.
   */
  async clearTable(table: string): Promise<void> {
    await this.database();
    const spec = DATA_TABLES.find((t) => t.table === table);
    if (!spec) throw new Error(`no data table '${table}'`);
    await this.serial(async () => {
      // Rows taken before the clear belong before it.
      await this.mergeAll();
      await this.db.transaction(() => recordAndDeleteAll(this.db, spec, this.runId));
    });
    this.withRows.delete(table);
  }

  /** A batch's rows as the appender writes them, numbered in the order taken (`seq`). */
  private rowsOf(spec: TableSpec, envelopes: readonly Envelope[]): CellValue[][] {
    return envelopes.map((e) => {
      const row: CellValue[] = spec.columns.map((c) => c.get(e.payload as never));
      row.push(e.origin, this.runId, this.seq++);
      return row;
    });
  }

  private async stage(spec: TableSpec, rows: CellValue[][]): Promise<void> {
    const stage = stageName(spec);
    if (!this.staged.has(stage)) {
      // Columns in spec order, as the appender writes them: a column added to an older database lands after origin and run_id.
      const cols = storedColumns(spec);
      await this.db.run(`CREATE OR REPLACE TEMP TABLE ${stage} AS SELECT ${cols}, 0::BIGINT AS seq FROM ${spec.table} LIMIT 0`);
      this.staged.add(stage);
    }
    const types: ColumnType[] = [...spec.columns.map((c) => c.type), 'VARCHAR', 'VARCHAR', 'BIGINT'];
    await this.db.append(stage, types, rows);
  }

  private async writeProblems(problems: readonly InputProblem[]): Promise<void> {
    const rows = problems.map((p) => [this.runId, this.problemSeq++, p.code, p.source, p.file, p.entry, p.message] as CellValue[]);
    await this.db.append('input_problems', ['VARCHAR', 'BIGINT', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR', 'VARCHAR'], rows);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (!this.opening) return;
    await this.opening;
    // What is still being merged finishes or fails on its own; what was not flushed is dropped.
    this.held = [];
    this.heldRows = 0;
    this.heldProblems = [];
    this.mergeWanted = false;
    await this.draining?.catch(() => undefined);
    for (const stage of this.staged) await this.db.run(`DROP TABLE IF EXISTS ${stage}`).catch(() => undefined);
    if (typeof this.target === 'string') this.db.close();
  }
}

/** A table's columns in the order the appender writes them: content, then provenance. */
function storedColumns(spec: TableSpec): string {
  return [...spec.columns.map((c) => c.name), ...PROVENANCE_COLUMNS].join(', ');
}

function stageName(spec: TableSpec): string {
  return `stage_${spec.table}`;
}

export const duckdbSink: SinkDef<DuckdbSinkConfig> = {
  type: 'duckdb',
  summary: 'Stores every record in a DuckDB file, upserted by key, staged batches merged in one transaction with their checkpoint',
  config: DuckdbSinkConfig,
  create(config: DuckdbSinkConfig, ctx: ComponentContext): DuckdbSink {
    return new DuckdbSink(config.path, ctx.runId);
  },
};

