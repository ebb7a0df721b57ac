/**
 * The CLI's logger and progress display.
 *
 * Logs go to stderr at the level of CONVENE_LOG_LEVEL (default warn): as text lines
 * (`WARN  [component] message key=value`) or, with `--log-format json` (config `logFormat`),
 * one JSON object per line for log collectors. Progress goes to stdout: bars per stage on a
 * terminal, one line per step elsewhere, JSON steps with `--log-format json`, nothing with
 * `--quiet` (but the final summary line).
 */
import { pino } from 'pino';
import type { Logger } from '../core/logger.js';
import { DEFAULTS } from '../config/defaults.js';
import { barProgress } from '../runtime/progress/bars.js';
import { jsonProgress, lineProgress, silentProgress, type Progress } from '../runtime/progress/progress.js';
import { globalFlags } from './options.js';

type LogFormat = 'text' | 'json';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** The effective format: the flag, else the config's, else text. */
export function logFormat(configured?: LogFormat): LogFormat {
  return globalFlags.logFormat ?? configured ?? 'text';
}

/** One pino JSON line as a line of text for people. */
export function textLogLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const { level, time, msg, component, source, ...rest } = o;
  const where = component ?? source;
  const fields = Object.entries(rest)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? (/\s/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v)}`);
  const stamp = typeof time === 'number' ? new Date(time).toISOString() : '';
  return [stamp, (LEVELS[Number(level)] ?? String(level)).padEnd(5), where === undefined ? null : `[${String(where)}]`, msg === undefined ? null : String(msg), ...fields].filter((x) => x !== null && x !== '').join(' ');
}

export function cliLogger(options: { format?: LogFormat } = {}): Logger {
  const level = process.env['CONVENE_LOG_LEVEL'] ?? DEFAULTS.logLevel;
  if (logFormat(options.format) === 'json') return pino({ level, base: undefined }, pino.destination(2)) as unknown as Logger;
  const destination = { write: (chunk: string): void => void process.stderr.write(textLogLine(chunk) + '\n') };
  return pino({ level, base: undefined }, destination) as unknown as Logger;
}

export interface CliProgress {
  /** Where the runtime sends its step lines. */
  print: (line: string) => void;
  /** Bars and JSON steps. */
  reporter: Progress;
}

/**
 * Chooses the display: `quiet` → nothing; json → JSON steps; a terminal → bars; else lines.
 * `stream` is stdout unless a test passes its own (with `isTTY` to pretend a terminal).
 */
export function cliProgress(options: { quiet?: boolean; format?: LogFormat; stream?: { write(s: string): unknown; isTTY?: boolean; columns?: number } } = {}): CliProgress {
  const stream = options.stream ?? process.stdout;
  const write = (line: string): void => void stream.write(line + '\n');
  if (options.quiet || globalFlags.quiet) return { print: () => undefined, reporter: silentProgress };
  const format = logFormat(options.format);
  const reporter = format === 'json' ? jsonProgress(write) : stream.isTTY ? barProgress(stream) : lineProgress(write);
  return { print: (line) => reporter.note(line), reporter };
}
