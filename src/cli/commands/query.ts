import { existsSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { Database } from '../../sinks/duckdb/database.js';
import { formatRows } from '../output.js';

export async function runQuery(sql: string, opts: { db: string; format: 'table' | 'json' | 'csv' }): Promise<number> {
  if (!existsSync(opts.db)) throw new InputError('INPUT_NOT_FOUND', opts.db, 'no database here; run `convene replay` first or pass --db');
  const db = await Database.open(opts.db, { readOnly: true });
  try {
    const { columns, rows } = await db.table(sql);
    process.stdout.write(formatRows(columns, rows, opts.format) + '\n');
    return 0;
  } finally {
    db.close();
  }
}
