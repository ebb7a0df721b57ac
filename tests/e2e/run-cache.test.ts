/**
 * The API answer cache end to end: `convene run` against `convene emulate`. A repeated
 * incremental run with no upstream change is answered from the cache (fresh Slack answers,
 * Google answers revalidated by ETag) and stores the same results; a message added upstream
 * is seen after the lifetime or with `--fresh`, never lost.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startEmulator, type Emulator } from '../../src/emulate/server.js';
import { convene, conveneAsync } from '../support/cli.js';
import { scratch } from '../support/paths.js';

const dir = scratch('convene-run-cache-');
const bundle = join(dir, 'bundle');
const db = join(dir, 'run.duckdb');
const configFile = join(dir, 'convene.config.json');
const expiredConfig = join(dir, 'expired.config.json');
let emulator: Emulator;

type Tables = Record<string, { rows: number; checksum: string }>;
const tables = (): Tables => (JSON.parse(convene(['validate', '--db', db, '--json']).stdout) as { tables: Tables }).tables;
const query = (sql: string): Array<Record<string, unknown>> => JSON.parse(convene(['query', sql, '--db', db, '--format', 'json']).stdout) as Array<Record<string, unknown>>;
const requests = (): number => Object.values(emulator.stats.requests).reduce((a, b) => a + b, 0);

async function run(args: string[] = [], config = configFile): Promise<string> {
  const r = await conveneAsync(['run', '--config', config, '--db', db, ...args]);
  assert.is(r.status, 0, r.stderr + r.stdout);
  return r.stdout;
}

function cacheLine(stdout: string): { served: number; lookups: number; fresh: number; revalidated: number } {
  const m = /API cache: (\d+) of (\d+) answers served from the cache \([\d.]+ %: (\d+) fresh, (\d+) revalidated by ETag\)/.exec(stdout);
  assert.ok(m, stdout);
  return { served: Number(m[1]), lookups: Number(m[2]), fresh: Number(m[3]), revalidated: Number(m[4]) };
}

test.before(async () => {
  assert.is(convene(['generate', '--out', bundle, '--seed', '5', '--scale', '0.01']).status, 0);
  emulator = await startEmulator(bundle, { tierScale: 1000 });
  const config = emulator.config();
  writeFileSync(configFile, JSON.stringify(config));
  writeFileSync(expiredConfig, JSON.stringify({ ...config, cache: { maxAge: '0s' } }));
});

test.after(async () => {
  await emulator.close();
});

test('a repeated incremental run is answered from the cache (≥ 80 %) and stores the same results', async () => {
  await run();
  const first = tables();
  await run();
  const second = tables();
  assert.equal(second, first);
  emulator.resetStats();
  const stdout = await run();
  const cache = cacheLine(stdout);
  const ratio = cache.served / cache.lookups;
  console.log(`repeated run: ${cache.served} of ${cache.lookups} API answers from the cache (${(ratio * 100).toFixed(1)} %: ${cache.fresh} fresh, ${cache.revalidated} revalidated); ${requests()} requests, ${emulator.stats.notModified} of them 304`);
  assert.ok(ratio >= 0.8, `hit ratio ${ratio}`);
  assert.ok(cache.fresh > 0 && cache.revalidated > 0, 'both kinds of hits');
  assert.is(emulator.requests('conversations.history'), 0, 'no channel asked again within its lifetime');
  assert.is(emulator.stats.notModified, cache.revalidated, 'each revalidated hit is one 304 from the API');
  assert.equal(tables(), first, 'the cached answers store the same results');
  const counts = query(`SELECT counts FROM runs ORDER BY started_at DESC LIMIT 1`)[0]!['counts'];
  const apiCache = (JSON.parse(String(counts)) as { apiCache: { lookups: number; hits: number; revalidated: number; ratio: number } }).apiCache;
  assert.equal([apiCache.lookups, apiCache.hits, apiCache.revalidated], [cache.lookups, cache.fresh, cache.revalidated]);
});

test('a message added upstream: not seen within the lifetime, seen with --fresh and after the lifetime; nothing lost', async () => {
  const channel = emulator.store.channels.find((c) => c.kind === 'public' && (emulator.store.messages.get(c.id) ?? []).length > 0)!;
  const newest = (emulator.store.messages.get(channel.id) ?? []).map((m) => Number(m['ts'])).reduce((a, b) => Math.max(a, b));
  const user = emulator.store.users[0]!['id'];
  const tsA = `${Math.floor(newest) + 1}.000100`;
  const tsB = `${Math.floor(newest) + 2}.000200`;
  const stored = (ts: string): number => query(`SELECT count(*) AS n FROM messages WHERE channel_id = '${channel.id}' AND ts = '${ts}'`).map((r) => Number(r['n']))[0] ?? 0;

  emulator.store.postMessage(channel.id, { type: 'message', user, ts: tsA, text: 'added upstream after the last run' });
  await run();
  assert.is(stored(tsA), 0, 'within the lifetime the cached history is served');
  emulator.resetStats();
  const fresh = cacheLine(await run(['--fresh']));
  assert.is(stored(tsA), 1, '--fresh asks every channel');
  assert.is(fresh.fresh, 0, 'no lifetime hits with --fresh');
  assert.ok(emulator.requests('conversations.history') > 0);

  // The cursor moved with the new message: the next run asks from it (a changed validator) and caches that answer.
  await run();
  emulator.store.postMessage(channel.id, { type: 'message', user, ts: tsB, text: 'added upstream again' });
  await run();
  assert.is(stored(tsB), 0);
  await run([], expiredConfig);
  assert.is(stored(tsB), 1, 'after the lifetime (maxAge 0s) the channel is read from its cursor');
  assert.is(stored(tsA), 1);
});

test.run();
