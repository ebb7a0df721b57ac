/**
 * `convene run`: collects from the sources in the configuration, incrementally by default
 * (each source reads from the cursor its last run left), or everything with a full refresh,
 * then the same operators and sink as a replay.
 *
 * An incremental run fetches only what changed. The meeting intelligence then runs over every
 * stored message, read back from the database a channel at a time in ts order (live collection
 * reads newest first, and replies before their parents), with indexes fed by every stored
 * person and calendar event: so a meeting's links and metrics take in what earlier runs
 * collected, and the results equal a replay of the same data.
 */
import { envelope, type Envelope } from '../core/envelope.js';
import type { Logger } from '../core/logger.js';
import type { LoadedConfig } from '../config/load.js';
import { archiveRun, parseDuration, parseSize, type Retention } from '../sinks/archive/archive.js';
import { loadCheckpoints } from '../sinks/duckdb/checkpoints.js';
import { Database } from '../sinks/duckdb/database.js';
import { DuckdbSink } from '../sinks/duckdb/duckdb.sink.js';
import { readCalendarEvents, readChannels, readPeople, storedMessagePages } from '../sinks/duckdb/read-back.js';
import { validateDatabase, type ValidationReport } from '../sinks/duckdb/validate.js';
import { ApiCache, cacheFileFor, parseCacheDuration } from './cache/api-cache.js';
import { withAnswers } from '../core/api-answers.js';
import { Job } from './job.js';
import { LimitedCallGate } from './limits/call-gate.js';
import { alertOnRun } from './resilience/alerts.js';
import { fallbacksOf } from './resilience/fallbacks.js';
import { RunResilience } from './resilience/run-resilience.js';
import { jobStatus, runTasks, type Task, type TaskResult } from './orchestrator.js';
import type { Progress } from './progress/progress.js';
import { pruneHistory } from '../sinks/duckdb/history.js';
import { earlierStageRecords, finishRun, markDegraded, newRunId, startRun, type RunStatus, type RunTotals } from './runs.js';
import { duckdbOpenOptions, jobSettings, logDuckdbSettings } from './runtime-settings.js';

export interface RunOptions {
  logger: Logger;
  fullRefresh?: boolean;
  parallel?: boolean;
  progress?: (line: string) => void;
  clock?: () => Date;
  /** Progress bars or JSON steps; the `progress` lines go through `note`. */
  reporter?: Progress;
  /** Records pushed to convene since the last run (Slack Events API), taken as one more Slack source. */
  pushed?: { name: string; take(): Envelope[] };
  /** When each alert rule was last posted, kept across the runs of one `convene watch`. */
  alertsPosted?: Map<string, number>;
  /** Ask every API again (no lifetime hits; ETags still revalidate): `run --fresh`. */
  fresh?: boolean;
  /** `convene watch`: answers are served within their lifetime only with `cache.inWatch`. */
  watching?: boolean;
}

export interface RunResult {
  runId: string;
  status: RunStatus;
  mode: 'incremental' | 'full';
  totals: RunTotals;
  components: TaskResult[];
  validation: ValidationReport;
}

/** What each kind of source provides, which decides the order the orchestrator runs them in. */
const ROLE: Record<string, 'people' | 'events' | 'files' | 'slack'> = {
  'people-csv': 'people',
  'directory-files': 'people',
  'google-directory': 'people',
  'calendar-files': 'events',
  'google-calendar': 'events',
  'drive-files': 'files',
  'google-drive': 'files',
  'slack-export': 'slack',
  'slack-web': 'slack',
};

/** Sources that read an API from a cursor. File sources are read whole every run: a file may have changed anywhere. */
const INCREMENTAL = new Set(['slack-web', 'google-calendar', 'google-drive', 'google-directory']);

export function runScope(sourceType: string): string {
  return `run:${sourceType}`;
}

