/** The monitoring REST API over HTTP, against a replayed database. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Database } from '../../../src/sinks/duckdb/database.js';
import type { RunningServer } from '../../../src/serve/server.js';
import { convene } from '../../support/cli.js';
import { databaseCopy, getJson, replayedDatabase, serve } from './serve-support.js';

let db: string;
let server: RunningServer;
let base: string;

test.before(async () => {
  db = replayedDatabase();
  server = await serve(db);
  base = server.url;
});
test.after(async () => {
  await server.close();
});

const ids = (rows: unknown): string[] => (rows as Array<{ id: string }>).map((r) => r.id);

test('meetings take the CLI filters as query parameters and give the rows `convene meetings` gives', async () => {
  for (const [query, flags] of [
    ['kind=huddle', ['--kind', 'huddle']],
    ['search=sync&limit=5', ['--search', 'sync', '--limit', '5']],
    ['from=2026-03-03&to=2026-03-04&offset=2', ['--from', '2026-03-03', '--to', '2026-03-04', '--offset', '2']],
    ['min-cost=20', ['--min-cost', '20']],
  ] as const) {
    const api = await getJson(`${base}/api/meetings?${query}&limit=1000`.replace('&limit=5&limit=1000', '&limit=5'));
    assert.is(api.status, 200, query);
    const cli = convene(['meetings', '--db', db, '--format', 'json', ...flags]);
    assert.is(cli.status, 0, cli.stderr);
    const expected = ids(JSON.parse(cli.stdout));
    assert.ok(expected.length > 0, `the fixture has meetings for ${query}`);
    assert.equal(ids(api.body['rows']), expected, query);
  }
});

/** `convene_cache_requests_total` for the query cache's memory level, by result, from /metrics. */
async function queryCacheCounts(): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const counts: Record<string, number> = {};
  for (const m of text.matchAll(/^convene_cache_requests_total\{([^}]*)\} (\S+)$/gm)) {
    if (!m[1]!.includes('cache="query"') || !m[1]!.includes('level="memory"')) continue;
    const result = /result="(\w+)"/.exec(m[1]!)![1]!;
    counts[result] = Number(m[2]);
  }
  return counts;
}

test('a meetings query asked again is answered from the query cache, with the same rows', async () => {
  const url = `${base}/api/meetings?kind=huddle&limit=7&offset=1`;
  const first = await getJson(url);
  const before = await queryCacheCounts();
  const again = await getJson(url);
  const after = await queryCacheCounts();
  assert.equal(again.body, first.body);
  assert.is((after['hit'] ?? 0) - (before['hit'] ?? 0), 1, JSON.stringify({ before, after }));
  assert.is((after['miss'] ?? 0) - (before['miss'] ?? 0), 0);
});

test('messages are filtered by channel and kind like `convene messages`', async () => {
  const api = await getJson(`${base}/api/messages?kind=propose&limit=1000`);
  assert.is(api.status, 200);
  const cli = JSON.parse(convene(['messages', '--db', db, '--format', 'json', '--kind', 'propose']).stdout) as Array<{ ts: string }>;
  const rows = api.body['rows'] as Array<{ ts: string; signal: string }>;
  assert.ok(rows.length > 0);
  assert.equal(rows.map((r) => r.ts), cli.map((r) => r.ts));
  assert.ok(rows.every((r) => r.signal === 'propose'));
});

