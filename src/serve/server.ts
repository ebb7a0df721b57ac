/**
 * Starts the monitoring server (`convene serve`, `run --serve`, `watch`): refuses a
 * non-loopback address without a token, listens, and tells the live status where it is, so
 * that a `convene serve` in another process can forward to it while this process writes.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UsageError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { liveStatus } from '../runtime/telemetry/live-status.js';
import { createApp } from './app.js';

export interface ServeOptions {
  dbPath: string;
  host: string;
  port: number;
  token: string | null;
  logger: Logger;
  eventIntervalMs?: number;
  figuresTtlMs?: number;
  /**
   * A writer's own server (run --serve, watch): advertised in `<db>.live.json` for as long as it
   * serves, so `convene serve` elsewhere forwards to it rather than open the file between runs.
   */
  advertise?: boolean;
}

export interface RunningServer {
  readonly url: string;
  close(): Promise<void>;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** Throws a usage error (exit 2) for a non-loopback host without a token. */
export function checkBinding(host: string, token: string | null): void {
  if (!isLoopback(host) && !token) {
    throw new UsageError(`refusing to listen on ${host} without a token: anyone who can reach it could read the data; pass --token (or set CONVENE_TOKEN), or keep the default --host 127.0.0.1`);
  }
  if (token !== null && token.length < 8) throw new UsageError('--token must be at least 8 characters');
}

export async function startServer(options: ServeOptions): Promise<RunningServer> {
  checkBinding(options.host, options.token);
  const app = createApp({ dbPath: options.dbPath, token: options.token, logger: options.logger, ...(options.eventIntervalMs ? { eventIntervalMs: options.eventIntervalMs } : {}), ...(options.figuresTtlMs !== undefined ? { figuresTtlMs: options.figuresTtlMs } : {}) });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(options.port, options.host, (err?: Error) => (err ? reject(err) : resolve(s)));
    s.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  const host = options.host.includes(':') && !options.host.startsWith('[') ? `[${options.host}]` : options.host;
  const url = `http://${host}:${address.port}`;
  // Other processes reach it on loopback whatever it binds.
  const localUrl = isLoopback(options.host) ? url : `http://127.0.0.1:${address.port}`;
  liveStatus.serving({ url: localUrl, token: options.token, dbPath: options.advertise ? options.dbPath : null });
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        liveStatus.serving(null);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
