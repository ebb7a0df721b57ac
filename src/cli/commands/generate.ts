import { resolve } from 'node:path';
import { generateBundle } from '../../generate/generate.js';
import { cliLogger } from '../log.js';
import { UsageError } from '../../core/errors.js';

export async function runGenerate(opts: { out: string; seed: number; scale: number; people?: number; days?: number }): Promise<number> {
  if (opts.scale <= 0) throw new UsageError('--scale must be greater than 0');
  if (opts.people !== undefined && opts.people < 4) throw new UsageError('--people must be at least 4');
  if (opts.days !== undefined && opts.days < 1) throw new UsageError('--days must be at least 1');
  const started = Date.now();
  const summary = await generateBundle(
    {
      out: resolve(opts.out),
      seed: opts.seed,
      scale: opts.scale,
      ...(opts.people !== undefined ? { people: opts.people } : {}),
      ...(opts.days !== undefined ? { days: opts.days } : {}),
    },
    cliLogger(),
  );
  process.stdout.write(
    `wrote ${summary.out} in ${((Date.now() - started) / 1000).toFixed(1)} s: ${summary.records} records ` +
      `(${summary.people} people, ${summary.channels} channels, ${summary.messages} messages, ${summary.calendarEvents} calendar events, ${summary.driveFiles} drive files); ` +
      `truth: ${summary.meetings} meetings (${summary.slackOnlyMeetings} Slack-only), ${summary.meetingMessages} meeting messages\n`,
  );
  return 0;
}
