import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConveneError } from '../../../src/core/errors.js';
import { configFromEnv, describeConfig, loadConfig } from '../../../src/config/load.js';
import { configReference } from '../../../src/config/reference.js';
import { DEFAULT_DUCKDB_SETTINGS, duckdbOpenOptions } from '../../../src/runtime/runtime-settings.js';
import { repoRoot, scratch } from '../../support/paths.js';

function fileWith(body: unknown): string {
  const path = join(scratch(), 'convene.config.json');
  writeFileSync(path, JSON.stringify(body));
  return path;
}

test('values merge as defaults < file < environment < flags, and each knows its origin', () => {
  const file = fileWith({ db: 'file.duckdb', batchSize: 100, logLevel: 'info' });
  const loaded = loadConfig({ file, env: { CONVENE_BATCH_SIZE: '200', CONVENE_LOG_LEVEL: 'error' }, flags: { logLevel: 'debug' } });
  assert.is(loaded.config.db, 'file.duckdb');
  assert.is(loaded.config.batchSize, 200);
  assert.is(loaded.config.logLevel, 'debug');
  assert.is(loaded.origins.get('db'), 'file');
  assert.is(loaded.origins.get('batchSize'), 'env');
  assert.is(loaded.origins.get('logLevel'), 'flag');
  assert.ok(describeConfig(loaded).includes('duckdb.mergeRows = 20000  (default)'));
});

test('environment names map to nested keys and SLACK_TOKEN fills the Slack section', () => {
  assert.equal(configFromEnv({ CONVENE_DUCKDB__MEMORY_LIMIT: '256MB', CONVENE_SOURCES__SLACK_WEB__PAGE_LIMIT: '15', SLACK_TOKEN: 'xoxb-abc', HOME: '/root' }), {
    duckdb: { memoryLimit: '256MB' },
    sources: { 'slack-web': { pageLimit: 15, token: 'xoxb-abc' } },
  });
});

test('a component section inherits the global defaults it knows, and may override them', () => {
  const file = fileWith({ defaults: { concurrency: 7, timeoutMs: 5000 }, sources: { 'slack-web': { token: 'xoxb-1', timeoutMs: 900 } } });
  const loaded = loadConfig({ file, env: {} });
  assert.is(loaded.sources['slack-web']!['concurrency'], 7);
  assert.is(loaded.origins.get('sources.slack-web.concurrency'), 'inherited');
  assert.is(loaded.sources['slack-web']!['timeoutMs'], 900);
  assert.is(loaded.origins.get('sources.slack-web.timeoutMs'), 'file');
});

test('every problem is reported at once, by key path', () => {
  const file = fileWith({ db: 5, extra: true, sources: { 'slack-web': { concurrency: 0 }, nope: {} } });
  try {
    loadConfig({ file, env: {} });
    assert.unreachable('loadConfig accepted a bad config');
  } catch (err) {
    assert.instance(err, ConveneError);
    const e = err as ConveneError;
    assert.is(e.code, 'CONFIG_INVALID');
    for (const path of ['db:', '"extra"', 'sources.slack-web.token:', 'sources.slack-web.concurrency:', 'sources.nope:']) assert.ok(e.message.includes(path), `${path} not named in ${e.message}`);
  }
});

test('duckdb.settings pass other DuckDB settings by name; environment names arrive camelCase and open as snake_case', () => {
  const file = fileWith({ duckdb: { settings: { allocator_flush_threshold: '16MB', preserve_insertion_order: false } } });
  const fromFile = loadConfig({ file, env: {} }).config.duckdb;
  assert.equal(duckdbOpenOptions(fromFile).settings, { checkpoint_threshold: '64MB', allocator_flush_threshold: '16MB', preserve_insertion_order: false });
  const fromEnv = loadConfig({ env: { CONVENE_DUCKDB__SETTINGS__ALLOCATOR_BACKGROUND_THREADS: 'true' }, cwd: scratch() }).config.duckdb;
  assert.equal(duckdbOpenOptions(fromEnv).settings, { checkpoint_threshold: '64MB', allocator_background_threads: true });
});

test("convene's own DuckDB settings apply unless duckdb.settings names them", () => {
  assert.equal(duckdbOpenOptions({}).settings, DEFAULT_DUCKDB_SETTINGS);
  const fromEnv = loadConfig({ env: { CONVENE_DUCKDB__SETTINGS__CHECKPOINT_THRESHOLD: '16MB' }, cwd: scratch() }).config.duckdb;
  assert.equal(duckdbOpenOptions(fromEnv).settings, { checkpoint_threshold: '16MB' });
});

test('duckdb.settings may not name what convene sets from its own keys', () => {
  for (const name of ['memory_limit', 'threads', 'accessMode']) {
    try {
      loadConfig({ file: fileWith({ duckdb: { settings: { [name]: '1' } } }), env: {} });
      assert.unreachable(`loadConfig accepted duckdb.settings.${name}`);
    } catch (err) {
      assert.instance(err, ConveneError);
      assert.is((err as ConveneError).code, 'CONFIG_INVALID');
      assert.match((err as ConveneError).message, /duckdb\.settings.*duckdb\.memoryLimit/s);
    }
  }
});

test('secrets print as <redacted>', () => {
  const loaded = loadConfig({ env: { SLACK_TOKEN: 'xoxb-very-secret' }, cwd: scratch() });
  const text = describeConfig(loaded).join('\n');
  assert.not.match(text, /very-secret/);
  assert.match(text, /sources\.slack-web\.token = <redacted>  \(env\)/);
});

test('docs/config.md is the reference generated from the schemas', () => {
  assert.is(readFileSync(join(repoRoot, 'docs', 'config.md'), 'utf8'), configReference());
});

test.run();
