/** The `errors` and `breakers` tables on a real DuckDB file: aggregation, error rate, overrides, persistence. */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConveneError } from '../../../src/core/errors.js';
import { LimitedCallGate } from '../../../src/runtime/limits/call-gate.js';
import { breakerStatuses, loadBreakers, overrideBreaker, saveBreaker } from '../../../src/runtime/resilience/breaker-store.js';
import { BreakerSet } from '../../../src/runtime/resilience/breakers.js';
import { BreakersConfig, ResilienceConfig } from '../../../src/runtime/resilience/config.js';
import { ErrorLog, recordRunErrors } from '../../../src/runtime/resilience/error-log.js';
import { errorsTotal } from '../../../src/runtime/telemetry/metrics.js';
import { errorGroups, errorRates } from '../../../src/runtime/resilience/error-report.js';
import { RunResilience } from '../../../src/runtime/resilience/run-resilience.js';
import { finishRun, startRun } from '../../../src/runtime/runs.js';
import { silentLogger } from '../../../src/core/logger.js';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { migrate } from '../../../src/sinks/duckdb/schema.js';
import { convene } from '../../support/cli.js';
import { scratch } from '../../support/paths.js';

async function withDb(name: string, work: (db: Database, path: string) => Promise<void>): Promise<void> {
  const path = join(scratch(), name);
  const db = await Database.open(path);
  try {
    await migrate(db);
    await work(db, path);
  } finally {
    // A test that hands the file to the CLI has closed it already.
    if (!closed.has(db)) db.close();
  }
}

const closed = new WeakSet<Database>();
function closeForCli(db: Database): void {
  db.close();
  closed.add(db);
}

test('a run\'s errors are grouped by component and code from the call gate, its input problems and its failed components, with its error rate', async () => {
  await withDb('errors.duckdb', async (db, path) => {
    const t0 = new Date('2026-11-01T10:00:00Z');
    await startRun(db, 'r1', 'run', 'incremental', {}, t0);
    for (const [seq, code, file] of [[1, 'INPUT_MALFORMED_JSON', 'a.json'], [2, 'INPUT_MALFORMED_JSON', 'b.json'], [3, 'INPUT_MALFORMED_RECORD', 'a.json']] as const) {
      await db.run("INSERT INTO input_problems (run_id, seq, code, source, file, entry, message) VALUES ('r1', ?, ?, 'slack-export', ?, '0', 'bad')", [seq, code, file]);
    }
    const log = new ErrorLog(() => t0);
    const gate = new LimitedCallGate({ limits: { maxAttempts: 3, backoffMs: 0 }, sleep: async () => undefined, onFailure: (f) => log.record(`${f.api}:${f.method}`, f.error.code, f.error.message, f.error.subject ?? null, new Date(t0.getTime() + f.attempt * 1000)) });
    await gate.call('calendar', 'events.list', async () => {
      throw new ConveneError('GOOGLE_UNAVAILABLE', 'events.list answered HTTP 503', { subject: 'ana@x' });
    }).catch(() => undefined);
    const components = [{ name: 'google-calendar', status: 'failed', reason: 'events.list answered HTTP 503', code: 'GOOGLE_UNAVAILABLE' }, { name: 'intelligence', status: 'degraded', reason: 'ran without google-calendar', code: null }];
    const calls = { 'calendar:events.list': { calls: 1, attempts: 3, failures: 1, rateLimited: 0, waitedMs: 0 } };
    const failedComponentCount = async (): Promise<number> =>
      (await errorsTotal.get()).values.find((v) => v.labels['component'] === 'google-calendar' && v.labels['code'] === 'GOOGLE_UNAVAILABLE')?.value ?? 0;
    const countedBefore = await failedComponentCount();
    await finishRun(db, 'r1', 'partial', { read: 97, stored: 94, skipped: 3, problems: 3, counts: { components, calls } }, null, null, new Date(t0.getTime() + 60_000), log);
    // The orchestrator counts a failed component in convene_errors_total when it fails; the run's end does not again.
    assert.is(await failedComponentCount(), countedBefore);

    const rows = await db.all("SELECT component, code, count, CAST(first_seen AS VARCHAR) AS first, CAST(last_seen AS VARCHAR) AS last, sample_subject FROM errors WHERE run_id = 'r1' ORDER BY component, code");
    assert.equal(rows.map((r) => [r['component'], r['code'], Number(r['count'])]), [
      ['calendar:events.list', 'GOOGLE_UNAVAILABLE', 3],
      ['google-calendar', 'GOOGLE_UNAVAILABLE', 1],
      ['slack-export', 'INPUT_MALFORMED_JSON', 2],
      ['slack-export', 'INPUT_MALFORMED_RECORD', 1],
    ]);
    assert.match(String(rows[0]!['first']), /10:00:01/);
    assert.match(String(rows[0]!['last']), /10:00:03/);
    assert.is(rows[0]!['sample_subject'], 'ana@x');
    assert.is(rows[2]!['sample_subject'], 'a.json#0');
    // 7 errors over 97 records read and 3 API attempts.
    const [run] = await db.all("SELECT error_count, error_rate FROM runs WHERE run_id = 'r1'");
    assert.equal([Number(run!['error_count']), Number(run!['error_rate'])], [7, 0.07]);

    const groups = await errorGroups(db, new Date('2026-10-01T00:00:00Z'));
    assert.is(groups[0]!.code, 'GOOGLE_UNAVAILABLE');
    assert.match(groups[0]!.guidance, /retries with back-off/);
    assert.equal((await errorRates(db, new Date('2026-10-01T00:00:00Z'))).map((r) => r.errorRate), [0.07]);
    closeForCli(db);
    // The command prints the groups and what to do for each code, and the same as JSON.
    const table = convene(['errors', '--db', path, '--since', '3650d']);
    assert.is(table.status, 0, table.stderr);
    assert.match(table.stdout, /GOOGLE_UNAVAILABLE +calendar:events\.list +3/);
    assert.match(table.stdout, /INPUT_MALFORMED_JSON: A JSON file could not be parsed\.\n +The file is not valid JSON/);
    assert.match(table.stdout, /r1 +run +partial +7 errors +7\.00 %/);
    const json = JSON.parse(convene(['errors', '--db', path, '--since', '3650d', '--format', 'json']).stdout) as { groups: Array<{ code: string; count: number }> };
    assert.is(json.groups.reduce((n, g) => n + g.count, 0), 7);
    assert.is(convene(['errors', '--db', path, '--since', 'soon']).status, 2);
  });
});

