/**
 * Alerts after a run: the facts are read from the database (the run, the earlier runs of the
 * same kind, the breakers) and the process; each alert that fires is written as a log line,
 * and, when `resilience.alerts.webhookUrl` is set, all of them go in one POST whose JSON a
 * Slack incoming webhook accepts. A delivery that fails is logged (ALERT_DELIVERY_FAILED) and
 * never fails the run.
 */
import { getHeapStatistics } from 'node:v8';
import { ConveneError } from '../../core/errors.js';
import type { Logger } from '../../core/logger.js';
import type { Database } from '../../sinks/duckdb/database.js';
import { loadBreakers } from './breaker-store.js';
import { alertsToPost, evaluateAlerts, slackPayload, type Alert, type AlertFacts } from './alerts.logic.js';
import type { AlertsConfig } from './config.js';

export interface AlertOutcome {
  readonly alerts: Alert[];
  /** Whether a webhook POST was made and answered 2xx; null when no webhook is configured or nothing fired. */
  readonly delivered: boolean | null;
}

const n = (v: unknown): number => Number(v ?? 0);

/** The facts of a finished run, from its `runs` row (status, counts, error rate) and the breakers. */
export async function alertFacts(db: Database, runId: string, now: Date, memoryCeilingMB?: number): Promise<AlertFacts | null> {
  const row = (
    await db.all(
      `SELECT run_id, command, mode, status, records_read, error_count, error_rate, epoch_ms(finished_at) - epoch_ms(started_at) AS ms,
              CAST(json_extract(counts, '$.components') AS VARCHAR) AS components FROM runs WHERE run_id = ?`,
      [runId],
    )
  )[0];
  if (row === undefined) return null;
  const earlier = await db.all(
    `SELECT records_read / ((epoch_ms(finished_at) - epoch_ms(started_at)) / 1000.0) AS rate FROM runs
      WHERE run_id <> ? AND command = ? AND coalesce(mode, '') = coalesce(?, '') AND status <> 'running' AND finished_at > started_at AND records_read >= 100
      ORDER BY started_at DESC LIMIT 5`,
    [runId, String(row['command']), row['mode'] === null ? null : String(row['mode'])],
  );
  let components: AlertFacts['components'] = [];
  try {
    const parsed: unknown = row['components'] === null ? [] : JSON.parse(String(row['components']));
    if (Array.isArray(parsed)) components = parsed as AlertFacts['components'];
  } catch {
    components = [];
  }
  const breakers = [...(await loadBreakers(db)).values()].map((b) => ({ name: b.name, state: b.state, openedAt: b.openedAt === null ? null : Date.parse(b.openedAt), lastFailure: b.lastFailure }));
  // With a ceiling (resources.memoryCeilingMB, resident memory) the run's peak counts; maxRSS is in KiB.
  const ceiling = memoryCeilingMB !== undefined ? memoryCeilingMB * 2 ** 20 : getHeapStatistics().heap_size_limit;
  const used = memoryCeilingMB !== undefined ? process.resourceUsage().maxRSS * 1024 : process.memoryUsage().heapUsed;
  return {
    runId,
    command: String(row['command']),
    status: String(row['status']),
    components,
    errors: n(row['error_count']),
    errorRate: n(row['error_rate']),
    recordsRead: n(row['records_read']),
    durationMs: n(row['ms']),
    earlierRates: earlier.map((r) => n(r['rate'])).filter((r) => Number.isFinite(r) && r > 0),
    breakers,
    now: now.getTime(),
    memoryUsedBytes: used,
    memoryCeilingBytes: ceiling,
  };
}

/** POSTs the alerts as Slack incoming-webhook JSON; resolves with the HTTP status. */
export async function postAlerts(url: string, alerts: readonly Alert[], facts: Pick<AlertFacts, 'runId' | 'command' | 'status'>, timeoutMs: number): Promise<number> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(slackPayload(alerts, facts)),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    throw new ConveneError('ALERT_DELIVERY_FAILED', `the alert webhook did not answer (${err instanceof Error ? err.message : String(err)})`, { cause: err, subject: 'resilience.alerts.webhookUrl' });
  }
  await response.arrayBuffer().catch(() => undefined);
  if (!response.ok) throw new ConveneError('ALERT_DELIVERY_FAILED', `the alert webhook answered HTTP ${response.status}`, { subject: 'resilience.alerts.webhookUrl' });
  return response.status;
}

/**
 * Evaluates the rules for a finished run, logs each alert, and posts them when a webhook is set.
 * `memoryCeilingMB` is the runtime's `resources.memoryCeilingMB`, when one is configured.
 */
/**
 * `lastPosted` (rule → when it was posted) is kept by a caller that checks again and again
 * (`convene watch`, after every tick), so a rule that keeps firing is posted every
 * `repeatMinutes`, not every tick; absent, everything that fires is posted.
 */
export async function alertOnRun(
  db: Database,
  runId: string,
  config: AlertsConfig,
  logger: Logger,
  now: Date = new Date(),
  memoryCeilingMB?: number,
  lastPosted: Map<string, number> = new Map(),
): Promise<AlertOutcome> {
  const facts = await alertFacts(db, runId, now, memoryCeilingMB);
  if (facts === null) return { alerts: [], delivered: null };
  const alerts = evaluateAlerts(config.rules, facts);
  for (const a of alerts) logger.warn({ alert: a.rule, severity: a.severity, runId, detail: a.detail }, `alert: ${a.title}`);
  if (alerts.length === 0 || config.webhookUrl === undefined) return { alerts, delivered: null };
  const due = alertsToPost(alerts, lastPosted, now.getTime(), config.repeatMinutes * 60_000);
  if (due.length === 0) return { alerts, delivered: null };
  try {
    const status = await postAlerts(config.webhookUrl, due, facts, config.timeoutMs);
    logger.info({ alerts: due.length, status }, 'alerts sent to the webhook');
    return { alerts, delivered: true };
  } catch (err) {
    const e = err instanceof ConveneError ? err : new ConveneError('ALERT_DELIVERY_FAILED', String(err), { cause: err });
    logger.warn({ code: e.code, alerts: alerts.length }, `${e.message} — ${e.hint}`);
    return { alerts, delivered: false };
  }
}
