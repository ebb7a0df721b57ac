/**
 * The one file that talks to the DuckDB binding. Everything else in convene goes through
 * `Database`: SQL with parameters, row objects in plain JS values, and bulk appends.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { DuckDBConnection, DuckDBInstance, timestampValue, type DuckDBAppender, type DuckDBPreparedStatement, type DuckDBResultReader, type DuckDBValue } from '@duckdb/node-api';
import { ConveneError, DatabaseError } from '../../core/errors.js';

export type SqlParam = string | number | boolean | null | bigint;
export type Row = Record<string, unknown>;

/** A value the appender writes: timestamps are given as `{ tsMillis }`. */
export type CellValue = string | number | boolean | null | bigint | { tsMillis: number };
export type ColumnType = 'VARCHAR' | 'JSON' | 'DOUBLE' | 'BIGINT' | 'INTEGER' | 'BOOLEAN' | 'TIMESTAMPTZ';

export interface OpenOptions {
  readOnly?: boolean;
  /** DuckDB memory_limit, e.g. '512MB'. */
  memoryLimit?: string;
  threads?: number;
  /** Other DuckDB settings by name, e.g. `{ allocator_flush_threshold: '16MB' }`. */
  settings?: Readonly<Record<string, string | number | boolean>>;
  /**
   * How long to keep trying while another process holds the file (a `convene serve` reading
   * it for one request holds it for milliseconds); then DB_LOCKED. Default 3000 ms.
   */
  lockWaitMs?: number;
}

/**
 * Which Database's transaction the current async call chain is inside of: statements issued
 * from within `transaction(work)` run at once, everyone else's wait for the transaction to end.
 */
const insideTransaction = new AsyncLocalStorage<Database>();

const PREPARED_MAX = 64;

export class Database {
  /**
   * One statement at a time on the shared connection. DuckDB connections are not safe for
   * concurrent use: a read issued while the sink appends a batch (parallel stages, the
   * intelligence paging stored messages) fails with "closed pending query result".
   */
  private tail: Promise<unknown> = Promise.resolve();
  /**
   * Statements with parameters, prepared once and bound again each time: the same few queries
   * run once per page or batch (stored messages, upserts, checkpoints). Newest last; the
   * oldest is dropped past PREPARED_MAX.
   */
  private readonly prepared = new Map<string, DuckDBPreparedStatement>();

  private constructor(
    readonly path: string,
    private readonly instance: DuckDBInstance,
    private readonly connection: DuckDBConnection,
  ) {}

