/** `convene detect`: its flags; the implementation (./detect.js) is loaded only when it runs. */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { RegisterCommand } from './registry.js';

function zone(value: string): string {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
  } catch {
    throw new InvalidArgumentError(`--tz must be an IANA time zone such as Europe/Berlin, not "${value}"`);
  }
  return value;
}

function instant(value: string): number {
  const ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw new InvalidArgumentError(`--now must be an ISO date-time such as 2026-03-02T09:00:00Z, not "${value}"`);
  return ms;
}

export const detectCommand: RegisterCommand = (program: Command, exit) => {
  program
    .command('detect')
    .description('classify text or NDJSON Slack messages from stdin: meeting-related?, kind, confidence, evidence')
    .option('--tz <zone>', 'the writer\'s IANA time zone, for times such as "3pm"', zone, 'UTC')
    .option('--now <when>', 'when plain-text lines were posted (ISO date-time); default now', instant)
    .option('--json', 'print one JSON object per line')
    .action(async (opts: { tz: string; now?: number; json?: boolean }) => {
      exit.code = await (await import('./detect.js')).runDetect(opts);
    });
};