test('bad parameters are refused with 400 and a message naming the parameter', async () => {
  const cases: Array<[string, RegExp]> = [
    ['/api/meetings?limit=abc', /limit must be a whole number/],
    ['/api/meetings?from=2026-02-30', /from is not a real date/],
    ['/api/meetings?kind=brunch', /kind for meetings must be one of scheduled, huddle, adhoc/],
    ['/api/meetings?limit=5000', /limit must be at most 1000/],
    ['/api/meetings?from=2026-03-05&to=2026-03-01', /from is after to/],
    ['/api/meetings?sql=DROP%20TABLE%20meetings', /unknown query parameter "sql"/],
    ['/api/meetings?search=a&search=b', /search must be given once/],
    ['/api/messages?min-cost=-1', /min-cost must be a number/],
    ['/api/export?table=meetings', /format is required/],
    ['/api/export?format=exe', /format must be one of parquet, csv, json, ndjson, xlsx, html/],
    ['/api/export?format=csv&table=secrets', /table must be one of/],
    ['/api/export?format=csv&table=people&kind=huddle', /kind does not apply to the people table/],
    ['/api/runs?limit=0', /limit must be between 1 and 500/],
    ['/api/status?verbose=1', /unknown query parameter "verbose"; this endpoint takes none/],
  ];
  for (const [path, message] of cases) {
    const r = await getJson(base + path);
    assert.is(r.status, 400, path);
    assert.match(String(r.body['error']), message, path);
  }
  const meetings = await getJson(`${base}/api/status`);
  assert.ok(((meetings.body['totals'] as { meetings: number }).meetings) > 0, 'the table is still there');
  const missing = await getJson(`${base}/api/nothing`);
  assert.is(missing.status, 404);
});

test('a meeting drills down to its linked messages', async () => {
  const list = await getJson(`${base}/api/meetings?limit=1000`);
  const withMessages = (list.body['rows'] as Array<{ id: string; messages: number | null }>).find((m) => (m.messages ?? 0) >= 3)!;
  const detail = await getJson(`${base}/api/meetings/${encodeURIComponent(withMessages.id)}`);
  assert.is(detail.status, 200);
  assert.is((detail.body['meeting'] as { id: string }).id, withMessages.id);
  const messages = detail.body['messages'] as Array<{ text: string; ts: string }>;
  assert.is(messages.length, withMessages.messages);
  assert.ok(messages.every((m) => typeof m.text === 'string' && m.ts.length > 0));
  const none = await getJson(`${base}/api/meetings/nope`);
  assert.is(none.status, 404);
  assert.match(String(none.body['error']), /no meeting with id "nope"/);
});

test('exports answer with the file in the asked format, filtered', async () => {
  const csv = await fetch(`${base}/api/export?format=csv&table=meetings&kind=huddle`);
  assert.is(csv.status, 200);
  assert.match(csv.headers.get('content-type') ?? '', /text\/csv/);
  assert.match(csv.headers.get('content-disposition') ?? '', /attachment; filename="meetings.csv"/);
  const lines = (await csv.text()).trim().split('\n');
  const huddles = JSON.parse(convene(['meetings', '--db', db, '--format', 'json', '--kind', 'huddle']).stdout) as unknown[];
  assert.is(lines.length - 1, huddles.length);
  assert.match(lines[0]!, /^id,source,kind,/);
  const parquet = Buffer.from(await (await fetch(`${base}/api/export?format=parquet&table=messages`)).arrayBuffer());
  assert.is(parquet.subarray(0, 4).toString(), 'PAR1');
  const ndjson = await (await fetch(`${base}/api/export?format=ndjson&table=signals&kind=confirm`)).text();
  const kinds = new Set(ndjson.trim().split('\n').map((l) => (JSON.parse(l) as { kind: string }).kind));
  assert.equal([...kinds], ['confirm']);
  const xlsx = Buffer.from(await (await fetch(`${base}/api/export?format=xlsx`)).arrayBuffer());
  assert.is(xlsx.subarray(0, 2).toString(), 'PK');
});

test('status without a run in progress shows the last run and the totals', async () => {
  const s = await getJson(`${base}/api/status`);
  assert.is(s.status, 200);
  assert.is(s.body['running'], false);
  assert.is(s.body['run'], null);
  const last = s.body['lastRun'] as { command: string; status: string; read: number; throughput: number };
  assert.is(last.command, 'replay');
  assert.is(last.status, 'succeeded');
  assert.ok(last.read > 3000 && last.throughput > 0);
  const count = JSON.parse(convene(['query', 'SELECT count(*) AS n FROM meetings', '--db', db, '--format', 'json']).stdout) as Array<{ n: number }>;
  assert.is((s.body['totals'] as { meetings: number }).meetings, Number(count[0]!.n));
});

