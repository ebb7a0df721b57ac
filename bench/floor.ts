/**
 * The raw-ingest floor: DuckDB's own `read_json` of the Slack export's day files, stored into a
 * table of a fresh database file, with `preserve_insertion_order=false`. No mapping, no
 * detection, no upserts: what reading and storing those bytes costs at best on this machine.
 *
 * Run as a child of the bench (so its memory is measured alone):
 *   node dist/bench/floor.js BUNDLE DBFILE
 * Prints one JSON line: { rows, seconds }.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

async function main(): Promise<void> {
  const [bundle, dbFile] = process.argv.slice(2);
  if (!bundle || !dbFile) throw new Error('usage: floor.js BUNDLE DBFILE');
  rmSync(dbFile, { force: true });
  rmSync(`${dbFile}.wal`, { force: true });
  const started = performance.now();
  const instance = await DuckDBInstance.create(dbFile, { preserve_insertion_order: 'false' });
  const connection = await instance.connect();
  const glob = join(bundle, 'slack', '*', '*.json').replaceAll("'", "''");
  await connection.run(`CREATE TABLE messages AS SELECT * FROM read_json('${glob}', format = 'array', union_by_name = true, maximum_object_size = 67108864)`);
  await connection.run('CHECKPOINT');
  const reader = await connection.runAndReadAll('SELECT count(*) AS n FROM messages');
  const rows = Number(reader.getRowObjectsJS()[0]?.['n'] ?? 0);
  const seconds = (performance.now() - started) / 1000;
  connection.closeSync();
  instance.closeSync();
  process.stdout.write(JSON.stringify({ rows, seconds }) + '\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
