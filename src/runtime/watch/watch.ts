/**
 * `convene watch`: collects what changed every interval, through the same sources, operators
 * and sink as `convene run`, and between ticks takes Slack Events API pushes, which the next
 * tick stores and derives from. Ticks never overlap; the database is open only during a tick,
 * so other commands can read it in between.
 */
import { duckdbOpenOptions } from '../runtime-settings.js';
import type { LoadedConfig } from '../../config/load.js';
import type { Logger } from '../../core/logger.js';
import { Database } from '../../sinks/duckdb/database.js';
import { collect, type RunResult } from '../run.js';
import { advanceWatermark, type WatermarkReport } from './watermark.js';
import { EventQueue, startEventsServer, type EventsServer } from './events-server.js';

export interface WatchOptions {
  logger: Logger;
  progress: (line: string) => void;
  /** Stop after this many ticks (tests, one-off catch-up); absent: until `stop` resolves. */
  ticks?: number;
  /** Resolves when the watch should end (Ctrl-C). */
  stop: Promise<void>;
  /** Called after each tick with where the watermark stands. */
  onWatermark?: (report: WatermarkReport) => void;
}

async function watermarkAfter(loaded: LoadedConfig, runId: string): Promise<WatermarkReport> {
  const { db: path, duckdb, watch: cfg } = loaded.config;
  const db = await Database.open(path, duckdbOpenOptions(duckdb));
  try {
    return await advanceWatermark(db, runId, cfg.allowedLatenessSeconds * 1000);
  } finally {
    db.close();
  }
}

export function describeWatermark(m: WatermarkReport): string {
  const at = m.watermark === null ? 'none yet' : new Date(m.watermark).toISOString();
  const late = m.lateMessages > 0 ? `; ${m.lateMessages} late messages touched ${m.touchedMeetings.length} meetings, derived again (${m.touchedMeetings.slice(0, 5).join(', ')}${m.touchedMeetings.length > 5 ? ', …' : ''})` : '';
  return `watermark ${at}, ${m.finalMeetings} meetings final${late}`;
}

export async function watch(loaded: LoadedConfig, options: WatchOptions): Promise<RunResult[]> {
  const { watch: cfg } = loaded.config;
  const queue = new EventQueue();
  let server: EventsServer | null = null;
  if (cfg.signingSecret) {
    server = await startEventsServer({ host: cfg.host, port: cfg.port, signingSecret: cfg.signingSecret, queue, logger: options.logger.child({ component: 'slack-events' }) });
    options.progress(`listening for Slack events at ${server.url}/slack/events`);
  }
  let stopped = false;
  void options.stop.then(() => {
    stopped = true;
  });
  const results: RunResult[] = [];
  const alertsPosted = new Map<string, number>();
  try {
    for (let tick = 1; !stopped && (options.ticks === undefined || tick <= options.ticks); tick++) {
      const started = Date.now();
      const result = await collect(loaded, { logger: options.logger, progress: () => undefined, pushed: { name: 'slack-events', take: () => queue.drain() }, alertsPosted, watching: true });
      results.push(result);
      const mark = await watermarkAfter(loaded, result.runId);
      options.onWatermark?.(mark);
      const messages = Number(result.totals.counts['message'] ?? 0);
      options.progress(`tick ${tick}: ${result.status}, ${result.totals.read} records read (${messages} messages), ${queue.refused} pushes refused so far, in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      options.progress(`tick ${tick}: ${describeWatermark(mark)}`);
      if (options.ticks !== undefined && tick >= options.ticks) break;
      const waitMs = Math.max(0, cfg.intervalSeconds * 1000 - (Date.now() - started));
      await Promise.race([new Promise((r) => setTimeout(r, waitMs)), options.stop]);
    }
  } finally {
    await server?.close();
  }
  return results;
}
