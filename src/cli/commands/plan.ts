/**
 * `convene plan`: before a run, counts what the configured sources hold with their cheap list
 * calls (users, channels, directory), assumes the rest from flags, and estimates the calls and
 * the least time the rate limits allow.
 */
import { existsSync, readFileSync } from 'node:fs';
import { ConveneError, InputError, UsageError } from '../../core/errors.js';
import { silentLogger } from '../../core/logger.js';
import { LimitedCallGate, parseLimits } from '../../runtime/limits/call-gate.js';
import { estimatePlan, formatDuration } from '../../runtime/limits/plan.js';
import type { Plan, PlanVolumes } from '../../runtime/limits/plan.js';
import type { LimitsConfig } from '../../runtime/limits/tiers.js';
import { formatRows } from '../output.js';
import { number } from '../options.js';
import type { RegisterCommand } from './registry.js';

export interface PlanOptions {
  config: string;
  json?: boolean;
  messagesPerChannel: number;
  threadsPerChannel: number;
  repliesPerThread: number;
  eventsPerCalendar: number;
  driveFiles: number;
}

export interface ConfigFile {
  readonly sources: Record<string, unknown>;
  readonly limits: LimitsConfig;
}

/** Reads `{ "sources": { "<type>": {...} }, "limits": {...} }`; tokens may come from SLACK_TOKEN / GOOGLE_ACCESS_TOKEN. */
export function readConfigFile(path: string): ConfigFile {
  if (!existsSync(path)) throw new InputError('INPUT_NOT_FOUND', path, 'no config file here; write one with `convene emulate --write-config FILE` or pass --config');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError('INPUT_MALFORMED_JSON', path, 'the config is not valid JSON', err);
  }
  const obj = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const sources = typeof obj['sources'] === 'object' && obj['sources'] !== null ? { ...(obj['sources'] as Record<string, unknown>) } : {};
  const withToken = (type: string, env: string | undefined): void => {
    const s = sources[type];
    if (typeof s === 'object' && s !== null && (s as Record<string, unknown>)['token'] === undefined && env !== undefined) sources[type] = { ...s, token: env };
  };
  withToken('slack-web', process.env['SLACK_TOKEN']);
  for (const t of ['google-calendar', 'google-drive', 'google-directory']) withToken(t, process.env['GOOGLE_ACCESS_TOKEN']);
  return { sources, limits: parseLimits(obj['limits']) };
}

function configOf<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: { issues: Array<{ path: PropertyKey[]; message: string }> } } }, type: string, raw: unknown): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new ConveneError('CONFIG_INVALID', parsed.error.issues.map((i) => `sources.${type}.${i.path.map(String).join('.')}: ${i.message}`).join('; '), { subject: type });
  return parsed.data;
}

