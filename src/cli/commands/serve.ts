/**
 * `convene serve [--db FILE] [--host 127.0.0.1] [--port 8787] [--token T]`: the monitoring
 * server on its own (Prometheus `/metrics`, the REST API, the dashboard), and the flags that
 * `run --serve` and `watch` share to embed it.
 */
import type { Command } from 'commander';
import type { Logger } from '../../core/logger.js';
import { dbOption, number } from '../options.js';
import type { RegisterCommand } from './registry.js';

/** Where the server listens unless told otherwise. */
export const SERVE_DEFAULTS = { host: '127.0.0.1', port: 8787 } as const;

export interface ServeFlags {
  db: string;
  host?: string;
  port?: number;
  token?: string;
}

/** The token from the flag or CONVENE_TOKEN (kept out of shell history and `ps`). */
export function tokenOf(flag: string | undefined): string | null {
  const t = flag ?? process.env['CONVENE_TOKEN'];
  return t === undefined || t === '' ? null : t;
}

export async function runServe(flags: ServeFlags): Promise<number> {
  const { checkBinding, startServer } = await import('../../serve/server.js');
  const { cliLogger } = await import('../log.js');
  const host = flags.host ?? SERVE_DEFAULTS.host;
  const token = tokenOf(flags.token);
  checkBinding(host, token);
  const server = await startServer({ dbPath: flags.db, host, port: flags.port ?? SERVE_DEFAULTS.port, token, logger: cliLogger() });
  process.stdout.write(`serving the dashboard at ${server.url}/ and Prometheus metrics at ${server.url}/metrics for ${flags.db}; Ctrl-C stops\n`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.close();
  return 0;
}

/** Starts the embedded server of `run --serve` or `watch`, and prints where it is. */
export async function startEmbedded(options: { dbPath: string; host?: string | undefined; port?: number | undefined; token?: string | undefined; logger: Logger; print: (line: string) => void }): Promise<{ close(): Promise<void> }> {
  const { checkBinding, startServer } = await import('../../serve/server.js');
  const host = options.host ?? SERVE_DEFAULTS.host;
  const token = tokenOf(options.token);
  checkBinding(host, token);
  const server = await startServer({ dbPath: options.dbPath, host, port: options.port ?? SERVE_DEFAULTS.port, token, logger: options.logger, advertise: true });
  options.print(`serving the dashboard at ${server.url}/ (metrics at ${server.url}/metrics)`);
  return server;
}

/** --serve-host, --serve-port and --token, for the commands that embed the server. */
export function addServeOptions(cmd: Command): Command {
  return cmd
    .option('--serve-host <host>', `where the dashboard listens (default ${SERVE_DEFAULTS.host}; another address needs --token)`)
    .option('--serve-port <n>', `the dashboard's port (default ${SERVE_DEFAULTS.port}; 0 picks a free one)`, number('--serve-port', true))
    .option('--token <token>', 'require Authorization: Bearer <token> (or set CONVENE_TOKEN)');
}

export const serveCommand: RegisterCommand = (program, exit) => {
  program
    .command('serve')
    .description('serve the dashboard, the REST API and Prometheus metrics for a database')
    .addOption(dbOption())
    .option('--host <host>', `the address to listen on (default ${SERVE_DEFAULTS.host}; another address needs --token)`)
    .option('--port <n>', `the port (default ${SERVE_DEFAULTS.port}; 0 picks a free one)`, number('--port', true))
    .option('--token <token>', 'require Authorization: Bearer <token> (or set CONVENE_TOKEN)')
    .action(async (opts: ServeFlags) => {
      exit.code = await runServe(opts);
    });
};
