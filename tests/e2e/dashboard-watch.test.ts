/**
 * `convene watch` embeds the monitoring server: between and during ticks it answers for the
 * database, its run history grows with each tick, and Prometheus sees the runs it counted.
 */
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startEmulator, type Emulator } from '../../src/emulate/server.js';
import { convene } from '../support/cli.js';
import { cliPath, repoRoot, scratch } from '../support/paths.js';

const dir = scratch('convene-dashboard-watch-');
const bundle = join(dir, 'bundle');
const db = join(dir, 'watch.duckdb');
let emulator: Emulator;

test.before(async () => {
  assert.is(convene(['generate', '--out', bundle, '--seed', '8', '--scale', '0.005']).status, 0);
  emulator = await startEmulator(bundle, { tierScale: 1000 });
  writeFileSync(join(dir, 'convene.config.json'), JSON.stringify({ ...emulator.config(), watch: { intervalSeconds: 1 } }));
});

test.after(async () => {
  await emulator.close();
});

test('watch serves the dashboard: runs appear tick by tick and /metrics counts them', async () => {
  const child = spawn(process.execPath, [cliPath, 'watch', '--config', join(dir, 'convene.config.json'), '--db', db, '--ticks', '3', '--serve-port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const waitFor = async (re: RegExp): Promise<RegExpMatchArray> => {
    for (let i = 0; i < 600; i++) {
      const m = re.exec(out);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`not seen: ${re}; stdout: ${out}; stderr: ${err}`);
  };
  try {
    const [, url] = await waitFor(/serving the dashboard at (http:\/\/\S+)\//);
    await waitFor(/tick 1: succeeded/);
    const runs = (await (await fetch(`${url}/api/runs`)).json()) as { runs: Array<{ command: string; status: string }> };
    assert.ok(runs.runs.length >= 1);
    assert.equal([runs.runs.at(-1)!.command, runs.runs.at(-1)!.status], ['run', 'succeeded']);
    await waitFor(/tick 2: succeeded/);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    const counted = Number(/^convene_runs_total\{mode="incremental",status="succeeded"\} (\d+)/m.exec(metrics)?.[1] ?? 0);
    assert.ok(counted >= 2, `convene_runs_total counted ${counted} runs`);
    assert.match(metrics, /^convene_records_in_total\{component="slack-web"\} [1-9]/m);
    const health = (await (await fetch(`${url}/api/health`)).json()) as { components: Array<{ name: string; status: string }> };
    assert.ok(health.components.some((c) => c.name === 'slack-web' && c.status === 'green'), JSON.stringify(health.components));
  } finally {
    assert.is(await exited, 0, err);
  }
});

test.run();
