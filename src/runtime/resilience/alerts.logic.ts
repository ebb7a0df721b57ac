/**
 * Alert rules, pure: the facts of a finished run in, the alerts that fire out, and the JSON a
 * Slack incoming webhook accepts (`text` for notifications and clients without blocks, `blocks`
 * for the message itself).
 */
import type { AlertRules } from './config.js';

export const ALERT_RULES = ['run-status', 'error-rate', 'breaker-open', 'throughput', 'memory'] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

export interface Alert {
  readonly rule: AlertRule;
  readonly severity: 'warning' | 'critical';
  /** One line: what happened. */
  readonly title: string;
  /** What it means or what to do. */
  readonly detail: string;
}

export interface AlertFacts {
  readonly runId: string;
  readonly command: string;
  readonly status: string;
  /** Components that did not succeed, with why. */
  readonly components: ReadonlyArray<{ name: string; status: string; reason: string | null }>;
  readonly errors: number;
  readonly errorRate: number;
  readonly recordsRead: number;
  readonly durationMs: number;
  /** Records per second of the earlier runs of the same command and mode, newest first. */
  readonly earlierRates: readonly number[];
  readonly breakers: ReadonlyArray<{ name: string; state: string; openedAt: number | null; lastFailure: string | null }>;
  readonly now: number;
  readonly memoryUsedBytes: number;
  readonly memoryCeilingBytes: number;
}

/** Throughput is only compared between runs that read enough records for a rate to mean something. */
export const MIN_RECORDS_FOR_THROUGHPUT = 100;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function minutes(ms: number): string {
  return ms >= 3_600_000 ? `${(ms / 3_600_000).toFixed(1)} h` : `${Math.max(1, Math.round(ms / 60_000))} min`;
}

export function evaluateAlerts(rules: AlertRules, f: AlertFacts): Alert[] {
  const out: Alert[] = [];
  if ((rules.runStatuses as readonly string[]).includes(f.status)) {
    const bad = f.components.filter((c) => c.status !== 'succeeded');
    out.push({
      rule: 'run-status',
      severity: f.status === 'failed' ? 'critical' : 'warning',
      title: `run ${f.runId} (${f.command}) ended ${f.status}`,
      detail: bad.length > 0 ? bad.map((c) => `${c.name} ${c.status}${c.reason ? `: ${c.reason}` : ''}`).join('; ') : 'see `convene errors`',
    });
  }
  if (rules.errorRateAbove !== null && f.errorRate > rules.errorRateAbove) {
    out.push({
      rule: 'error-rate',
      severity: 'warning',
      title: `error rate ${(f.errorRate * 100).toFixed(1)} % is above ${(rules.errorRateAbove * 100).toFixed(1)} %`,
      detail: `${f.errors} errors over ${f.recordsRead} records read and the run's API attempts; \`convene errors --since 1d\` groups them by cause`,
    });
  }
  if (rules.breakerOpenLongerThanMs !== null) {
    for (const b of f.breakers) {
      if ((b.state === 'open' || b.state === 'forced-open' || b.state === 'half-open') && b.openedAt !== null && f.now - b.openedAt > rules.breakerOpenLongerThanMs) {
        out.push({
          rule: 'breaker-open',
          severity: 'critical',
          title: `the ${b.name} circuit breaker has been ${b.state === 'forced-open' ? 'forced open' : 'open'} for ${minutes(f.now - b.openedAt)}`,
          detail: b.state === 'forced-open' ? `an operator holds it open; \`convene breaker reset ${b.name}\` lets calls through again` : `last failure: ${b.lastFailure ?? 'unknown'}; \`convene breaker list\` shows when the next probe goes`,
        });
      }
    }
  }
  if (rules.throughputBelowRatio !== null && f.recordsRead >= MIN_RECORDS_FOR_THROUGHPUT && f.durationMs > 0 && f.earlierRates.length >= 3) {
    const rate = f.recordsRead / (f.durationMs / 1000);
    const usual = median(f.earlierRates.slice(0, 5));
    if (usual > 0 && rate < usual * rules.throughputBelowRatio) {
      out.push({
        rule: 'throughput',
        severity: 'warning',
        title: `throughput fell to ${rate.toFixed(0)} records/s, below ${Math.round(rules.throughputBelowRatio * 100)} % of the usual ${usual.toFixed(0)}`,
        detail: 'check the rate-limit waits and retries of the run (`convene errors`, the convene_rate_limit_wait_seconds_total metric) and the machine\'s load',
      });
    }
  }
  if (rules.memoryAboveRatio !== null && f.memoryCeilingBytes > 0 && f.memoryUsedBytes > f.memoryCeilingBytes * rules.memoryAboveRatio) {
    out.push({
      rule: 'memory',
      severity: 'warning',
      title: `memory in use ${(f.memoryUsedBytes / 2 ** 20).toFixed(0)} MB is above ${Math.round(rules.memoryAboveRatio * 100)} % of the ceiling ${(f.memoryCeilingBytes / 2 ** 20).toFixed(0)} MB`,
      detail: 'lower batchSize or the sources\' concurrency, or raise the ceiling',
    });
  }
  return out;
}

/** Slack mrkdwn: &, < and > are its control characters. */
function escapeMrkdwn(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface SlackWebhookPayload {
  readonly text: string;
  readonly blocks: ReadonlyArray<Record<string, unknown>>;
}

export function slackPayload(alerts: readonly Alert[], f: Pick<AlertFacts, 'runId' | 'command' | 'status'>): SlackWebhookPayload {
  const icon = (a: Alert): string => (a.severity === 'critical' ? ':red_circle:' : ':warning:');
  const text = [`convene: ${alerts.length} alert${alerts.length === 1 ? '' : 's'} after run ${f.runId} (${f.command}, ${f.status})`, ...alerts.map((a) => `• ${a.title}: ${a.detail}`)].map(escapeMrkdwn).join('\n');
  const blocks: Array<Record<string, unknown>> = [
    { type: 'header', text: { type: 'plain_text', text: `convene: ${alerts.length} alert${alerts.length === 1 ? '' : 's'}`.slice(0, 150) } },
    ...alerts.map((a) => ({ type: 'section', text: { type: 'mrkdwn', text: `${icon(a)} *${escapeMrkdwn(a.title)}*\n${escapeMrkdwn(a.detail)}`.slice(0, 3000) } })),
    { type: 'context', elements: [{ type: 'mrkdwn', text: escapeMrkdwn(`run ${f.runId} · ${f.command} · ${f.status}`) }] },
  ];
  return { text, blocks };
}

/**
 * The alerts to post now: a rule that was posted less than `repeatMs` ago and has kept firing
 * since is held back. `lastPosted` (rule → time) is updated; rules that stopped firing are
 * forgotten, so their next occurrence is posted at once.
 */
export function alertsToPost(alerts: readonly Alert[], lastPosted: Map<string, number>, now: number, repeatMs: number): Alert[] {
  const firing = new Set(alerts.map((a) => a.rule));
  for (const rule of [...lastPosted.keys()]) if (!firing.has(rule as AlertRule)) lastPosted.delete(rule);
  const due = alerts.filter((a) => {
    const last = lastPosted.get(a.rule);
    return last === undefined || now - last >= repeatMs;
  });
  for (const a of due) lastPosted.set(a.rule, now);
  return due;
}
