/**
 * A stand-in for a long run in another process (tests only): opens the database for writing,
 * starts a run in the `runs` table (so its live file appears), optionally serves, prints
 * "ready <url|->" and holds the file until its stdin closes. `--idle` serves without a run,
 * as `convene watch` does between ticks.
 *
 *   node writer-child.js DB [--serve | --idle]
 */
import { silentLogger } from '../../../src/core/logger.js';
import { startRun } from '../../../src/runtime/runs.js';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { startServer } from '../../../src/serve/server.js';

const [dbPath, flag] = process.argv.slice(2);
const db = flag === '--idle' ? null : await Database.open(dbPath!);
if (db) await startRun(db, 'writer-child-run', 'run', 'incremental', {}, new Date());
const serves = flag === '--serve' || flag === '--idle';
const server = serves ? await startServer({ dbPath: dbPath!, host: '127.0.0.1', port: 0, token: 'child-secret-token', logger: silentLogger, advertise: true }) : null;
process.stdout.write(`ready ${server?.url ?? '-'}\n`);
process.stdin.resume();
process.stdin.on('end', async () => {
  await server?.close();
  db?.close();
  process.exit(0);
});
