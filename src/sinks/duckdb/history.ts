/**
 * The history of replaced rows, which lets `convene rollback` undo a run.
 *
 * Every data table has a twin, `history_<table>`: the same columns (all nullable), its
 * provenance, and `replaced_by`, the run that overwrote or deleted the row. A run records a
 * row's previous version there, in the transaction that replaces it, the first time it
 * touches the row (rows it wrote itself are not recorded again). Rolling the run back puts
 * those versions back and deletes the rows it wrote: the tables are as before the run.
 *
 * A table that held no rows when the run opened the database has nothing to record, so a
 * first replay pays nothing for this; later runs pay a key join per batch.
 */
import type { Database } from './database.js';
import { createHistoryTable, DATA_TABLES, PROVENANCE_COLUMNS, type TableSpec } from './schema.js';

export function historyTable(spec: TableSpec): string {
  return `history_${spec.table}`;
}

function columnsOf(spec: TableSpec): string[] {
  return [...spec.columns.map((c) => c.name), ...PROVENANCE_COLUMNS];
}

/** Adds to the history tables the columns their data tables gained after they were created. */
export async function addMissingHistoryColumns(db: Database): Promise<void> {
  const rows = await db.all("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_catalog = current_database() AND table_name LIKE 'history_%'");
  const present = new Set(rows.map((r) => `${String(r['table_name'])}.${String(r['column_name'])}`));
  for (const spec of DATA_TABLES) {
    const table = historyTable(spec);
    if (!rows.some((r) => r['table_name'] === table)) {
      await db.run(createHistoryTable(spec));
      continue;
    }
    for (const c of spec.columns) if (!present.has(`${table}.${c.name}`)) await db.run(`ALTER TABLE ${table} ADD COLUMN ${c.name} ${c.type}`);
  }
}

/** The data tables holding rows now: only those can have rows a run replaces. */
export async function tablesWithRows(db: Database): Promise<Set<string>> {
  const out = new Set<string>();
  for (const spec of DATA_TABLES) {
    const r = await db.all(`SELECT EXISTS (SELECT 1 FROM ${spec.table}) AS any`);
    if (r[0]?.['any'] === true) out.add(spec.table);
  }
  return out;
}

/**
 * Records the rows of `spec.table` that `staged` (a table of incoming rows) is about to
 * replace, unless `runId` wrote them. Call inside the transaction that replaces them.
 */
export async function recordReplaced(db: Database, spec: TableSpec, staged: string, runId: string): Promise<void> {
  const cols = columnsOf(spec);
  const on = spec.primaryKey.map((k) => `t.${k} = s.${k}`).join(' AND ');
  await db.run(
    `INSERT INTO ${historyTable(spec)} (${cols.join(', ')}, replaced_by)
     SELECT ${cols.map((c) => `t.${c}`).join(', ')}, ? FROM ${spec.table} t SEMI JOIN ${staged} s ON ${on} WHERE t.run_id IS DISTINCT FROM ?`,
    [runId, runId],
  );
}

/** Deletes every row of a table, keeping in the history those `runId` did not write. Call inside a transaction. */
export async function recordAndDeleteAll(db: Database, spec: TableSpec, runId: string): Promise<void> {
  const cols = columnsOf(spec).join(', ');
  await db.run(`INSERT INTO ${historyTable(spec)} (${cols}, replaced_by) SELECT ${cols}, ? FROM ${spec.table} WHERE run_id IS DISTINCT FROM ?`, [runId, runId]);
  await db.run(`DELETE FROM ${spec.table}`);
}

/**
 * Undoes a run's writes to the data tables: the versions it replaced or deleted come back
 * (unless a later run has written the row since), then the rows it wrote are deleted.
 * Returns rows restored and deleted per table. Call inside a transaction.
 */
export async function undoRun(db: Database, runId: string): Promise<Record<string, { restored: number; deleted: number }>> {
  const out: Record<string, { restored: number; deleted: number }> = {};
  for (const spec of DATA_TABLES) {
    const cols = columnsOf(spec).join(', ');
    const key = spec.primaryKey.join(', ');
    const on = spec.primaryKey.map((k) => `t.${k} = h.${k}`).join(' AND ');
    // One version per key: the oldest, as the run found it. A key a later run has written since keeps that run's version.
    const previous = `SELECT ${cols} FROM ${historyTable(spec)} h WHERE replaced_by = ?
        AND NOT EXISTS (SELECT 1 FROM ${spec.table} t WHERE ${on} AND t.run_id IS DISTINCT FROM ?)
      QUALIFY row_number() OVER (PARTITION BY ${key} ORDER BY rowid) = 1`;
    const restored = Number((await db.all(`SELECT count(*) AS n FROM (${previous})`, [runId, runId]))[0]?.['n'] ?? 0);
    if (restored > 0) await db.run(`INSERT OR REPLACE INTO ${spec.table} (${cols}) ${previous}`, [runId, runId]);
    const deleted = Number((await db.all(`SELECT count(*) AS n FROM ${spec.table} WHERE run_id = ?`, [runId]))[0]?.['n'] ?? 0);
    await db.run(`DELETE FROM ${spec.table} WHERE run_id = ?`, [runId]);
    await db.run(`DELETE FROM ${historyTable(spec)} WHERE replaced_by = ?`, [runId]);
    out[spec.table] = { restored, deleted };
  }
  return out;
}

/** Keeps the history of the `keep` newest runs only. */
export async function pruneHistory(db: Database, keep: number): Promise<void> {
  for (const spec of DATA_TABLES) {
    await db.run(
      `DELETE FROM ${historyTable(spec)} WHERE replaced_by NOT IN (SELECT run_id FROM runs ORDER BY started_at DESC LIMIT ?)`,
      [keep],
    );
  }
}
