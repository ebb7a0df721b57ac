import { existsSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import type { RegisterCommand } from './registry.js';
import { dbOption, formatOption } from '../options.js';

/** The newest checkpoint of every source of every job, and whether its checksum holds. */
export async function runCheckpointsList(opts: { db: string; format: 'table' | 'json' | 'csv' }): Promise<number> {
  if (!existsSync(opts.db)) throw new InputError('INPUT_NOT_FOUND', opts.db, 'no database here; run `convene replay` or `convene run` first, or pass --db');
  const { Database } = await import('../../sinks/duckdb/database.js');
  const { checkpointChecksum } = await import('../../sinks/duckdb/checkpoints.js');
  const { formatRows } = await import('../output.js');
  const db = await Database.open(opts.db, { readOnly: true });
  try {
    const rows = await db.all(
      `SELECT scope, source, seq, run_id, cursor, records, complete, checksum, committed_at FROM checkpoints
        QUALIFY row_number() OVER (PARTITION BY scope, source ORDER BY seq DESC) = 1 ORDER BY scope, source`,
    );
    const out = rows.map((r) => {
      const cursor = JSON.parse(String(r['cursor'])) as { source: string; position: unknown } | null;
      const good = checkpointChecksum({ scope: String(r['scope']), source: String(r['source']), cursor, records: Number(r['records']), complete: Boolean(r['complete']) }) === r['checksum'];
      return { scope: r['scope'], source: r['source'], run_id: r['run_id'], records: r['records'], complete: r['complete'], committed_at: r['committed_at'], checksum: good ? 'ok' : 'damaged' };
    });
    process.stdout.write(formatRows(['scope', 'source', 'run_id', 'records', 'complete', 'committed_at', 'checksum'], out, opts.format) + '\n');
    return 0;
  } finally {
    db.close();
  }
}

export const checkpointsCommand: RegisterCommand = (program, exit) => {
  const cmd = program.command('checkpoints').description('how far each source of each job is durable (the newest checkpoint of each)');
  const list = cmd
    .command('list', { isDefault: true })
    .description('list the newest checkpoint of every source, with whether its checksum holds')
    .addOption(dbOption())
    .addOption(formatOption())
    .action(async (opts: { db: string; format: 'table' | 'json' | 'csv' }) => {
      exit.code = await runCheckpointsList(opts);
    });
  list.exitOverride().allowExcessArguments(false);
};
