/**
 * Killing a replay with SIGKILL at any moment and running the same command again ends with
 * the same database content as an uninterrupted replay: nothing lost, nothing twice.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { convene } from '../../support/cli.js';
import { cliPath, repoRoot, scratch } from '../../support/paths.js';

const dir = scratch('convene-crash-');
const bundle = join(dir, 'bundle');
const KILLS = 10;

function checksums(db: string): Record<string, unknown> {
  const r = convene(['validate', '--db', db, '--json']);
  return (JSON.parse(r.stdout) as { tables: Record<string, unknown> }).tables;
}

/**
 * Starts a replay and kills it with SIGKILL `afterMs` after start, or after it prints a line
 * matching `afterLine`; resolves with whether it was killed before it finished.
 */
function replayKilledAfter(db: string, afterMs: number, afterLine?: RegExp): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cliPath, 'replay', bundle, '--db', db, '--batch-size', '256'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'ignore'] });
    let timer: NodeJS.Timeout | undefined;
    const arm = (): void => {
      timer ??= setTimeout(() => child.kill('SIGKILL'), afterMs);
    };
    if (afterLine) child.stdout.on('data', (chunk: Buffer) => afterLine.test(chunk.toString()) && arm());
    else arm();
    child.stdout.resume();
    child.on('exit', (_code, signal) => {
      clearTimeout(timer);
      resolve(signal === 'SIGKILL');
    });
  });
}

let clean: Record<string, unknown> = {};
let cleanMs = 0;

test('an uninterrupted replay gives the reference checksums', () => {
  assert.is(convene(['generate', '--out', bundle, '--seed', '9', '--scale', '0.01']).status, 0);
  const started = Date.now();
  const r = convene(['replay', bundle, '--db', join(dir, 'clean.duckdb'), '--quiet', '--batch-size', '256']);
  cleanMs = Date.now() - started;
  assert.is(r.status, 0, r.stderr);
  clean = checksums(join(dir, 'clean.duckdb'));
});

for (let k = 0; k < KILLS; k++) {
  test(`SIGKILL at moment ${k + 1} of ${KILLS}, then the same command again, equals the uninterrupted replay`, async () => {
    const db = join(dir, `killed-${k}.duckdb`);
    // Kill moments spread over the whole replay, from start-up to the last stages.
    await replayKilledAfter(db, Math.round((cleanMs * (k + 0.5)) / KILLS));
    const again = convene(['replay', bundle, '--db', db, '--batch-size', '256']);
    assert.is(again.status, 0, again.stderr + again.stdout);
    assert.equal(checksums(db), clean);
  });
}

test('a killed replay resumed from its checkpoints says so and records the resumed run', async () => {
  const db = join(dir, 'resumed.duckdb');
  // Killed while it reads the Slack export, the stage after Drive.
  assert.ok(await replayKilledAfter(db, 200, /^drive\s+read/m), 'the replay finished before it could be killed');
  const again = convene(['replay', bundle, '--db', db, '--batch-size', '256']);
  assert.match(again.stdout, /resuming run \S+ from its checkpoints/);
  const runs = JSON.parse(convene(['query', 'SELECT status, mode FROM runs ORDER BY started_at', '--db', db, '--format', 'json']).stdout) as Array<{ status: string; mode: string }>;
  assert.equal(runs, [{ status: 'failed', mode: 'full' }, { status: 'succeeded', mode: 'resume' }]);
  assert.equal(checksums(db), clean);
});

test.run();
