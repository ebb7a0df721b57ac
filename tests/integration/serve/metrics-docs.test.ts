/** docs/metrics.md lists every metric in the registry, and nothing else, under "Prometheus metrics". */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { collectProcessMetrics, metricsRegistry } from '../../../src/runtime/telemetry/metrics.js';
import { repoRoot } from '../../support/paths.js';

function documented(): Map<string, string> {
  const text = readFileSync(join(repoRoot, 'docs', 'metrics.md'), 'utf8');
  const start = text.indexOf('## Prometheus metrics');
  assert.ok(start >= 0, 'docs/metrics.md has a "Prometheus metrics" section');
  const rest = text.slice(start + 1);
  const end = rest.search(/\n## /);
  const section = end >= 0 ? rest.slice(0, end) : rest;
  const names = new Map<string, string>();
  for (const m of section.matchAll(/^\| `(convene_[a-z0-9_]+)` \| ([a-z]+) \|/gm)) names.set(m[1]!, m[2]!);
  return names;
}

test('every metric in the registry is documented with its type, and every documented metric exists', async () => {
  collectProcessMetrics();
  const registered = new Map((await metricsRegistry.getMetricsAsJSON()).map((m) => [m.name, String(m.type)]));
  const docs = documented();
  const missing = [...registered.keys()].filter((n) => !docs.has(n)).sort();
  const extra = [...docs.keys()].filter((n) => !registered.has(n)).sort();
  assert.equal(missing, [], `in the registry but not in docs/metrics.md: ${missing.join(', ')}`);
  assert.equal(extra, [], `in docs/metrics.md but not in the registry: ${extra.join(', ')}`);
  for (const [name, type] of registered) assert.is(docs.get(name), type, `${name} is a ${type}`);
});

test('every metric is named convene_*', async () => {
  collectProcessMetrics();
  for (const m of await metricsRegistry.getMetricsAsJSON()) assert.match(m.name, /^convene_[a-z0-9_]+$/);
});

test('the alert rules and the scrape config in docs/operations.md use only metrics and labels the registry has', async () => {
  collectProcessMetrics();
  const labels = new Map(metricsRegistry.getMetricsAsArray().map((m) => [m.name, new Set<string>((m as unknown as { labelNames?: string[] }).labelNames ?? [])]));
  const text = readFileSync(join(repoRoot, 'docs', 'operations.md'), 'utf8');
  const rules = /```yaml\n# convene-rules\.yml\n([\s\S]*?)```/.exec(text)?.[1];
  assert.ok(rules, 'docs/operations.md has the convene-rules.yml block');
  const used = [...rules!.matchAll(/\b(convene_[a-z0-9_]+)(\{[^}]*\})?/g)];
  assert.ok(used.length >= 15, `${used.length} metric references`);
  for (const [, raw, selector] of used) {
    const name = raw!.replace(/_(bucket|sum|count)$/, '');
    assert.ok(labels.has(name), `${raw} is a registered metric`);
    for (const m of (selector ?? '').matchAll(/([a-z_]+)=/g)) assert.ok(labels.get(name)!.has(m[1]!), `${name} has the label ${m[1]}`);
  }
  for (const m of rules!.matchAll(/by \(([a-z_, ]+)\) \((?:rate|increase)\((convene_[a-z0-9_]+)/g)) {
    const name = m[2]!.replace(/_(bucket|sum|count)$/, '');
    for (const label of m[1]!.split(',').map((l) => l.trim()).filter((l) => l !== 'le')) assert.ok(labels.get(name)!.has(label), `${name} has the label ${label}`);
  }
  assert.match(text, /metrics_path: \/metrics/);
});

test.run();
