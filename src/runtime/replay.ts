/**
 * `convene replay`: reads a bundle of exports as one batch, through the sources, the meeting
 * intelligence and into DuckDB, then validates the database and records the run.
 *
 * Components are declared with their dependencies and run in topological order by the
 * orchestrator: people (people.csv, the directory), calendars and Drive first (the indexes the
 * correlation uses), then the Slack export (its users, then channels, then messages through
 * the intelligence), then the identity map. A component that fails leaves the others' results
 * complete: the Slack stage runs degraded without calendars (Slack-only results) and the run
 * ends `partial`, with each component's fate in `runs.counts.components`.
 */
import { createHash } from 'node:crypto';
import { DEFAULTS } from '../config/defaults.js';
import type { Logger } from '../core/logger.js';
import { clearCheckpoints, loadCheckpoints } from '../sinks/duckdb/checkpoints.js';
import { Database, type OpenOptions } from '../sinks/duckdb/database.js';
import { DuckdbSink } from '../sinks/duckdb/duckdb.sink.js';
import { validateDatabase, type ValidationReport } from '../sinks/duckdb/validate.js';
import type { ReplayInputs } from './bundle.js';
import { pruneHistory } from '../sinks/duckdb/history.js';
import { earlierStageRecords, finishRun, markDegraded, newRunId, startRun, type RunStatus, type RunTotals } from './runs.js';
import { Job } from './job.js';
import type { Progress } from './progress/progress.js';
import { duckdbOpenOptions, jobSettings, logDuckdbSettings, type RuntimeSettings } from './runtime-settings.js';
import { jobStatus, runTasks, type Task, type TaskResult } from './orchestrator.js';
import type { StageCounts } from './stage.js';

export interface ReplayOptions {
  dbPath: string;
  logger: Logger;
  batchSize?: number;
  /** One line per stage for people watching the terminal. */
  progress?: (line: string) => void;
  clock?: () => Date;
  /** Ignore the checkpoints of an interrupted run of the same inputs and read everything again. */
  fullRefresh?: boolean;
  /** Run independent components (people, directory, calendars, Drive) at the same time. */
  parallel?: boolean;
  /** DuckDB memory_limit and threads (config `duckdb`). */
  duckdb?: OpenOptions;
  /** Rows the sink stages before merging them (config `duckdb.mergeRows`). */
  mergeRows?: number;
  /** Checkpoint interval and memory ceiling (config `checkpoints`, `resources`). */
  settings?: RuntimeSettings;
  /** Progress bars or JSON steps; the `progress` lines go through `note`. */
  reporter?: Progress;
}

export interface ReplayResult {
  runId: string;
  status: RunStatus;
  totals: RunTotals;
  stages: Record<string, StageCounts>;
  validation: ValidationReport;
  problems: number;
  /** The interrupted run this one resumed, if any. */
  resumedFrom: string | null;
  /** What became of each component. */
  components: TaskResult[];
}


