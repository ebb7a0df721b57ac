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
export const DEFAULT_MERGE_ROWS = 50_000;

export const DuckdbSinkConfig = z.object({
  /** The database file; ':memory:' for a throw-away database. */
  path: z.string().min(1),
});
export type DuckdbSinkConfig = z.infer<typeof DuckdbSinkConfig>;

export class DuckdbSink implements Sink {
  private readonly staged = new Set<string>();
  /** Tables with rows staged since the last merge. */
  private readonly pending = new Set<TableSpec>();
  private pendingRows = 0;
  private pendingProblems: InputProblem[] = [];
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
      if (this.pendingRows > 0 || this.pendingProblems.length > 0) await this.merge();
    });
  }

  private async writeNow(batch: readonly Envelope[], checkpoint?: Checkpoint): Promise<void> {
    if (this.closed) throw new Error('write after close');
    if (batch.length === 0 && checkpoint === undefined) return;
    await this.database();
    const byTable = new Map<TableSpec, Envelope[]>();
    for (const e of batch) {
      if (e.kind === 'problem') {
        this.pendingProblems.push(e.payload as InputProblem);
        continue;
      }
      const spec = tableForKind(e.kind);
      if (!spec) throw new Error(`no table stores records of kind '${e.kind}'`);
      let list = byTable.get(spec);
      if (!list) byTable.set(spec, (list = []));
      list.push(e);
    }
    try {
      for (const [spec, envelopes] of byTable) {
        await this.stage(spec, envelopes);
        this.pending.add(spec);
        this.pendingRows += envelopes.length;
      }
    } catch (err) {
      // A half-staged batch must not be merged by a later write: everything since the last
      // merge goes, as in a crash; the last checkpoint says where a resumed run reads it again.
      await this.discardStaged();
      throw err;
    }
    if (checkpoint || this.pendingRows >= this.mergeRows) await this.merge(checkpoint);
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
    for (const spec of this.pending) await this.db.run(`DELETE FROM ${stageName(spec)}`);
    this.pending.clear();
    this.pendingRows = 0;
    this.pendingProblems = [];
    this.seq = 0;
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
      // Rows staged before the clear belong before it.
      if (this.pendingRows > 0 || this.pendingProblems.length > 0) await this.merge();
      await this.db.transaction(() => recordAndDeleteAll(this.db, spec, this.runId));
    });
    this.withRows.delete(table);
  }

  private async stage(spec: TableSpec, envelopes: readonly Envelope[]): Promise<void> {
    const stage = stageName(spec);
    if (!this.staged.has(stage)) {
      // Columns in spec order, as the appender writes them: a column added to an older database lands after origin and run_id.
      const cols = storedColumns(spec);
      await this.db.run(`CREATE OR REPLACE TEMP TABLE ${stage} AS SELECT ${cols}, 0::BIGINT AS seq FROM ${spec.table} LIMIT 0`);
      this.staged.add(stage);
    }
    const types: ColumnType[] = [...spec.columns.map((c) => c.type), 'VARCHAR', 'VARCHAR', 'BIGINT'];
    const rows: CellValue[][] = envelopes.map((e) => {
      const row: CellValue[] = spec.columns.map((c) => c.get(e.payload as never));
      row.push(e.origin, this.runId, this.seq++);
      return row;
    });
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