/** Counts with list calls what can be counted cheaply; the rest comes from the assumptions. */
export async function discoverVolumes(config: ConfigFile, assume: Omit<PlanOptions, 'config' | 'json'>): Promise<PlanVolumes> {
  const calls = new LimitedCallGate({ limits: config.limits, logger: silentLogger });
  const volumes: { -readonly [K in keyof PlanVolumes]: PlanVolumes[K] } = {};
  const slackRaw = config.sources['slack-web'];
  if (slackRaw !== undefined) {
    const { SlackWebConfig } = await import('../../sources/slack-web/slack-web.source.js');
    const { createSlackClient } = await import('../../sources/slack-web/slack-web.client.js');
    const { TYPE_OF_KIND } = await import('../../sources/slack-web/slack-web.mapping.js');
    const c = configOf(SlackWebConfig, 'slack-web', slackRaw);
    const client = createSlackClient({ token: c.token, apiUrl: c.apiUrl, timeoutMs: c.timeoutMs, calls });
    await client.authTest();
    let users = 0;
    let channels = 0;
    let cursor: string | undefined;
    do {
      const page = await client.users(cursor, c.pageLimit);
      users += page.items.length;
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
    do {
      const page = await client.conversations(c.kinds.map((k) => TYPE_OF_KIND[k]), cursor, c.pageLimit);
      channels += page.items.filter((ch) => c.channels === undefined || c.channels.includes(String(ch['id'])) || c.channels.includes(String(ch['name']))).length;
      cursor = page.next ?? undefined;
    } while (cursor !== undefined);
    const channel = { topLevel: assume.messagesPerChannel, threads: Array.from({ length: assume.threadsPerChannel }, () => assume.repliesPerThread) };
    volumes.slack = { users, channels: Array.from({ length: channels }, () => channel), pageLimit: c.pageLimit };
  }
  const calendarRaw = config.sources['google-calendar'];
  const pick = (raw: unknown, keys: readonly string[]): Record<string, unknown> => Object.fromEntries(Object.entries(raw as Record<string, unknown>).filter(([k]) => keys.includes(k)));
  const directoryRaw = config.sources['google-directory'] ?? (typeof calendarRaw === 'object' && calendarRaw !== null ? pick(calendarRaw, ['token', 'serviceAccount', 'rootUrl', 'timeoutMs', 'customer', 'domain', 'adminSubject']) : undefined);
  let directoryUsers: number | null = null;
  if (directoryRaw !== undefined) {
    const { GoogleDirectoryConfig } = await import('../../sources/google-api/google-directory.source.js');
    const { createGoogleClient } = await import('../../sources/google-api/google-api.client.js');
    const d = configOf(GoogleDirectoryConfig, 'google-directory', directoryRaw);
    const client = createGoogleClient({ auth: d, subject: d.adminSubject, calls });
    const needed = config.sources['google-directory'] !== undefined || (calendarRaw as Record<string, unknown> | undefined)?.['calendars'] === undefined;
    if (needed) {
      directoryUsers = 0;
      let pageToken: string | undefined;
      do {
        const page = await client.users({ customer: d.customer, domain: d.domain, pageToken, maxResults: d.maxResults });
        directoryUsers += page.items.length;
        pageToken = page.nextPageToken ?? undefined;
      } while (pageToken !== undefined);
    }
    if (config.sources['google-directory'] !== undefined) volumes.directory = { users: directoryUsers ?? 0, maxResults: d.maxResults };
  }
  if (calendarRaw !== undefined) {
    const { GoogleCalendarConfig } = await import('../../sources/google-api/google-calendar.source.js');
    const c = configOf(GoogleCalendarConfig, 'google-calendar', calendarRaw);
    const count = c.calendars?.length ?? directoryUsers ?? 0;
    volumes.calendar = { eventsPerCalendar: Array.from({ length: count }, () => assume.eventsPerCalendar), maxResults: c.maxResults, fromDirectory: c.calendars === undefined, directoryUsers: directoryUsers ?? 0 };
  }
  const driveRaw = config.sources['google-drive'];
  if (driveRaw !== undefined) {
    const { GoogleDriveConfig } = await import('../../sources/google-api/google-drive.source.js');
    const c = configOf(GoogleDriveConfig, 'google-drive', driveRaw);
    volumes.drive = { files: assume.driveFiles, pageSize: c.pageSize };
  }
  return volumes;
}

export function formatPlan(plan: Plan, limits: LimitsConfig): string {
  const rows = plan.methods.map((m) => ({ api: m.api, method: m.method, tier: m.tier, 'per min': m.perMinute * limits.tierScale, calls: m.calls, 'at least': formatDuration(m.minimumMs) }));
  return [
    formatRows(['api', 'method', 'tier', 'per min', 'calls', 'at least'], rows, 'table'),
    `profile ${limits.profile}${limits.tierScale !== 1 ? `, time scaled ${limits.tierScale}x` : ''}: ${plan.totalCalls} calls, at least ${formatDuration(plan.minimumMs)} (the slowest method; network time comes on top)`,
  ].join('\n');
}

export async function runPlan(opts: PlanOptions): Promise<number> {
  const config = readConfigFile(opts.config);
  if (Object.keys(config.sources).length === 0) throw new UsageError(`${opts.config} configures no sources`);
  const volumes = await discoverVolumes(config, opts);
  const plan = estimatePlan(volumes, config.limits);
  process.stdout.write((opts.json ? JSON.stringify({ limits: config.limits, volumes, ...plan }, null, 2) : formatPlan(plan, config.limits)) + '\n');
  return 0;
}

export const planCommand: RegisterCommand = (program, exit) => {
  program
    .command('plan')
    .description('estimate the API calls and the time a collection run will take, before it starts')
    .option('--config <file>', 'the run config ({"sources": {...}, "limits": {...}})', 'convene.json')
    .option('--messages-per-channel <n>', 'assumed top-level messages per channel', number('--messages-per-channel', true), 200)
    .option('--threads-per-channel <n>', 'assumed threads per channel', number('--threads-per-channel', true), 10)
    .option('--replies-per-thread <n>', 'assumed replies per thread', number('--replies-per-thread', true), 3)
    .option('--events-per-calendar <n>', 'assumed events per calendar', number('--events-per-calendar', true), 500)
    .option('--drive-files <n>', 'assumed Drive files', number('--drive-files', true), 1000)
    .option('--json', 'print one JSON object instead of a table')
    .action(async (opts: PlanOptions) => {
      exit.code = await runPlan(opts);
    });
};
