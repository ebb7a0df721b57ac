/**
 * `convene run`: collects from the sources in the configuration, incrementally by default
 * (each source reads from the cursor its last run left), or everything with a full refresh,
 * then the same operators and sink as a replay.
 *
 * An incremental run reads only what changed, so what the intelligence needs from earlier
 * runs is read back from the database first (people and calendar events for the indexes),
 * and every meeting's metrics are computed again afterwards from all its stored links.
 */
import { envelope } from '../core/envelope.js';
import type { Logger } from '../core/logger.js';
import type { Meeting, MessageLink, Signal } from '../core/records.js';
import type { LoadedConfig } from '../config/load.js';
import { computeMeetingMetrics } from '../operators/metrics.logic.js';
import { archiveRun, parseDuration, parseSize, type Retention } from '../sinks/archive/archive.js';
import { loadCheckpoints } from '../sinks/duckdb/checkpoints.js';
import { Database } from '../sinks/duckdb/database.js';
import { DuckdbSink } from '../sinks/duckdb/duckdb.sink.js';
import { readCalendarEvents, readLinks, readMeetings, readPeople, readSignals } from '../sinks/duckdb/read-back.js';
import { validateDatabase, type ValidationReport } from '../sinks/duckdb/validate.js';
import { from } from 'rxjs';
import { Job } from './job.js';
import { LimitedCallGate } from './limits/call-gate.js';
import { jobStatus, runTasks, type Task, type TaskResult } from './orchestrator.js';
import { finishRun, newRunId, startRun, type RunStatus, type RunTotals } from './runs.js';
import { runStage } from './stage.js';

export interface RunOptions {
  logger: Logger;
  fullRefresh?: boolean;
  parallel?: boolean;
  progress?: (line: string) => void;
  clock?: () => Date;
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

export function runScope(sourceType: string): string {
  return `run:${sourceType}`;
}

export async function collect(loaded: LoadedConfig, options: RunOptions): Promise<RunResult> {
  const clock = options.clock ?? (() => new Date());
  const runId = newRunId(clock());
  const logger = options.logger.child({ runId });
  const progress = options.progress ?? (() => undefined);
  const { config } = loaded;
  const db = await Database.open(config.db, { ...(config.duckdb.memoryLimit ? { memoryLimit: config.duckdb.memoryLimit } : {}), ...(config.duckdb.threads ? { threads: config.duckdb.threads } : {}) });
  const sink = new DuckdbSink(db, runId);
  await sink.database();
  const mode = options.fullRefresh ? 'full' : 'incremental';
  await startRun(db, runId, 'run', mode, { sources: Object.keys(loaded.sources) }, clock());

  const calls = new LimitedCallGate({ limits: config.limits, logger: logger.child({ component: 'call-gate' }) });
  const job = new Job(sink, runId, (name) => runScope(name), logger, progress, config.batchSize, calls);

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
        const cursor = options.fullRefresh ? undefined : (await loadCheckpoints(db, runScope(type))).bySource.get(type)?.cursor ?? undefined;
        await job.stage({ name: type, type, config: loaded.sources[type], intelligence: role === 'slack', ...(cursor ? { from: cursor } : {}) });
      },
    });
  }
  const slackSources = byRole('slack');
  if (slackSources.length > 0) {
    tasks.push({ name: 'identities', needs: slackSources, uses: byRole('people'), run: () => job.writeIdentities() });
    tasks.push({ name: 'metrics', needs: slackSources, run: () => recomputeMetrics(db, sink, config.batchSize) });
  }

  const components = await runTasks(tasks, { parallel: options.parallel ?? false });
  const status = jobStatus(components);
  const failure = status === 'succeeded' ? null : components.filter((c) => c.status !== 'succeeded').map((c) => `${c.name} ${c.status}: ${c.reason}`).join('; ');
  const totals = job.totals({ components, calls: calls.stats() });
  const validation = await validateDatabase(db);
  await finishRun(db, runId, status, totals, validation, failure, clock());
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

/** Every meeting's metrics from all of its stored links and signals, whichever run stored them. */
export async function recomputeMetrics(db: Database, sink: DuckdbSink, batchSize: number): Promise<void> {
  const [meetings, links, signals] = await Promise.all([readMeetings(db), readLinks(db), readSignals(db)]);
  const signalByKey = new Map<string, Signal>(signals.map((s) => [`${s.channelId}:${s.ts}`, s]));
  const linksByMeeting = new Map<string, MessageLink[]>();
  for (const l of links) {
    const list = linksByMeeting.get(l.meetingId) ?? [];
    list.push(l);
    linksByMeeting.set(l.meetingId, list);
  }
  const envelopes = meetings.map((m: Meeting) => {
    const own = linksByMeeting.get(m.id) ?? [];
    const ownSignals = own.map((l) => signalByKey.get(`${l.channelId}:${l.ts}`)).filter((s): s is Signal => s !== undefined);
    return envelope('meeting_metrics', m.id, m.start, 'metrics', computeMeetingMetrics(m, own, ownSignals));
  });
  await runStage(() => from(envelopes), [], sink, { batchSize });
}