  static async open(path: string, options: OpenOptions = {}): Promise<Database> {
    const config: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.settings ?? {})) config[name] = String(value);
    if (options.readOnly) config['access_mode'] = 'READ_ONLY';
    if (options.memoryLimit) config['memory_limit'] = options.memoryLimit;
    if (options.threads) config['threads'] = String(options.threads);
    let instance: DuckDBInstance | undefined;
    const deadline = Date.now() + (options.lockWaitMs ?? 3000);
    for (let wait = 50; instance === undefined; wait = Math.min(wait * 2, 400)) {
      try {
        instance = await DuckDBInstance.create(path, config);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (!/lock/i.test(message)) {
          const refused = await refusedSettings(options.settings ?? {});
          if (refused.length > 0) {
            throw new ConveneError('CONFIG_INVALID', `DuckDB refuses ${refused.map((r) => `duckdb.settings.${r.name} (${r.reason})`).join(', ')}`, { cause: err, subject: 'duckdb.settings' });
          }
          throw new DatabaseError('DB_OPEN_FAILED', `cannot open the database: ${firstLine(message)}`, err, path);
        }
        if (Date.now() + wait > deadline) throw new DatabaseError('DB_LOCKED', `the database is in use by another process (${firstLine(message)})`, err, path);
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
    const connection = await instance.connect();
    await connection.run("SET TimeZone = 'UTC'");
    return new Database(path, instance, connection);
  }

  /** Runs `work` when no other statement or transaction holds the connection. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    if (insideTransaction.getStore() === this) return work();
    const result = this.tail.then(work);
    this.tail = result.catch(() => undefined);
    return result;
  }

  /** Runs one statement; with parameters, through the prepared-statement cache. Call inside `exclusive`. */
  private async execute(sql: string, params: readonly SqlParam[]): Promise<DuckDBResultReader> {
    if (params.length === 0 || sql.includes(';')) return this.connection.runAndReadAll(sql, params.length ? (params as DuckDBValue[]) : undefined);
    let statement = this.prepared.get(sql);
    if (statement === undefined) {
      statement = await this.connection.prepare(sql);
      if (this.prepared.size >= PREPARED_MAX) {
        const [oldestSql, oldest] = this.prepared.entries().next().value!;
        oldest.destroySync();
        this.prepared.delete(oldestSql);
      }
    } else this.prepared.delete(sql);
    this.prepared.set(sql, statement);
    statement.bind(params as DuckDBValue[]);
    return statement.runAndReadAll();
  }

  run(sql: string, params: readonly SqlParam[] = []): Promise<void> {
    return this.exclusive(async () => {
      try {
        await this.execute(sql, params);
      } catch (err) {
        throw new DatabaseError('DB_QUERY_FAILED', firstLine(err instanceof Error ? err.message : String(err)), err);
      }
    });
  }

  /** Rows as objects of plain JS values (BIGINT as bigint, TIMESTAMPTZ as Date, JSON as string). */
  all(sql: string, params: readonly SqlParam[] = []): Promise<Row[]> {
    return this.exclusive(async () => {
      try {
        const reader = await this.execute(sql, params);
        return reader.getRowObjectsJS() as Row[];
      } catch (err) {
        throw new DatabaseError('DB_QUERY_FAILED', firstLine(err instanceof Error ? err.message : String(err)), err);
      }
    });
  }

  /** Rows with their column names in order, for printing. */
  table(sql: string, params: readonly SqlParam[] = []): Promise<{ columns: string[]; rows: Row[] }> {
    return this.exclusive(async () => {
      try {
        const reader = await this.execute(sql, params);
        return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() as Row[] };
      } catch (err) {
        throw new DatabaseError('DB_QUERY_FAILED', firstLine(err instanceof Error ? err.message : String(err)), err);
      }
    });
  }

  /**
   * Rows in chunks of about 2048 as they are produced, so a million-row export never holds
   * the whole result in memory. Values as in `all`. The stream has a connection of its own
   * (it sees committed data), so statements issued while it is open do not close it.
   */
  async *stream(sql: string, params: readonly SqlParam[] = []): AsyncGenerator<{ columns: string[]; rows: Row[] }> {
    const connection = await this.instance.connect();
    try {
      await connection.run("SET TimeZone = 'UTC'");
      let result;
      try {
        result = await connection.stream(sql, params.length ? (params as DuckDBValue[]) : undefined);
      } catch (err) {
        throw new DatabaseError('DB_QUERY_FAILED', firstLine(err instanceof Error ? err.message : String(err)), err);
      }
      const columns = result.columnNames();
      for await (const rows of result.yieldRowObjectJs()) yield { columns, rows: rows as Row[] };
    } finally {
      connection.closeSync();
    }
  }

  /** `work` holds the connection until it commits or rolls back: nothing else interleaves. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.exclusive(() =>
      insideTransaction.run(this, async () => {
        await this.run('BEGIN TRANSACTION');
        try {
          const result = await work();
          await this.run('COMMIT');
          return result;
        } catch (err) {
          await this.run('ROLLBACK').catch(() => undefined);
          throw err;
        }
      }),
    );
  }

  /** Bulk-append rows to a table through the DuckDB appender (never row-by-row INSERT). */
  append(table: string, types: readonly ColumnType[], rows: readonly (readonly CellValue[])[]): Promise<void> {
    return this.exclusive(async () => {
      let appender: DuckDBAppender | undefined;
      try {
        appender = await this.connection.createAppender(table);
        for (const row of rows) {
          for (let i = 0; i < types.length; i++) appendCell(appender, types[i]!, row[i] ?? null);
          appender.endRow();
        }
        appender.flushSync();
      } catch (err) {
        throw new DatabaseError('DB_WRITE_FAILED', `append to ${table} failed: ${firstLine(err instanceof Error ? err.message : String(err))}`, err);
      } finally {
        appender?.closeSync();
      }
    });
  }

  close(): void {
    for (const statement of this.prepared.values()) statement.destroySync();
    this.prepared.clear();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

function appendCell(appender: DuckDBAppender, type: ColumnType, value: CellValue): void {
  if (value === null) return appender.appendNull();
  switch (type) {
    case 'VARCHAR':
    case 'JSON':
      return appender.appendVarchar(String(value));
    case 'DOUBLE':
      return appender.appendDouble(Number(value));
    case 'BIGINT':
      return appender.appendBigInt(typeof value === 'bigint' ? value : BigInt(Math.trunc(Number(value))));
    case 'INTEGER':
      return appender.appendInteger(Number(value));
    case 'BOOLEAN':
      return appender.appendBoolean(Boolean(value));
    case 'TIMESTAMPTZ': {
      const ms = typeof value === 'object' ? value.tsMillis : Number(value);
      // Appended as a plain TIMESTAMP (the same microseconds since the epoch, cast on the way in
      // with the connection's UTC zone): the binding's TIMESTAMPTZ append builds a boxed value per cell.
      return appender.appendTimestamp(timestampValue(BigInt(Math.trunc(ms)) * 1000n));
    }
  }
}

/**
 * Which of these settings DuckDB refuses, each tried alone on an in-memory database: its
 * answer to a bad value names no setting ("Failed to set config").
 */
async function refusedSettings(settings: Readonly<Record<string, string | number | boolean>>): Promise<Array<{ name: string; reason: string }>> {
  const refused: Array<{ name: string; reason: string }> = [];
  for (const [name, value] of Object.entries(settings)) {
    try {
      (await DuckDBInstance.create(':memory:', { [name]: String(value) })).closeSync();
    } catch (err) {
      refused.push({ name, reason: firstLine(err instanceof Error ? err.message : String(err)) });
    }
  }
  return refused;
}

function firstLine(s: string): string {
  return s.split('\n')[0] ?? s;
}
