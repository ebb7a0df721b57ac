import { existsSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { Database } from '../../sinks/duckdb/database.js';
import { evaluate, readTruth } from '../../runtime/eval.js';
import { formatFigures } from '../../runtime/eval.logic.js';

export async function runEval(opts: { truth: string; db: string; json?: boolean }): Promise<number> {
  const truth = readTruth(opts.truth);
  if (!existsSync(opts.db)) throw new InputError('INPUT_NOT_FOUND', opts.db, 'no database here; replay the bundle first (convene replay BUNDLE --db FILE)');
  const db = await Database.open(opts.db, { readOnly: true });
  try {
    const figures = await evaluate(db, truth);
    process.stdout.write((opts.json ? JSON.stringify(figures, null, 2) : formatFigures(figures)) + '\n');
    return 0;
  } finally {
    db.close();
  }
}
