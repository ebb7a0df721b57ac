import { UsageError } from '../../core/errors.js';
import type { RegisterCommand } from './registry.js';
import { addServeOptions, startEmbedded } from './serve.js';

export interface RunFlags {
  config?: string;
  db?: string;
  fresh?: boolean;
  fullRefresh?: boolean;
  parallel?: boolean;
  quiet?: boolean;
  serve?: boolean;
  serveHost?: string;
  servePort?: number;
  token?: string;
}

/** Exit codes: 0 succeeded, 3 partial, 1 failed or invalid (docs/cli.md). */
export async function runRun(flags: RunFlags): Promise<number> {
  const { loadConfig } = await import('../../config/load.js');
  const { collect } = await import('../../runtime/run.js');
  const { cliLogger, cliProgress, logFormat } = await import('../log.js');
  const { jsonProgress } = await import('../../runtime/progress/progress.js');
  const loaded = loadConfig({ ...(flags.config ? { file: flags.config } : {}), flags: flags.db ? { db: flags.db } : {} });
  if (Object.keys(loaded.sources).length === 0) {
    throw new UsageError('the configuration names no sources: add a "sources" section to convene.config.json (see docs/config.md), or write one with `convene emulate --bundle DIR --write-config convene.config.json`');
  }
  const writeLine = (line: string): void => void process.stdout.write(line + '\n');
  const format = loaded.config.logFormat;
  const display = cliProgress({ quiet: flags.quiet ?? false, format });
  // Results and the summary line are printed even with --quiet; as JSON steps with --log-format json.
  const print = logFormat(format) === 'json' ? jsonProgress(writeLine).note : writeLine;
  const started = Date.now();
  // The dashboard serves while the run is in progress, reading through the run's own connection.
  const server = flags.serve ? await startEmbedded({ dbPath: loaded.config.db, host: flags.serveHost, port: flags.servePort, token: flags.token, logger: cliLogger(), print }) : null;
  const result = await collect(loaded, { logger: cliLogger({ format }), fullRefresh: flags.fullRefresh ?? false, fresh: flags.fresh ?? false, parallel: flags.parallel ?? false, progress: display.print, reporter: display.reporter }).finally(() => server?.close());
  display.reporter.close();
  for (const c of result.components.filter((x) => x.status !== 'succeeded')) print(`component ${c.name} ${c.status}: ${c.reason}`);
  const t = result.totals;
  const checks = result.validation.problems.length === 0 ? 'validation passed' : `validation found ${result.validation.problems.length} problems (convene validate --db ${loaded.config.db})`;
  print(`run ${result.runId} ${result.status} (${result.mode}): read ${t.read} records, stored ${t.stored}, skipped ${t.skipped} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${checks}`);
  const cache = t.counts['apiCache'] as { lookups: number; hits: number; revalidated: number; ratio: number } | undefined;
  if (cache !== undefined && cache.lookups > 0) {
    print(`API cache: ${cache.hits + cache.revalidated} of ${cache.lookups} answers served from the cache (${(cache.ratio * 100).toFixed(1)} %: ${cache.hits} fresh, ${cache.revalidated} revalidated by ETag)`);
  }
  if (result.status === 'failed' || result.validation.problems.length > 0) return 1;
  return result.status === 'partial' ? 3 : 0;
}

export const runCommand: RegisterCommand = (program, exit) => {
  const cmd = program
    .command('run')
    .description('collect from the configured sources (incrementally by default) and update the database')
    .option('--config <file>', 'the config file (default: ./convene.config.json)')
    .option('--db <file>', 'the convene database file (overrides the config)')
    .option('--full-refresh', 'collect everything again instead of what changed since the last run')
    .option('--fresh', 'ask every API again instead of serving cached answers that are still fresh (answers with an ETag are revalidated)')
    .option('--parallel', 'collect independent sources at the same time')
    .option('--quiet', 'print only the final summary line')
    .option('--serve', 'serve the dashboard, the REST API and /metrics while the run is in progress');
  addServeOptions(cmd).action(async (opts: RunFlags) => {
    exit.code = await runRun(opts);
  });
};
