import { duckdbOpenOptions } from '../../runtime/runtime-settings.js';
import { resolve } from 'node:path';
import { discoverBundle, mergeInputs } from '../../runtime/bundle.js';
import { replay, type ReplayResult } from '../../runtime/replay.js';
import { cliLogger, cliProgress, logFormat } from '../log.js';
import { jsonProgress } from '../../runtime/progress/progress.js';
import { loadConfig } from '../../config/load.js';
import { Database } from '../../sinks/duckdb/database.js';

export interface ReplayFlags {
  slack?: string;
  calendar: string[];
  drive: string[];
  directory: string[];
  people?: string;
  db: string;
  batchSize: number;
  quiet?: boolean;
  fullRefresh?: boolean;
  parallel?: boolean;
  archive?: string;
  keepArchives?: number;
  config?: string;
}

/** Problems printed in full; the rest are counted and stay queryable in input_problems. */
const SHOWN_PROBLEMS = 20;

/**
 * Replays and prints what happened. Given `writeLine` (the CLI), progress is drawn as the
 * terminal and `--log-format` call for; given another printer (the demo), lines go to it.
 */
export async function replayAndReport(bundle: string | undefined, flags: ReplayFlags, printer: (line: string) => void): Promise<ReplayResult> {
  const inputs = mergeInputs(bundle ? discoverBundle(resolve(bundle)) : null, {
    ...(flags.slack ? { slack: resolve(flags.slack) } : {}),
    calendars: flags.calendar.map((p) => resolve(p)),
    drive: flags.drive.map((p) => resolve(p)),
    directory: flags.directory.map((p) => resolve(p)),
    ...(flags.people ? { people: resolve(flags.people) } : {}),
  });
  // The config file, when there is one, gives DuckDB's limits, the checkpoint interval, the memory ceiling and the log format.
  const { config } = loadConfig({ ...(flags.config ? { file: flags.config } : {}) });
  const cli = printer === writeLine;
  const display = cli ? cliProgress({ quiet: flags.quiet ?? false, format: config.logFormat }) : { print: flags.quiet ? () => undefined : printer, reporter: undefined };
  const duckdb = duckdbOpenOptions(config.duckdb);
  const started = Date.now();
  const result = await replay(inputs, {
    dbPath: flags.db,
    logger: cliLogger({ format: config.logFormat }),
    batchSize: flags.batchSize,
    fullRefresh: flags.fullRefresh ?? false,
    parallel: flags.parallel ?? false,
    progress: display.print,
    ...(display.reporter ? { reporter: display.reporter } : {}),
    duckdb,
    mergeRows: config.duckdb.mergeRows,
    settings: { checkpoints: config.checkpoints, resources: config.resources, keepRunHistory: config.resources.keepRunHistory },
  });
  display.reporter?.close();
  // Results are printed even with --quiet; as JSON objects with --log-format json.
  const print = cli && logFormat(config.logFormat) === 'json' ? jsonProgress(writeLine).note : printer;
  const t = result.totals;
  if (result.problems > 0) {
    const db = await Database.open(flags.db, { readOnly: true });
    try {
      const rows = await db.all('SELECT code, file, entry, message FROM input_problems WHERE run_id = ? ORDER BY seq LIMIT ?', [result.runId, SHOWN_PROBLEMS]);
      for (const r of rows) print(`problem ${String(r['code'])}: ${String(r['file'])}${r['entry'] === null ? '' : `#${String(r['entry'])}`}: ${String(r['message'])}`);
      if (result.problems > rows.length) print(`… and ${result.problems - rows.length} more: convene query "SELECT * FROM input_problems WHERE run_id = '${result.runId}'" --db ${flags.db}`);
    } finally {
      db.close();
    }
  }
  if (result.status !== 'succeeded') {
    for (const c of result.components.filter((x) => x.status !== 'succeeded')) print(`component ${c.name} ${c.status}: ${c.reason}`);
  }
  if (flags.archive) {
    const { archiveRun } = await import('../../sinks/archive/archive.js');
    const archived = await archiveRun(flags.db, result.runId, { root: flags.archive, ...(flags.keepArchives ? { retention: { keep: flags.keepArchives } } : {}) });
    print(`archived to ${flags.archive}/${result.runId}${archived.removed.length ? `; removed ${archived.removed.length} older archives` : ''}`);
  }
  const checks = result.validation.problems.length === 0 ? 'validation passed' : `validation found ${result.validation.problems.length} problems (convene validate --db ${flags.db})`;
  print(`replay ${result.runId} ${result.status}: read ${t.read} records, stored ${t.stored}, skipped ${t.skipped} in ${((Date.now() - started) / 1000).toFixed(1)} s; ${checks}`);
  return result;
}

function writeLine(line: string): void {
  process.stdout.write(line + '\n');
}

/** Exit codes: 0 succeeded, 3 partial (some components failed; see docs/cli.md), 1 failed or invalid. */
export async function runReplay(bundle: string | undefined, flags: ReplayFlags): Promise<number> {
  const result = await replayAndReport(bundle, flags, writeLine);
  if (result.status === 'failed' || result.validation.problems.length > 0) return 1;
  return result.status === 'partial' ? 3 : 0;
}