test('health is green per component after a clean replay, with the reason', async () => {
  const h = await getJson(`${base}/api/health`);
  assert.is(h.status, 200);
  assert.is(h.body['overall'], 'green');
  const components = h.body['components'] as Array<{ name: string; status: string; why: string }>;
  for (const name of ['run', 'slack', 'calendars', 'people', 'input']) {
    const c = components.find((x) => x.name === name);
    assert.ok(c, name);
    assert.is(c!.status, 'green', name);
  }
  assert.match(components.find((c) => c.name === 'run')!.why, /last replay succeeded/);
  assert.equal(h.body['alerts'], []);
});

test('health turns red for a failed component and yellow for input problems, and says why', async () => {
  const copy = databaseCopy('health');
  const d = await Database.open(copy);
  const components = [
    { name: 'calendars', status: 'failed', reason: 'GOOGLE_AUTH: Google refused the credentials', code: 'GOOGLE_AUTH' },
    { name: 'slack', status: 'degraded', reason: 'ran without calendars', code: null },
  ];
  await d.run(
    `INSERT INTO runs (run_id, command, mode, status, started_at, finished_at, records_read, problems, counts) VALUES ('r-bad', 'run', 'incremental', 'partial', now() + INTERVAL 1 MINUTE, now() + INTERVAL 2 MINUTE, 1000, 2, ?)`,
    [JSON.stringify({ components })],
  );
  await d.run(`INSERT INTO input_problems VALUES ('r-bad', 1, 'INPUT_MALFORMED_JSON', 'slack-export', 'general/2026-03-01.json', NULL, 'unexpected token'), ('r-bad', 2, 'INPUT_MALFORMED_JSON', 'slack-export', 'general/2026-03-02.json', NULL, 'unexpected token')`);
  d.close();
  const s = await serve(copy);
  try {
    const h = await getJson(`${s.url}/api/health`);
    const byName = new Map((h.body['components'] as Array<{ name: string; status: string; why: string }>).map((c) => [c.name, c]));
    assert.is(h.body['overall'], 'red');
    assert.is(byName.get('calendars')!.status, 'red');
    assert.match(byName.get('calendars')!.why, /failed in the last run: GOOGLE_AUTH/);
    assert.is(byName.get('slack')!.status, 'yellow');
    assert.is(byName.get('run')!.status, 'yellow');
    assert.is(byName.get('input')!.status, 'yellow');
    assert.match(byName.get('input')!.why, /2 input problems in the last run \(INPUT_MALFORMED_JSON ×2\)/);
    const alerts = h.body['alerts'] as Array<{ severity: string; subject: string }>;
    assert.ok(alerts.some((a) => a.severity === 'critical' && a.subject === 'calendars'));
    const metrics = await (await fetch(`${s.url}/metrics`)).text();
    assert.match(metrics, /convene_component_health\{component="calendars"\} 2/);
    assert.match(metrics, /convene_component_health\{component="slack"\} 1/);
  } finally {
    await s.close();
  }
});

test('the run history marks a run whose throughput is far from the runs before it', async () => {
  const copy = databaseCopy('history');
  const d = await Database.open(copy);
  // Ten runs at about 1000 records/s, then one at 100.
  const seconds = [10, 10.2, 9.9, 10.1, 10, 9.8, 10.3, 10, 10.1, 9.9, 100];
  for (const [i, s] of seconds.entries()) {
    await d.run(
      `INSERT INTO runs (run_id, command, mode, status, started_at, finished_at, records_read, problems) VALUES (?, 'run', 'incremental', 'succeeded', TIMESTAMPTZ '2030-01-01 00:00:00+00' + to_hours(?), TIMESTAMPTZ '2030-01-01 00:00:00+00' + to_hours(?) + to_milliseconds(?), 10000, 0)`,
      [`h${String(i).padStart(2, '0')}`, i, i, BigInt(Math.round(s * 1000))],
    );
  }
  d.close();
  const s = await serve(copy);
  try {
    const r = await getJson(`${s.url}/api/runs?limit=11`);
    const runs = r.body['runs'] as Array<{ runId: string; throughput: number; throughputNorm: number; anomalies: string[] }>;
    assert.is(runs.length, 11);
    assert.is(runs[0]!.runId, 'h10');
    assert.is(runs[0]!.throughput, 100);
    assert.equal(runs[0]!.anomalies, ['throughput']);
    assert.ok(Math.abs(runs[0]!.throughputNorm - 1000) < 20);
    assert.ok(runs.slice(1).every((x) => x.anomalies.length === 0));
    const h = await getJson(`${s.url}/api/health`);
    assert.ok((h.body['alerts'] as Array<{ subject: string; message: string }>).some((a) => a.subject === 'trend' && /throughput 100\/s/.test(a.message)));
  } finally {
    await s.close();
  }
});

