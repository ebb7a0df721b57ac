/**
 * `convene emulate`: serves a bundle as the Slack Web API and the Google APIs on loopback until
 * interrupted. With --write-config, writes the config with which `convene run` collects from it.
 */
import { writeFileSync } from 'node:fs';
import { ConveneError, UsageError } from '../../core/errors.js';
import { startEmulator } from '../../emulate/server.js';
import { parseFaults } from '../../emulate/faults.js';
import { LIMIT_PROFILES } from '../../runtime/limits/tiers.js';
import type { LimitsProfile } from '../../runtime/limits/tiers.js';
import type { RegisterCommand } from './registry.js';
import { number } from '../options.js';

export interface EmulateOptions {
  bundle: string;
  port: number;
  host: string;
  faults?: string;
  seed: number;
  writeConfig?: string;
  tierScale: number;
  profile: string;
  rateLimits: boolean;
}

export async function runEmulate(opts: EmulateOptions, until: Promise<void> = interrupted()): Promise<number> {
  if (!(LIMIT_PROFILES as readonly string[]).includes(opts.profile)) throw new UsageError(`--profile must be one of ${LIMIT_PROFILES.join(', ')}`);
  if (!(opts.tierScale > 0)) throw new UsageError('--tier-scale must be a positive number');
  const emu = await startEmulator(opts.bundle, {
    port: opts.port,
    host: opts.host,
    faults: parseFaults(opts.faults),
    seed: opts.seed,
    tierScale: opts.tierScale,
    profile: opts.profile as LimitsProfile,
    rateLimits: opts.rateLimits,
  });
  try {
    if (opts.writeConfig !== undefined) {
      try {
        writeFileSync(opts.writeConfig, JSON.stringify(emu.config(), null, 2) + '\n');
      } catch (err) {
        throw new ConveneError('CONFIG_INVALID', `cannot write the config to ${opts.writeConfig}`, { cause: err, subject: '--write-config' });
      }
    }
    const s = emu.store;
    process.stdout.write(
      `convene emulator listening on ${emu.url}\n` +
        `  Slack API   ${emu.slackApiUrl}  (${s.users.length} users, ${s.channels.length} channels)\n` +
        `  Google APIs ${emu.googleRootUrl}  (${s.calendars.size} calendars, ${s.driveFiles.size} Drive files, ${s.directoryUsers.length} directory users)\n` +
        (s.skipped.length > 0 ? `  not served: ${s.skipped.length} file(s) with no API form (ICS calendars, unlisted folders)\n` : '') +
        (opts.writeConfig !== undefined ? `  config written to ${opts.writeConfig}\n` : '') +
        'Press Ctrl-C to stop.\n',
    );
    await until;
    return 0;
  } finally {
    await emu.close();
  }
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

export const emulateCommand: RegisterCommand = (program, exit) => {
  program
    .command('emulate')
    .description('serve a bundle as the Slack Web API and Google APIs on loopback, for `convene run` and tests')
    .requiredOption('--bundle <dir>', 'the bundle folder to serve')
    .option('--port <n>', 'port to listen on (0: any free port)', number('--port', true), 0)
    .option('--host <host>', 'loopback address to listen on', '127.0.0.1')
    .option('--faults <spec>', 'inject faults: comma list of [api:]kind=probability, kinds 5xx, 429, timeout, malformed, apis slack, calendar, drive, directory (e.g. 5xx=0.08,429=0.05; calendar:5xx=1 takes Calendar down)')
    .option('--seed <n>', 'seed of the fault RNG', number('--seed', true), 1)
    .option('--write-config <file>', 'once listening, write the JSON config with which `convene run` collects from the emulator')
    .option('--tier-scale <x>', 'compress time: rate limits x times faster (60: a minute of quota per second)', number('--tier-scale'), 1)
    .option('--profile <name>', `rate-limit profile: ${LIMIT_PROFILES.join(' or ')}`, 'internal')
    .option('--no-rate-limits', 'serve without tier limits (injected 429 faults still apply)')
    .action(async (opts: EmulateOptions) => {
      exit.code = await runEmulate(opts);
    });
};
