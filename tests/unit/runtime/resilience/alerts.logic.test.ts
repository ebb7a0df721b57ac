import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { alertsToPost, evaluateAlerts, slackPayload, type Alert, type AlertFacts } from '../../../../src/runtime/resilience/alerts.logic.js';
import { AlertRules } from '../../../../src/runtime/resilience/config.js';

const rules = AlertRules.parse({});
const quiet: AlertFacts = {
  runId: 'r1',
  command: 'run',
  status: 'succeeded',
  components: [],
  errors: 0,
  errorRate: 0,
  recordsRead: 10_000,
  durationMs: 10_000,
  earlierRates: [1000, 1100, 900],
  breakers: [{ name: 'slack', state: 'closed', openedAt: null, lastFailure: null }],
  now: 10_000_000,
  memoryUsedBytes: 100 * 2 ** 20,
  memoryCeilingBytes: 1000 * 2 ** 20,
};

test('a healthy run raises no alert', () => {
  assert.equal(evaluateAlerts(rules, quiet), []);
});

test('a partial run alerts with the components that did not succeed; a failed one is critical', () => {
  const partial = evaluateAlerts(rules, { ...quiet, status: 'partial', components: [{ name: 'google-calendar', status: 'failed', reason: 'BREAKER_OPEN' }, { name: 'slack-web', status: 'succeeded', reason: null }] });
  assert.equal(partial.map((a) => [a.rule, a.severity]), [['run-status', 'warning']]);
  assert.match(partial[0]!.detail, /google-calendar failed: BREAKER_OPEN/);
  assert.not.match(partial[0]!.detail, /slack-web/);
  assert.is(evaluateAlerts(rules, { ...quiet, status: 'failed' })[0]!.severity, 'critical');
  assert.equal(evaluateAlerts(AlertRules.parse({ runStatuses: ['failed'] }), { ...quiet, status: 'partial' }), []);
});

test('an error rate above the threshold alerts; at or below it does not; null turns the rule off', () => {
  assert.equal(evaluateAlerts(rules, { ...quiet, errors: 50, errorRate: 0.05 }), []);
  const [a] = evaluateAlerts(rules, { ...quiet, errors: 60, errorRate: 0.06 });
  assert.is(a!.rule, 'error-rate');
  assert.match(a!.title, /6\.0 % is above 5\.0 %/);
  assert.equal(evaluateAlerts(AlertRules.parse({ errorRateAbove: null }), { ...quiet, errorRate: 0.9 }), []);
});

test('a breaker open longer than T alerts, naming it; a shorter opening does not', () => {
  const open = (ms: number): AlertFacts => ({ ...quiet, breakers: [{ name: 'google-calendar', state: 'open', openedAt: quiet.now - ms, lastFailure: 'events.list answered HTTP 503' }] });
  assert.equal(evaluateAlerts(rules, open(60_000)), []);
  const [a] = evaluateAlerts(rules, open(20 * 60_000));
  assert.equal([a!.rule, a!.severity], ['breaker-open', 'critical']);
  assert.match(a!.title, /google-calendar circuit breaker has been open for 20 min/);
  assert.match(a!.detail, /events\.list answered HTTP 503/);
});

test('throughput below half the median of recent runs alerts; too few runs or records to compare do not', () => {
  const [a] = evaluateAlerts(rules, { ...quiet, durationMs: 40_000 });
  assert.is(a!.rule, 'throughput');
  assert.match(a!.title, /250 records\/s, below 50 % of the usual 1000/);
  assert.equal(evaluateAlerts(rules, { ...quiet, durationMs: 40_000, earlierRates: [1000, 1000] }), []);
  assert.equal(evaluateAlerts(rules, { ...quiet, recordsRead: 50, durationMs: 40_000 }), []);
});

test('memory near the ceiling alerts', () => {
  const [a] = evaluateAlerts(rules, { ...quiet, memoryUsedBytes: 950 * 2 ** 20 });
  assert.is(a!.rule, 'memory');
  assert.match(a!.title, /950 MB is above 90 % of the ceiling 1000 MB/);
});

test('the webhook payload is what a Slack incoming webhook takes: text, and blocks with the alerts, escaped', () => {
  const alerts = evaluateAlerts(rules, { ...quiet, status: 'partial', components: [{ name: 'slack-web', status: 'failed', reason: 'token <revoked> & gone' }] });
  const p = slackPayload(alerts, quiet);
  assert.match(p.text, /^convene: 1 alert after run r1 \(run, succeeded\)/);
  assert.match(p.text, /token &lt;revoked&gt; &amp; gone/);
  assert.equal(p.blocks.map((b) => b['type']), ['header', 'section', 'context']);
  const section = p.blocks[1] as { text: { type: string; text: string } };
  assert.is(section.text.type, 'mrkdwn');
  assert.match(section.text.text, /^:warning: \*run r1 \(run\) ended partial\*/);
  assert.ok(JSON.parse(JSON.stringify(p)));
});

test('a rule that keeps firing is posted again only after the repeat interval; one that stopped is posted at once when it returns', () => {
  const partial: Alert = { rule: 'run-status', severity: 'warning', title: 'run partial', detail: '' };
  const errors: Alert = { rule: 'error-rate', severity: 'warning', title: 'errors', detail: '' };
  const posted = new Map<string, number>();
  const hour = 3_600_000;
  assert.equal(alertsToPost([partial], posted, 0, hour).map((a) => a.rule), ['run-status']);
  assert.equal(alertsToPost([partial, errors], posted, 60_000, hour).map((a) => a.rule), ['error-rate']);
  assert.equal(alertsToPost([partial, errors], posted, hour, hour).map((a) => a.rule), ['run-status']);
  assert.equal(alertsToPost([errors], posted, hour + 1, hour).map((a) => a.rule), []);
  assert.equal(alertsToPost([partial, errors], posted, hour + 2, hour).map((a) => a.rule), ['run-status']);
  assert.equal(alertsToPost([partial], new Map(), 0, 0).length, 1);
});

test.run();