export async function replay(inputs: ReplayInputs, options: ReplayOptions): Promise<ReplayResult> {
  const clock = options.clock ?? (() => new Date());
  const runId = newRunId(clock());
  const logger = options.logger.child({ runId });
  const progress = options.progress ?? (() => undefined);
  const batchSize = options.batchSize ?? DEFAULTS.batchSize;
  const db = await Database.open(options.dbPath, options.duckdb ?? duckdbOpenOptions({}));
  const sink = new DuckdbSink(db, runId, options.mergeRows);
  await sink.database();
  await logDuckdbSettings(db, logger);
  const scope = replayScope(inputs);
  const resumedFrom = options.fullRefresh ? null : await interruptedRun(db, scope, runId);
  if (!resumedFrom) await clearCheckpoints(db, scope);
  const checkpoints = (await loadCheckpoints(db, scope)).bySource;
  await startRun(db, runId, 'replay', resumedFrom ? 'resume' : 'full', { scope, inputs, resumedFrom }, clock());
  await pruneHistory(db, options.settings?.keepRunHistory ?? 5);
  if (resumedFrom) progress(`resuming run ${resumedFrom} from its checkpoints`);

  const expected = await earlierStageRecords(db, 'replay', scope);
  const job = new Job(sink, runId, () => scope, logger, progress, batchSize, undefined, jobSettings(options.settings, logger, options.reporter, expected));
  const stage = (name: string, type: string, config: unknown, intelligence = false): Promise<void> =>
    job.stage({ name, type, config, intelligence, skipThrough: checkpoints.get(name)?.cursor ?? null });

  const tasks: Task[] = [];
  if (inputs.people) tasks.push({ name: 'people', run: () => stage('people', 'people-csv', { path: inputs.people }) });
  if (inputs.directory.length) tasks.push({ name: 'directory', run: () => stage('directory', 'directory-files', { paths: inputs.directory }) });
  if (inputs.calendars.length) tasks.push({ name: 'calendars', run: () => stage('calendars', 'calendar-files', { paths: inputs.calendars }) });
  if (inputs.drive.length) tasks.push({ name: 'drive', run: () => stage('drive', 'drive-files', { paths: inputs.drive }) });
  const earlier = tasks.map((t) => t.name);
  const parseWorkers = options.settings?.resources?.parseWorkers;
  const slackConfig = parseWorkers === undefined ? { path: inputs.slack } : { path: inputs.slack, workers: parseWorkers };
  tasks.push({ name: 'slack', uses: earlier, run: () => stage('slack', 'slack-export', slackConfig, true) });
  tasks.push({
    name: 'identities',
    needs: ['slack'],
    uses: earlier.filter((n) => n === 'people' || n === 'directory'),
    run: () => job.writeIdentities(),
  });
  const components = await runTasks(tasks, {
    parallel: options.parallel ?? false,
    onResult: (r) => {
      if (r.status === 'failed') logger.error({ component: r.name, code: r.code }, r.reason ?? 'failed');
    },
  });
  const status: RunStatus = jobStatus(components);
  const failure = status === 'succeeded' ? null : components.filter((c) => c.status !== 'succeeded').map((c) => `${c.name} ${c.status}: ${c.reason}`).join('; ');
  // A run that did not succeed keeps its checkpoints, so the same command resumes it.
  if (status === 'succeeded') await clearCheckpoints(db, scope);

  const totals = job.totals({ components });
  const validation = await validateDatabase(db);
  await finishRun(db, runId, status, totals, validation, failure, clock());
  await markDegraded(db, runId, components);
  await sink.close();
  db.close();
  return { runId, status, totals, stages: job.stages, validation, problems: totals.problems, resumedFrom, components };
}

/** A replay's checkpoints belong to its inputs: the same command resumes, another starts afresh. */
export function replayScope(inputs: ReplayInputs): string {
  return `replay:${createHash('sha256').update(JSON.stringify(inputs)).digest('hex').slice(0, 16)}`;
}

/**
 * The newest earlier run of the same scope, if it did not finish (killed, or failed): its
 * checkpoints are resumed. Such runs are marked failed, since nothing will finish them now.
 */
async function interruptedRun(db: Database, scope: string, runId: string): Promise<string | null> {
  const rows = await db.all(
    `SELECT run_id, status FROM runs WHERE json_extract_string(config, '$.scope') = ? AND run_id <> ? ORDER BY started_at DESC LIMIT 1`,
    [scope, runId],
  );
  const last = rows[0];
  // A rolled-back run's writes and checkpoints are gone: the next replay starts afresh.
  if (!last || last['status'] === 'succeeded' || last['status'] === 'partial' || last['status'] === 'rolled_back') return null;
  await db.run(
    `UPDATE runs SET status = 'failed', message = coalesce(message, 'interrupted') WHERE status = 'running' AND json_extract_string(config, '$.scope') = ?`,
    [scope],
  );
  return String(last['run_id']);
}
