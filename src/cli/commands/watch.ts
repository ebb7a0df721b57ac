import type { RegisterCommand } from './registry.js';
import { number } from '../options.js';
import { addServeOptions, startEmbedded } from './serve.js';

export interface WatchFlags {
  config?: string;
  db?: string;
  interval?: number;
  port?: number;
  host?: string;
  ticks?: number;
  serve?: boolean;
  serveHost?: string;
  servePort?: number;
  token?: string;
}

export async function runWatch(flags: WatchFlags): Promise<number> {
  const { loadConfig } = await import('../../config/load.js');
  const { watch } = await import('../../runtime/watch/watch.js');
  const { cliLogger, cliProgress } = await import('../log.js');
  const watchFlags = {
    ...(flags.interval !== undefined ? { intervalSeconds: flags.interval } : {}),
    ...(flags.port !== undefined ? { port: flags.port } : {}),
    ...(flags.host !== undefined ? { host: flags.host } : {}),
  };
  const loaded = loadConfig({ ...(flags.config ? { file: flags.config } : {}), flags: { ...(flags.db ? { db: flags.db } : {}), ...(Object.keys(watchFlags).length ? { watch: watchFlags } : {}) } });
  const stop = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const print = (line: string): void => void process.stdout.write(line + '\n');
  // The dashboard shows each tick as it runs; between ticks it reads the file itself.
  const server =
    flags.serve === false
      ? null
      : await startEmbedded({ dbPath: loaded.config.db, host: flags.serveHost, port: flags.servePort, token: flags.token, logger: cliLogger(), print }).catch((err: unknown) => {
          // Collecting matters more than the dashboard: a port in use costs only the latter.
          if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
          print(`dashboard not started: port ${flags.servePort ?? 'default'} is in use (--serve-port picks another, --no-serve turns it off)`);
          return null;
        });
  const display = cliProgress({ format: loaded.config.logFormat });
  const results = await watch(loaded, { logger: cliLogger({ format: loaded.config.logFormat }), progress: display.print, stop, ...(flags.ticks !== undefined ? { ticks: flags.ticks } : {}) }).finally(() => server?.close());
  return results.some((r) => r.status === 'failed') ? 1 : 0;
}

export const watchCommand: RegisterCommand = (program, exit) => {
  const cmd = program
    .command('watch')
    .description('collect continuously: what changed every interval, plus Slack Events API pushes at POST /slack/events')
    .option('--config <file>', 'the config file (default: ./convene.config.json)')
    .option('--db <file>', 'the convene database file (overrides the config)')
    .option('--interval <seconds>', 'seconds between collections (overrides watch.intervalSeconds)', number('--interval'))
    .option('--host <host>', 'where to listen for Slack events (overrides watch.host)')
    .option('--port <n>', 'port for Slack events; 0 picks a free one (overrides watch.port)', number('--port', true))
    .option('--ticks <n>', 'stop after this many collections', number('--ticks', true))
    .option('--no-serve', 'do not serve the dashboard, the REST API and /metrics');
  addServeOptions(cmd).action(async (opts: WatchFlags) => {
    exit.code = await runWatch(opts);
  });
};
