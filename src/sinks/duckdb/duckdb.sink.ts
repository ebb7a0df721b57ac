/**
 * The DuckDB sink: makes batches of envelopes durable in a convene database.
 *
 * A batch is appended to per-table staging tables through the DuckDB appender, then merged
 * into the real tables with INSERT OR REPLACE by primary key inside one transaction, so a
 * record delivered twice is stored once and a batch is either wholly committed or not at all.
 * `problem` envelopes go to the input_problems bookkeeping table.
 */
import { z } from 'zod';
import type { Checkpoint, ComponentContext, Sink, SinkDef } from '../../core/component.js';
import { saveCheckpoint } from './checkpoints.js';
import { addMissingHistoryColumns, recordAndDeleteAll, recordReplaced, tablesWithRows } from './history.js';
import type { Envelope } from '../../core/envelope.js';
import type { InputProblem } from '../../core/records.js';
import { Database, type CellValue, type ColumnType } from './database.js';
import { DATA_TABLES, migrate, PROVENANCE_COLUMNS, tableForKind, type TableSpec } from './schema.js';

export const DuckdbSinkConfig = z.object({
  /** The database file; ':memory:' for a throw-away database. */
  path: z.string().min(1),
});
export type DuckdbSinkConfig = z.infer<typeof DuckdbSinkConfig>;

export class DuckdbSink implements Sink {
  private readonly staged = new Set<string>();
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

  /** Writes are serialised: stages running in parallel share one connection and its transactions. */
  write(batch: readonly Envelope[], checkpoint?: Checkpoint): Promise<void> {
    const next = this.queue.then(() => this.writeNow(batch, checkpoint));
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async writeNow(batch: readonly Envelope[], checkpoint?: Checkpoint): Promise<void> {
    if (this.closed) throw new Error('write after close');
    if (batch.length === 0 && checkpoint === undefined) return;
    await this.database();
    const byTable = new Map<TableSpec, Envelope[]>();
    const problems: InputProblem[] = [];
    for (const e of batch) {
      if (e.kind === 'problem') {
        problems.push(e.payload as InputProblem);
        continue;
      }
      const spec = tableForKind(e.kind);
      if (!spec) throw new Error(`no table stores records of kind '${e.kind}'`);
      let list = byTable.get(spec);
      if (!list) byTable.set(spec, (list = []));
      list.push(e);
    }
    for (const [spec, envelopes] of byTable) await this.stage(spec, envelopes);
    await this.db.transaction(async () => {
      for (const spec of byTable.keys()) {
        const stage = stageName(spec);
        const cols = storedColumns(spec);
        if (this.withRows.has(spec.table)) await recordReplaced(this.db, spec, stage, this.runId);
        // The last delivery of a key within the batch wins, as it would across batches.
        await this.db.run(
          `INSERT OR REPLACE INTO ${spec.table} (${cols}) SELECT ${cols} FROM ${stage} ` +
            `QUALIFY row_number() OVER (PARTITION BY ${spec.primaryKey.join(', ')} ORDER BY seq DESC) = 1`,
        );
        await this.db.run(`DELETE FROM ${stage}`);
      }
      if (problems.length > 0) await this.writeProblems(problems);
      if (checkpoint) await saveCheckpoint(this.db, checkpoint, this.runId);
    });
  }

  /**
   * Deletes every row of a table (derived records about to be derived again), keeping the
   * rows earlier runs wrote in the history, so a rollback of this run brings them back.
   */
  async clearTable(table: string): Promise<void> {
    await this.database();
    const spec = DATA_TABLES.find((t) => t.table === table);
    if (!spec) throw new Error(`no data table '${table}'`);
    const q = this.queue.then(() => this.db.transaction(() => recordAndDeleteAll(this.db, spec, this.runId)));
    this.queue = q.catch(() => undefined);
    await q;
    this.withRows.delete(table);
  }

  private async stage(spec: TableSpec, envelopes: readonly Envelope[]): Promise<void> {
    const stage = stageName(spec);
    if (!this.staged.has(stage)) {
      // Columns in spec order, as the appender writes them: a column added to an older database lands after origin and run_id.
      const cols = storedColumns(spec);
      await this.db.run(`CREATE OR REPLACE TEMP TABLE ${stage} AS SELECT ${cols}, 0::BIGINT AS seq FROM ${spec.table} LIMIT 0`);
      this.staged.add(stage);
    } else {
      // Left over only when an earlier batch failed: those rows were not committed and must not be now.
      await this.db.run(`DELETE FROM ${stage}`);
    }
    const types: ColumnType[] = [...spec.columns.map((c) => c.type), 'VARCHAR', 'VARCHAR', 'BIGINT'];
    const rows: CellValue[][] = envelopes.map((e, i) => {
      const row: CellValue[] = spec.columns.map((c) => c.get(e.payload as never));
      row.push(e.origin, this.runId, i);
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
  summary: 'Stores every record in a DuckDB file, upserted by key, one transaction per batch',
  config: DuckdbSinkConfig,
  create(config: DuckdbSinkConfig, ctx: ComponentContext): DuckdbSink {
    return new DuckdbSink(config.path, ctx.runId);
  },
};