test('/metrics answers in the Prometheus text format with the convene_ metrics and the process metrics', async () => {
  const res = await fetch(`${base}/metrics`);
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain; version=0\.0\.4/);
  const text = await res.text();
  for (const name of ['convene_records_in_total', 'convene_stage_batch_seconds', 'convene_database_size_bytes', 'convene_process_resident_memory_bytes', 'convene_nodejs_eventloop_lag_seconds']) assert.match(text, new RegExp(`# TYPE ${name} `), name);
  const size = Number(/^convene_database_size_bytes (\d+)/m.exec(text)?.[1]);
  assert.ok(size > 100_000, `database size ${size}`);
});

test('errors are grouped by component and code', async () => {
  const copy = databaseCopy('errors');
  const d = await Database.open(copy);
  await d.run(`INSERT INTO errors VALUES ('r1', 'slack-web', 'SLACK_UNAVAILABLE', now(), now(), 3, '502 from conversations.history', NULL), ('r2', 'slack-web', 'SLACK_UNAVAILABLE', now(), now(), 2, '503', NULL)`);
  d.close();
  const s = await serve(copy);
  try {
    const r = await getJson(`${s.url}/api/errors`);
    assert.is(r.body['source'], 'errors');
    const rows = r.body['rows'] as Array<{ component: string; code: string; count: number; runs: number }>;
    assert.equal(rows.map((x) => [x.component, x.code, x.count, x.runs]), [['slack-web', 'SLACK_UNAVAILABLE', 5, 2]]);
  } finally {
    await s.close();
  }
});

test('a breaker override is written for the next run, and health shows it', async () => {
  const copy = databaseCopy('breakers');
  const s = await serve(copy);
  try {
    const post = (name: string, body: string, type = 'application/json') => getJson(`${s.url}/api/breakers/${name}`, { method: 'POST', headers: { 'content-type': type }, body });
    const open = await post('slack', '{"action":"open"}');
    assert.is(open.status, 200, JSON.stringify(open.body));
    assert.match(String(open.body['effect']), /holds the breaker open/);
    const h = await getJson(`${s.url}/api/health`);
    const slack = (h.body['components'] as Array<{ name: string; status: string; why: string }>).find((c) => c.name === 'breaker:slack')!;
    assert.is(slack.status, 'red');
    assert.match(slack.why, /forced open by hand/);
    assert.is((await post('slack', '{"action":"explode"}')).status, 400);
    assert.is((await post('slack', '{"action":"open","extra":1}')).status, 400);
    assert.is((await post('teams', '{"action":"open"}')).status, 404);
    assert.is((await post('slack', 'action=open', 'application/x-www-form-urlencoded')).status, 415);
    assert.is((await post('slack', '{"action":"reset"}')).status, 200);
    const rows = JSON.parse(convene(['query', "SELECT state, forced FROM breakers WHERE name = 'slack'", '--db', copy, '--format', 'json']).stdout) as unknown[];
    assert.equal(rows, [{ state: 'closed', forced: null }]);
  } finally {
    await s.close();
  }
});

test('server-sent events push the status every interval', async () => {
  const s = await serve(db, { eventIntervalMs: 100 });
  try {
    const res = await fetch(`${s.url}/api/events`);
    assert.match(res.headers.get('content-type') ?? '', /text\/event-stream/);
    const reader = res.body!.getReader();
    let text = '';
    while ((text.match(/event: status/g) ?? []).length < 3) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    const first = /event: status\ndata: (.*)\n/.exec(text)![1]!;
    assert.is((JSON.parse(first) as { running: boolean }).running, false);
    assert.match(text, /event: health\ndata: \{"overall":"green"/);
  } finally {
    await s.close();
  }
});

test.run();
