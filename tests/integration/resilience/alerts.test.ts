/** Alerts after a run, delivered to a local receiver as a Slack incoming webhook would get them. */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { join } from 'node:path';
import express from 'express';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Logger } from '../../../src/core/logger.js';
import { alertOnRun } from '../../../src/runtime/resilience/alerts.js';
import { overrideBreaker } from '../../../src/runtime/resilience/breaker-store.js';
import { AlertsConfig } from '../../../src/runtime/resilience/config.js';
import { finishRun, startRun } from '../../../src/runtime/runs.js';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { migrate } from '../../../src/sinks/duckdb/schema.js';
import { scratch } from '../../support/paths.js';

interface Received {
  contentType: string | undefined;
  body: { text?: unknown; blocks?: Array<{ type: string; text?: { text: string } }> };
}

let server: Server;
let url = '';
let answer = 200;
const received: Received[] = [];

function recordingLogger(): Logger & { lines: Array<{ level: string; obj: Record<string, unknown>; msg: string | undefined }> } {
  const lines: Array<{ level: string; obj: Record<string, unknown>; msg: string | undefined }> = [];
  const log = (level: string) => (obj: object, msg?: string) => void lines.push({ level, obj: obj as Record<string, unknown>, msg });
  const logger = { lines, debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), child: () => logger };
  return logger;
}

test.before(async () => {
  const app = express();
  app.use(express.json());
  // What Slack's incoming webhooks check: a JSON object with a non-empty text (blocks optional).
  app.post('/hooks/convene', (req, res) => {
    received.push({ contentType: req.headers['content-type'], body: req.body as Received['body'] });
    if (typeof (req.body as { text?: unknown }).text !== 'string' || (req.body as { text: string }).text === '') return void res.status(400).send('no_text');
    res.status(answer).send(answer === 200 ? 'ok' : 'internal_error');
  });
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/convene`;
});

test.after(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function partialRun(db: Database, runId: string, started: Date): Promise<void> {
  await startRun(db, runId, 'run', 'incremental', {}, started);
  const components = [
    { name: 'google-calendar', status: 'failed', reason: 'google-calendar: the google-calendar circuit breaker is open [BREAKER_OPEN]', code: 'BREAKER_OPEN' },
    { name: 'slack-web', status: 'succeeded', reason: null, code: null },
  ];
  await finishRun(db, runId, 'partial', { read: 10, stored: 10, skipped: 0, problems: 0, counts: { components } }, null, 'google-calendar failed', new Date(started.getTime() + 1000));
}

test('a partial run with a breaker open too long posts one Slack-webhook message with both alerts, and logs each', async () => {
  const db = await Database.open(join(scratch(), 'alerts.duckdb'));
  try {
    await migrate(db);
    const now = new Date();
    await overrideBreaker(db, 'google-calendar', 'open', new Date(now.getTime() - 3_600_000));
    await partialRun(db, 'run-1', now);
    const logger = recordingLogger();
    const config = AlertsConfig.parse({ webhookUrl: url });
    const before = received.length;
    const outcome = await alertOnRun(db, 'run-1', config, logger, new Date(now.getTime() + 2000));
    assert.equal(outcome.alerts.map((a) => a.rule).sort(), ['breaker-open', 'error-rate', 'run-status']);
    assert.is(outcome.delivered, true);
    assert.is(received.length - before, 1, 'one POST for all alerts of the run');
    const got = received[received.length - 1]!;
    assert.match(got.contentType ?? '', /application\/json/);
    assert.match(String(got.body.text), /^convene: 3 alerts after run run-1 \(run, partial\)/);
    assert.equal(got.body.blocks!.map((b) => b.type), ['header', 'section', 'section', 'section', 'context']);
    assert.ok(got.body.blocks!.some((b) => /google-calendar circuit breaker has been forced open for 1\.0 h/.test(b.text?.text ?? '')), JSON.stringify(got.body.blocks));
    const alertLines = logger.lines.filter((l) => l.msg?.startsWith('alert: '));
    assert.is(alertLines.length, 3);
    assert.ok(alertLines.every((l) => l.level === 'warn' && l.obj['runId'] === 'run-1'));
  } finally {
    db.close();
  }
});

test('a receiver that answers 500 does not fail anything: the alerts are still logged, with ALERT_DELIVERY_FAILED', async () => {
  const db = await Database.open(join(scratch(), 'alerts-500.duckdb'));
  answer = 500;
  try {
    await migrate(db);
    await partialRun(db, 'run-2', new Date());
    const logger = recordingLogger();
    const outcome = await alertOnRun(db, 'run-2', AlertsConfig.parse({ webhookUrl: url }), logger);
    assert.is(outcome.delivered, false);
    assert.ok(outcome.alerts.length > 0);
    const failed = logger.lines.find((l) => l.obj['code'] === 'ALERT_DELIVERY_FAILED');
    assert.ok(failed, JSON.stringify(logger.lines));
    assert.match(failed!.msg ?? '', /answered HTTP 500/);
    const unreachable = await alertOnRun(db, 'run-2', AlertsConfig.parse({ webhookUrl: 'http://127.0.0.1:9/hooks', timeoutMs: 500 }), logger);
    assert.is(unreachable.delivered, false);
  } finally {
    answer = 200;
    db.close();
  }
});

test('a run that went well posts nothing', async () => {
  const db = await Database.open(join(scratch(), 'alerts-ok.duckdb'));
  try {
    await migrate(db);
    await startRun(db, 'run-3', 'run', 'incremental', {}, new Date());
    await finishRun(db, 'run-3', 'succeeded', { read: 100, stored: 100, skipped: 0, problems: 0, counts: { components: [] } }, null, null, new Date());
    const before = received.length;
    const outcome = await alertOnRun(db, 'run-3', AlertsConfig.parse({ webhookUrl: url }), recordingLogger());
    assert.equal(outcome, { alerts: [], delivered: null });
    assert.is(received.length, before);
    // With a memory ceiling (resources.memoryCeilingMB), the run's peak resident memory counts: this process is above 16 MB.
    const tight = await alertOnRun(db, 'run-3', AlertsConfig.parse({}), recordingLogger(), new Date(), 16);
    assert.equal(tight.alerts.map((a) => a.rule), ['memory']);
    assert.match(tight.alerts[0]!.title, /of the ceiling 16 MB/);
  } finally {
    db.close();
  }
});

test.run();
