/**
 * `convene breaker list|open|close|reset [NAME]`: the circuit breakers as the last run left
 * them, and an operator's override, which every later run honours until `reset`. Each command
 * prints what the next run will do with the breaker.
 */
import { existsSync } from 'node:fs';
import { ConveneError } from '../../core/errors.js';
import type { RegisterCommand } from './registry.js';
import { formatOption } from '../options.js';

export interface BreakerFlags {
  config?: string;
  db?: string;
  format: 'table' | 'json' | 'csv';
}

type Action = 'list' | 'open' | 'close' | 'reset';

export async function runBreaker(action: Action, name: string | undefined, flags: BreakerFlags): Promise<number> {
  const { loadConfig } = await import('../../config/load.js');
  const { Database } = await import('../../sinks/duckdb/database.js');
  const { migrate } = await import('../../sinks/duckdb/schema.js');
  const { breakerStatuses, overrideBreaker, statusesOf } = await import('../../runtime/resilience/breaker-store.js');
  const { formatRows } = await import('../output.js');
  const loaded = loadConfig({ ...(flags.config ? { file: flags.config } : {}), flags: flags.db ? { db: flags.db } : {} });
  if (action !== 'list' && name === undefined) throw new ConveneError('CLI_USAGE', `convene breaker ${action} needs the breaker's NAME (slack, google-calendar, google-drive, google-directory)`);
  const now = new Date();
  // Listing a database that does not exist yet shows the defaults without creating the file.
  const db = action === 'list' && !existsSync(loaded.config.db) ? null : await Database.open(loaded.config.db);
  try {
    if (db !== null) await migrate(db);
    if (action !== 'list') await overrideBreaker(db!, name!, action, now);
    const all = db === null ? statusesOf(new Map(), loaded.config.resilience.breakers, now) : await breakerStatuses(db, loaded.config.resilience.breakers, now);
    const shown = action === 'list' ? all : all.filter((s) => s.name === name);
    if (flags.format === 'json') {
      process.stdout.write(JSON.stringify(shown, null, 2) + '\n');
      return 0;
    }
    if (action !== 'list') process.stdout.write(`breaker ${name} ${action === 'reset' ? 'reset: no forced state, counters cleared' : `forced ${action === 'open' ? 'open' : 'closed'}`}\n`);
    const rows = shown.map((s) => ({ name: s.name, state: s.state, forced: s.forced ?? '', since: s.openedAt ?? '', probe_at: s.probeAt ?? '', last_failure: s.lastFailure ?? '' }));
    if (action === 'list') process.stdout.write(formatRows(['name', 'state', 'forced', 'since', 'probe_at', 'last_failure'], rows, flags.format) + '\n');
    if (flags.format === 'table') for (const s of shown) process.stdout.write(`next run, ${s.name}: ${s.nextRun}\n`);
    return 0;
  } finally {
    db?.close();
  }
}

export const breakerCommand: RegisterCommand = (program, exit) => {
  const cmd = program.command('breaker').description('the circuit breakers per external API: list them, or force one open or closed for the next runs');
  const sub = (action: Action, description: string, withName: boolean): void => {
    const c = cmd.command(action, action === 'list' ? { isDefault: true } : {}).description(description);
    if (withName) c.argument('<name>', 'slack, google-calendar, google-drive or google-directory');
    c.option('--config <file>', 'the config file, for the breaker thresholds (default: ./convene.config.json)')
      .option('--db <file>', 'the convene database file (overrides the config)')
      .addOption(formatOption())
      .allowExcessArguments(false)
      .action(async (...args: unknown[]) => {
        const name = withName ? (args[0] as string) : undefined;
        const flags = (withName ? args[1] : args[0]) as BreakerFlags;
        exit.code = await runBreaker(action, name, flags);
      });
  };
  sub('list', 'each breaker\'s state, forced state, last failure, and what the next run will do', false);
  sub('open', 'force a breaker open: the next runs make no call to that API and fall back to stored data', true);
  sub('close', 'force a breaker closed: the next runs call that API whatever fails, and never open it', true);
  sub('reset', 'drop a forced state and the counters: the next run starts the breaker closed and automatic', true);
};
