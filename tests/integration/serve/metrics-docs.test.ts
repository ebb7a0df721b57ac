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

test.run();
