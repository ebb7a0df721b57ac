/** The CLI's logger: JSON lines on stderr, level from CONVENE_LOG_LEVEL (default warn). */
import { pino } from 'pino';
import type { Logger } from '../core/logger.js';
import { DEFAULTS } from '../config/defaults.js';

export function cliLogger(): Logger {
  const level = process.env['CONVENE_LOG_LEVEL'] ?? DEFAULTS.logLevel;
  return pino({ level, base: undefined }, pino.destination(2)) as unknown as Logger;
}