export async function collect(loaded: LoadedConfig, options: RunOptions): Promise<RunResult> {
  const clock = options.clock ?? (() => new Date());
  const runId = newRunId(clock());
  const logger = options.logger.child({ runId });
  const progress = options.progress ?? (() => undefined);
  const { config } = loaded;
  const db = await Database.open(config.db, duckdbOpenOptions(config.duckdb));
  const sink = new DuckdbSink(db, runId, config.duckdb.mergeRows);
  await sink.database();
  await logDuckdbSettings(db, logger);
  const mode = options.fullRefresh ? 'full' : 'incremental';
  await startRun(db, runId, 'run', mode, { sources: Object.keys(loaded.sources) }, clock());
  await pruneHistory(db, config.resources.keepRunHistory);

  const resilience = await RunResilience.start(db, runId, config.resilience, logger, clock);
  const calls = new LimitedCallGate({ limits: config.limits, logger: logger.child({ component: 'call-gate' }), ...resilience.gateOptions() });
  const expected = await earlierStageRecords(db, 'run', null);
  const settings = jobSettings({ checkpoints: config.checkpoints, resources: config.resources }, logger, options.reporter, expected);
  const answers = config.cache.enabled
    ? new ApiCache({
        maxAgeMs: parseCacheDuration(config.cache.maxAge),
        activityFactor: config.cache.activityFactor,
        fresh: (options.fresh ?? false) || config.cache.fresh || (options.watching === true && !config.cache.inWatch),
        diskPath: cacheFileFor(config.cache, config.db),
        maxEntries: config.cache.maxEntries,
      })
    : null;
  const job = new Job(sink, runId, (name) => runScope(name), logger, progress, config.batchSize, answers ? withAnswers(calls, answers) : calls, settings);

  // What earlier runs stored: an incremental run's sources deliver only what changed.
  if (!options.fullRefresh) {
    for (const p of await readPeople(db)) job.learn(envelope('person', p.key, 0, 'database', p));
    for (const e of await readCalendarEvents(db)) job.learn(envelope('calendar_event', `${e.calendarId}:${e.id}`, e.start, 'database', e));
  }

  const tasks: Task[] = [];
  const byRole = (role: string): string[] => Object.keys(loaded.sources).filter((t) => ROLE[t] === role);
  for (const type of Object.keys(loaded.sources)) {
    const role = ROLE[type] ?? 'files';
    const earlier = role === 'slack' ? [...byRole('people'), ...byRole('events'), ...byRole('files')] : [];
    tasks.push({
      name: type,
      uses: earlier,
      run: async () => {
        const incremental = !options.fullRefresh && INCREMENTAL.has(type);
        const cursor = incremental ? (await loadCheckpoints(db, runScope(type))).bySource.get(type)?.cursor ?? undefined : undefined;
        await job.stage({ name: type, type, config: loaded.sources[type], ...(cursor ? { from: cursor } : {}) });
      },
    });
  }
  if (options.pushed) {
    const pushed = options.pushed;
    // What was pushed is taken now, before any source reads: a pushed message makes its
    // channel's cached history stale, so this run's read of that channel asks Slack.
    const taken = pushed.take();
    if (answers) for (const channel of new Set(taken.flatMap((e) => (e.kind === 'message' ? [(e.payload as { channelId: string }).channelId] : [])))) await answers.invalidate(channel);
    tasks.push({ name: pushed.name, run: () => job.stageFrom(pushed.name, taken) });
  }
  const slackSources = [...byRole('slack'), ...(options.pushed ? [options.pushed.name] : [])];
  if (slackSources.length > 0) {
    tasks.push({
      name: 'intelligence',
      // Without a fresh Slack read it derives from the messages stored before (a fallback, flagged).
      uses: [...slackSources, ...byRole('people'), ...byRole('events')],
      run: async () => {
        // Everything derived is derived again from every stored message: what an edit, a
        // deletion or a late reply no longer supports must not survive.
        // The rows deleted go to the history, so a rollback of this run brings them back.
        for (const table of ['signals', 'message_links', 'meetings', 'meeting_metrics']) await sink.clearTable(table);
        const stored = await readChannels(db);
        const channels = stored.map((c) => c.id);
        await job.derive('intelligence', async function* () {
          yield stored.map((c) => envelope('channel', c.id, c.created ?? 0, 'database', c));
          for await (const page of storedMessagePages(db, channels)) yield page.map((m) => envelope('message', `${m.channelId}:${m.ts}`, m.time, 'database', m));
        });
      },
    });
    tasks.push({ name: 'identities', uses: [...slackSources, ...byRole('people')], run: () => job.writeIdentities() });
  }

  const components = await runTasks(tasks, { parallel: options.parallel ?? false });
  const status = jobStatus(components);
  const failure = status === 'succeeded' ? null : components.filter((c) => c.status !== 'succeeded').map((c) => `${c.name} ${c.status}: ${c.reason}`).join('; ');
  const breakers = await resilience.finish();
  const fallbacks = fallbacksOf(components);
  for (const f of fallbacks) progress(`fallback   ${f.note}`);
  const apiCache = answers ? answers.stats() : null;
  await answers?.close();
  const totals = job.totals({ components, calls: calls.stats(), breakers: breakers.map((b) => ({ name: b.name, state: b.state })), fallbacks, ...(apiCache ? { apiCache } : {}) });
  const validation = await validateDatabase(db);
  await finishRun(db, runId, status, totals, validation, failure, clock(), resilience.errors);
  await markDegraded(db, runId, components);
  await alertOnRun(db, runId, config.resilience.alerts, logger, clock(), config.resources.memoryCeilingMB, options.alertsPosted);
  await sink.close();
  db.close();
  const archived = config.archive.dir ? await archiveRun(config.db, runId, { root: config.archive.dir, retention: retentionOf(config.archive) }) : null;
  if (archived) progress(`archived to ${config.archive.dir}/${runId}${archived.removed.length ? `; removed ${archived.removed.length} older archives` : ''}`);
  return { runId, status, mode, totals, components, validation };
}

export function retentionOf(a: { keep?: number | undefined; maxAge?: string | undefined; maxSize?: string | undefined }): Retention | undefined {
  if (a.keep === undefined && a.maxAge === undefined && a.maxSize === undefined) return undefined;
  return { keep: a.keep, maxAgeMs: a.maxAge === undefined ? undefined : parseDuration(a.maxAge), maxBytes: a.maxSize === undefined ? undefined : parseSize(a.maxSize) };
}
