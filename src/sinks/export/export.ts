/**
 * Exports of a convene database: one table, filtered, to Parquet (zstd), CSV, a JSON array or
 * NDJSON through DuckDB's COPY; a workbook (xlsx); or the self-contained HTML report.
 *
 * COPY takes no parameters inside its query, so a filtered export first materialises the
 * selected rows in a temporary table with the filter values bound as parameters, then copies
 * that table. The output path is the only text spliced into SQL, as a quoted string literal.
 */
import { mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Database, SqlParam } from '../duckdb/database.js';
import { filteredQuery, type FilterTable, type Filters } from '../search/filters.js';

export const EXPORT_FORMATS = ['parquet', 'csv', 'json', 'ndjson', 'xlsx', 'html'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export interface ExportRequest {
  format: ExportFormat;
  /** The file to write; its folder is created. Written under a temporary name, then renamed. */
  out: string;
  table: FilterTable;
  filters: Filters;
  /** For xlsx and html: the most rows one sheet or table holds (the summary says when rows were left out). */
  maxRows?: number;
  generatedAt?: Date;
}

export interface ExportResult {
  path: string;
  format: ExportFormat;
  table: FilterTable;
  /** Rows written of the chosen table (for xlsx and html: of its meetings sheet or table). */
  rows: number;
  bytes: number;
}

/** Quote a value as a SQL string literal; used only for file paths given to COPY. */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

const COPY_OPTIONS: Record<'parquet' | 'csv' | 'json' | 'ndjson', string> = {
  parquet: 'FORMAT PARQUET, COMPRESSION ZSTD',
  csv: 'FORMAT CSV, HEADER true',
  json: 'FORMAT JSON, ARRAY true',
  ndjson: 'FORMAT JSON',
};

/** Copy a query's rows to a file; a query with parameters goes through a temp table first. */
export async function copyQuery(db: Database, sql: string, params: readonly SqlParam[], format: keyof typeof COPY_OPTIONS, out: string): Promise<number> {
  let source = `(${sql})`;
  if (params.length > 0) {
    await db.run('CREATE OR REPLACE TEMP TABLE convene_export AS ' + sql, params);
    source = 'convene_export';
  }
  try {
    const rows = await db.all(`COPY ${source} TO ${sqlString(out)} (${COPY_OPTIONS[format]})`);
    // COPY reports the rows it wrote as its one result value.
    return Number(Object.values(rows[0] ?? {})[0] ?? 0);
  } finally {
    if (params.length > 0) await db.run('DROP TABLE IF EXISTS convene_export').catch(() => undefined);
  }
}

export async function exportData(db: Database, req: ExportRequest): Promise<ExportResult> {
  mkdirSync(dirname(req.out), { recursive: true });
  const partial = `${req.out}.partial-${process.pid}`;
  rmSync(partial, { force: true });
  let rows: number;
  try {
    switch (req.format) {
      case 'parquet':
      case 'csv':
      case 'json':
      case 'ndjson': {
        const q = filteredQuery(req.table, req.filters);
        rows = await copyQuery(db, q.sql, q.params, req.format, partial);
        break;
      }
      case 'xlsx': {
        const { writeWorkbook } = await import('./xlsx.js');
        rows = (await writeWorkbook(db, partial, req.filters, { maxRows: req.maxRows })).meetings;
        break;
      }
      case 'html': {
        const { writeHtmlReport } = await import('./html.js');
        rows = await writeHtmlReport(db, partial, req.filters, { maxRows: req.maxRows, generatedAt: req.generatedAt ?? new Date() });
        break;
      }
    }
    renameSync(partial, req.out);
  } catch (err) {
    rmSync(partial, { force: true });
    throw err;
  }
  return { path: req.out, format: req.format, table: req.table, rows, bytes: statSync(req.out).size };
}
