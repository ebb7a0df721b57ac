/**
 * `convene export --format parquet|csv|json|ndjson|xlsx|html --out PATH [--table T] [filters]`.
 * Parquet, CSV, JSON and NDJSON hold one table's rows as stored; xlsx (sheets summary,
 * meetings, links, people) and html (the report) are made for people and ignore --table.
 */
import { resolve } from 'node:path';
import { Option } from 'commander';
import { FILTER_TABLES, filteredQuery, type FilterTable } from '../../sinks/search/filters.js';
import { dbOption, number } from '../options.js';
import { addFilterOptions, asUsage, filtersFromFlags, openForReading, type FilterFlags } from './meetings.js';
import type { RegisterCommand } from './registry.js';

type Format = 'parquet' | 'csv' | 'json' | 'ndjson' | 'xlsx' | 'html';

export interface ExportFlags extends FilterFlags {
  db: string;
  format: Format;
  out: string;
  table: FilterTable;
  maxRows?: number;
}

export async function runExport(flags: ExportFlags): Promise<number> {
  const filters = filtersFromFlags(flags);
  // Checked before the database is opened, so a filter that does not fit the table is a usage error.
  asUsage(() => filteredQuery(flags.table, filters));
  const { exportData } = await import('../../sinks/export/export.js');
  const db = await openForReading(flags.db);
  try {
    const started = Date.now();
    const result = await exportData(db, { format: flags.format, out: resolve(flags.out), table: flags.table, filters, maxRows: flags.maxRows });
    const what = flags.format === 'xlsx' || flags.format === 'html' ? 'meetings' : `${flags.table} rows`;
    process.stdout.write(`wrote ${result.path}: ${result.rows} ${what}, ${result.bytes} bytes in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
    return 0;
  } finally {
    db.close();
  }
}

export const exportCommand: RegisterCommand = (program, exit) => {
  const cmd = program
    .command('export')
    .description('write a table (or a workbook or report) to a file: parquet, csv, json, ndjson, xlsx or html')
    .addOption(new Option('--format <format>', 'the file format').choices(['parquet', 'csv', 'json', 'ndjson', 'xlsx', 'html']).makeOptionMandatory())
    .requiredOption('--out <path>', 'the file to write')
    .addOption(new Option('--table <table>', 'the table to export (parquet, csv, json, ndjson)').choices([...FILTER_TABLES]).default('meetings'))
    .option('--max-rows <n>', 'xlsx and html: at most this many rows per sheet or table', number('--max-rows', true))
    .addOption(dbOption());
  addFilterOptions(cmd, 'meetings: scheduled, huddle, adhoc; message tables: a signal kind').action(async (opts) => {
    exit.code = await runExport(opts);
  });
};