test('breaker state is stored on every change and at the end, and the next run starts from it', async () => {
  await withDb('breakers.duckdb', async (db) => {
    const config = ResilienceConfig.parse({ breakers: { consecutiveFailures: 2, halfOpenAfterMs: 60_000 } });
    const first = await RunResilience.start(db, 'r1', config, silentLogger);
    const slack = first.breakers.get('slack');
    for (let i = 0; i < 2; i++) await slack.execute(() => Promise.reject(new ConveneError('SLACK_UNAVAILABLE', 'answered HTTP 502'))).catch(() => undefined);
    await first.finish();
    const stored = (await loadBreakers(db)).get('slack')!;
    assert.equal([stored.state, stored.forced, stored.lastFailure, stored.runId], ['open', null, 'answered HTTP 502', 'r1']);
    assert.ok(stored.probeAt !== null && Date.parse(stored.probeAt) > Date.now());

    const second = await RunResilience.start(db, 'r2', config, silentLogger);
    const err = await second.breakers.get('slack').execute(async () => 'page').catch((e: unknown) => e as ConveneError);
    assert.is((err as ConveneError).code, 'BREAKER_OPEN');
    assert.is(second.breakers.get('google-drive').state(), 'closed');
    await second.finish();
    const [status] = await breakerStatuses(db, config.breakers, new Date());
    assert.match(status!.nextRun, /^open: calls fail at once until .*then one probe call decides; meanwhile Slack is not read/);
  });
});

test('a forced state wins over the stored counts, survives the runs that follow, and reset clears both', async () => {
  await withDb('forced.duckdb', async (db) => {
    const config = BreakersConfig.parse({});
    await overrideBreaker(db, 'google-calendar', 'open', new Date());
    let set = new BreakerSet(config, { stored: await loadBreakers(db) });
    assert.is(set.get('google-calendar').state(), 'forced-open');
    // A run ending does not undo the override.
    for (const v of set.views()) await saveBreaker(db, v, 'r1', new Date());
    set.dispose();
    assert.is((await loadBreakers(db)).get('google-calendar')!.forced, 'open');
    await overrideBreaker(db, 'google-calendar', 'close', new Date());
    set = new BreakerSet(config, { stored: await loadBreakers(db) });
    assert.is(set.get('google-calendar').state(), 'forced-closed');
    const statuses = await breakerStatuses(db, config, new Date());
    assert.match(statuses.find((s) => s.name === 'google-calendar')!.nextRun, /^forced closed: every call goes through/);
    await overrideBreaker(db, 'google-calendar', 'reset', new Date());
    set = new BreakerSet(config, { stored: await loadBreakers(db) });
    assert.is(set.get('google-calendar').state(), 'closed');
    const err = await overrideBreaker(db, 'jira', 'open', new Date()).catch((e: unknown) => e as ConveneError);
    assert.is((err as ConveneError).code, 'CONFIG_INVALID');
    assert.match((err as ConveneError).message, /slack, google-calendar, google-drive, google-directory/);
  });
});

test.run();
