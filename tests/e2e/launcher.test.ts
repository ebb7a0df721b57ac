/**
 * The commands that run the pipeline run it in a second process started with a V8 heap limit
 * (`resources.heapLimitMB`, bin/convene.js): the limit reaches the pipeline, 0 turns it off,
 * NODE_OPTIONS wins, running out of it is explained, and killing the command (even with SIGKILL)
 * ends the pipeline with it. A replay, which reads files, does not load the API client packages.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convene } from '../support/cli.js';
import { cliPath, repoRoot, scratch } from '../support/paths.js';

const dir = scratch('convene-launcher-');
const bundle = join(dir, 'bundle');

/** The heap limit the replay's pipeline logged, in MB. */
function loggedHeapLimit(env: Record<string, string>): number {
  const r = spawnSync(process.execPath, [cliPath, 'replay', bundle, '--db', join(dir, `h${Object.values(env).join('-')}.duckdb`), '--quiet'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, CONVENE_LOG_LEVEL: 'info', ...env },
  });
  assert.is(r.status, 0, r.stderr);
  const m = /database settings .*heapLimitMB=(\d+)/.exec(r.stderr);
  assert.ok(m, r.stderr);
  return Number(m![1]);
}

test('the pipeline runs with the configured heap limit; 0 leaves V8 its own', () => {
  assert.is(convene(['generate', '--out', bundle, '--seed', '3', '--scale', '0.01']).status, 0);
  const limited = loggedHeapLimit({ CONVENE_RESOURCES__HEAP_LIMIT_MB: '200' });
  // V8 adds its young generation to the old-space limit.
  assert.ok(limited >= 200 && limited < 300, `heap limit ${limited} MB for 200`);
  const unlimited = loggedHeapLimit({ CONVENE_RESOURCES__HEAP_LIMIT_MB: '0' });
  assert.ok(unlimited > 1000, `heap limit ${unlimited} MB without one`);
  const own = loggedHeapLimit({ NODE_OPTIONS: '--max-old-space-size=300' });
  assert.ok(own >= 300 && own < 400, `NODE_OPTIONS wins: ${own} MB`);
});

test('a pipeline that runs out of its heap ends with SIGABRT and a message naming the limit and how to raise it', () => {
  const r = spawnSync(process.execPath, [cliPath, 'replay', bundle, '--db', join(dir, 'oom.duckdb'), '--quiet'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, CONVENE_RESOURCES__HEAP_LIMIT_MB: '16' },
  });
  assert.is(r.signal, 'SIGABRT', `status ${r.status}, signal ${r.signal}`);
  assert.match(r.stderr, /JavaScript heap out of memory/);
  assert.match(r.stderr, /convene: the pipeline's process aborted\..*resources\.heapLimitMB, now 16 MB.*CONVENE_RESOURCES__HEAP_LIMIT_MB=32/s);
});

test('a replay loads neither the googleapis packages nor @slack/web-api (files only)', () => {
  // Preloaded into the replay's process: at exit, which CommonJS modules it loaded.
  const probe = `import{createRequire}from'node:module';process.on('exit',()=>{const k=Object.keys(createRequire(process.cwd()+'/').cache);process.stderr.write('loaded '+JSON.stringify({all:k.length,google:k.filter((x)=>x.includes('/node_modules/@googleapis/')).length,slack:k.filter((x)=>x.includes('/node_modules/@slack/web-api/')).length})+'\\n')})`;
  const r = spawnSync(process.execPath, [cliPath, 'replay', bundle, '--db', join(dir, 'modules.duckdb'), '--quiet'], {
    cwd: repoRoot,
    encoding: 'utf8',
    env: { ...process.env, CONVENE_RESOURCES__HEAP_LIMIT_MB: '0', NODE_OPTIONS: `--import=data:text/javascript,${encodeURIComponent(probe)}` },
  });
  assert.is(r.status, 0, r.stderr);
  const m = /loaded (\{.*\})/.exec(r.stderr);
  assert.ok(m, r.stderr);
  const loaded = JSON.parse(m![1]!) as { all: number; google: number; slack: number };
  assert.ok(loaded.all > 100, `the probe saw ${loaded.all} modules`);
  assert.equal({ google: loaded.google, slack: loaded.slack }, { google: 0, slack: 0 });
});

const alive = (pid: number): boolean => existsSync(`/proc/${pid}`) && !/^\S+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

test('killing the command with SIGKILL ends the pipeline process too', async () => {
  const child = spawn(process.execPath, [cliPath, 'replay', bundle, '--db', join(dir, 'killed.duckdb'), '--full-refresh', '--batch-size', '16'], { cwd: repoRoot, stdio: 'ignore' });
  let pipeline: number | null = null;
  for (let i = 0; i < 100 && pipeline === null; i++) {
    await new Promise((r) => setTimeout(r, 50));
    const children = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
    if (children) pipeline = Number(children.split(' ')[0]);
  }
  assert.ok(pipeline !== null, 'the command started the pipeline process');
  child.kill('SIGKILL');
  let gone = false;
  for (let i = 0; i < 60 && !gone; i++) {
    await new Promise((r) => setTimeout(r, 100));
    gone = !alive(pipeline!);
  }
  assert.ok(gone, `pipeline process ${pipeline} still running 6 s after the command was killed`);
});

test.run();
