import { existsSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { Database } from '../../sinks/duckdb/database.js';
import { migrate } from '../../sinks/duckdb/schema.js';
import { formatValidation, validateDatabase } from '../../sinks/duckdb/validate.js';

export async function runValidate(opts: { db: string; json?: boolean }): Promise<number> {
  if (!existsSync(opts.db)) throw new InputError('INPUT_NOT_FOUND', opts.db, 'no database here; run `convene replay` first or pass --db');
  const db = await Database.open(opts.db);
  try {
    await migrate(db);
    const report = await validateDatabase(db);
    process.stdout.write((opts.json ? JSON.stringify(report, null, 2) : formatValidation(report)) + '\n');
    return report.problems.length === 0 ? 0 : 1;
  } finally {
    db.close();
  }
}
