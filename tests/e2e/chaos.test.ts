/**
 * Chaos: `convene run` against `convene emulate --faults`. Transient faults (5xx, timeouts, 429s,
 * malformed pages) are retried away, so the run ends with the checksums of a fault-free run;
 * with one API down for the whole run the run ends partial, flagged, with a clear report; and
 * the next run, with the API back, probes the open breaker, closes it and fills the gap.
 *
 * Kept small and fast: a 0.01-scale bundle, rate limits 1000 times faster, short back-offs,
 * timeouts and breaker waits.
 */
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { queryJson } from '../support/bundle.js';
import { convene, conveneAsync } from '../support/cli.js';
import { startEmulatorProcess } from '../support/emulator-cli.js';
import { scratch } from '../support/paths.js';

const dir = scratch('convene-chaos-');
const bundle = join(dir, 'bundle');

/** Short waits, so that a fault costs milliseconds: the same code paths as with real ones. */
const FAST = {
  limits: { backoffMs: 10, maxBackoffMs: 100 },
  defaults: { timeoutMs: 700 },
  resilience: { breakers: { halfOpenAfterMs: 200, maxHalfOpenAfterMs: 1000 } },
};

type Tables = Record<string, { rows: number; checksum: string }>;
const tables = (db: string): Tables => (JSON.parse(convene(['validate', '--db', db, '--json']).stdout) as { tables: Tables }).tables;

/** One `convene run` against an emulator started with `args`, stopped afterwards. */
async function runAgainst(db: string, name: string, args: readonly string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  const emu = await startEmulatorProcess(bundle, join(dir, `${name}.json`), ['--tier-scale', '1000', ...args], FAST);
  try {
    return await conveneAsync(['run', '--config', emu.configFile, '--db', db]);
  } finally {
    await emu.stop();
  }
}

let clean: Tables;

test.before(async () => {
  assert.is(convene(['generate', '--out', bundle, '--seed', '3', '--scale', '0.01']).status, 0);
  const db = join(dir, 'clean.duckdb');
  const r = await runAgainst(db, 'clean', []);
  assert.is(r.status, 0, r.stderr + r.stdout);
  clean = tables(db);
  assert.ok(clean['messages']!.rows > 1000, 'the bundle has messages to collect');
});

test('transient faults (5xx, 429, timeouts, malformed pages) are retried away: the run ends with the checksums of a fault-free run', async () => {
  const db = join(dir, 'transient.duckdb');
  const r = await runAgainst(db, 'transient', ['--faults', '5xx=0.06,429=0.04,timeout=0.01,malformed=0.04', '--seed', '11']);
  assert.is(r.status, 0, r.stderr + r.stdout);
  assert.equal(tables(db), clean);
  // The faults happened, were retried, and are on record by cause.
  const codes = queryJson(db, 'SELECT code, sum(count) AS n FROM errors GROUP BY code ORDER BY code');
  const byCode = Object.fromEntries(codes.map((c) => [String(c['code']), Number(c['n'])]));
  assert.ok((byCode['SLACK_UNAVAILABLE'] ?? 0) + (byCode['GOOGLE_UNAVAILABLE'] ?? 0) > 0, JSON.stringify(byCode));
  assert.ok((byCode['SLACK_RATE_LIMITED'] ?? 0) + (byCode['GOOGLE_RATE_LIMITED'] ?? 0) > 0, JSON.stringify(byCode));
  const [run] = queryJson(db, 'SELECT status, error_count, error_rate FROM runs');
  assert.is(run!['status'], 'succeeded');
  assert.ok(Number(run!['error_count']) > 0 && Number(run!['error_rate']) > 0 && Number(run!['error_rate']) < 0.5, JSON.stringify(run));
  const breakers = queryJson(db, "SELECT name, state FROM breakers ORDER BY name");
  assert.equal(breakers.map((b) => b['state']), ['closed', 'closed', 'closed', 'closed']);
});

test('Calendar down for the whole run: partial, flagged Slack-only, a clear report; the next run with Calendar back fills the gap', async () => {
  const db = join(dir, 'calendar-down.duckdb');
  const down = await runAgainst(db, 'calendar-down', ['--faults', 'calendar:5xx=1']);
  assert.is(down.status, 3, down.stderr + down.stdout);
  assert.match(down.stdout, /component google-calendar failed: .*\[(GOOGLE_UNAVAILABLE|BREAKER_OPEN)\]/);
  assert.match(down.stdout, /fallback +google-calendar failed .*Slack-only/);
  assert.match(down.stdout, /run \S+ partial/);
  // Slack was collected in full; the calendar events of the API are missing (only the ICS file's are there).
  const partial = tables(db);
  assert.equal(partial['messages'], clean['messages']);
  assert.ok(partial['calendar_events']!.rows < clean['calendar_events']!.rows);
  const [run] = queryJson(db, "SELECT status, json_extract(counts, '$.fallbacks[0].component') AS fallback FROM runs");
  assert.equal(run, { status: 'partial', fallback: '"google-calendar"' });
  const [breaker] = queryJson(db, "SELECT state FROM breakers WHERE name = 'google-calendar'");
  assert.is(breaker!['state'], 'open');
  const report = JSON.parse(convene(['errors', '--db', db, '--format', 'json']).stdout) as { groups: Array<{ code: string; component: string; guidance: string }> };
  const calendar = report.groups.find((g) => g.component === 'google-calendar');
  assert.ok(calendar && /Google|breaker/.test(calendar.guidance), JSON.stringify(report.groups));

  // Calendar is back: the open breaker's probe succeeds, it closes, and the gap is filled.
  await new Promise((r) => setTimeout(r, 250));
  const back = await runAgainst(db, 'calendar-back', []);
  assert.is(back.status, 0, back.stderr + back.stdout);
  assert.equal(tables(db), clean);
  const [closed] = queryJson(db, "SELECT state FROM breakers WHERE name = 'google-calendar'");
  assert.is(closed!['state'], 'closed');
});

test('Slack down for the whole run: the meeting intelligence falls back to the messages stored before, and the run says so', async () => {
  // The database of the test before: Calendar came back, so it holds what a clean run collects.
  const db = join(dir, 'calendar-down.duckdb');
  const down = await runAgainst(db, 'slack-down', ['--faults', 'slack:5xx=1']);
  assert.is(down.status, 3, down.stderr + down.stdout);
  assert.match(down.stdout, /component slack-web failed/);
  assert.match(down.stdout, /component intelligence degraded: ran without slack-web/);
  assert.match(down.stdout, /fallback +slack-web failed .*messages stored by earlier runs/);
  // The results are those of the stored data: every table as after the last good run.
  assert.equal(tables(db), clean);
});

test.run();
