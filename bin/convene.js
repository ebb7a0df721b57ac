#!/usr/bin/env node
// The compiled CLI lives in dist/ (built by `npm install` through the prepare script).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
const entry = new URL('../dist/src/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('convene: the compiled code is missing; run `npm install` (or `npm run build`) in the convene folder first.\n');
  process.exit(1);
}

// The commands that run the pipeline start a second Node process with memory bounds that can
// only be given when a process starts: a V8 old-space limit (otherwise V8 lets garbage grow
// towards a quarter of the machine's memory before collecting it) and at most two malloc
// arenas. The limit is `resources.heapLimitMB` (environment, then config file, then 512);
// 0 runs everything in this process; NODE_OPTIONS with its own --max-old-space-size wins.
const PIPELINE_COMMANDS = new Set(['replay', 'run', 'watch', 'demo']);
const args = process.argv.slice(2);

function heapLimitMb() {
  const fromEnv = process.env.CONVENE_RESOURCES__HEAP_LIMIT_MB;
  if (fromEnv !== undefined) return Number(fromEnv);
  const at = args.indexOf('--config');
  const file = at >= 0 ? args[at + 1] : 'convene.config.json';
  try {
    const value = JSON.parse(readFileSync(file, 'utf8'))?.resources?.heapLimitMB;
    if (typeof value === 'number') return value;
  } catch {
    // No file, or one the command itself will report on.
  }
  return 512;
}

const launch =
  PIPELINE_COMMANDS.has(args[0] ?? '') &&
  process.env.CONVENE_LAUNCHED === undefined &&
  !/max[-_]old[-_]space[-_]size/.test(`${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`);
const heapMb = launch ? heapLimitMb() : 0;

if (heapMb > 0 && Number.isFinite(heapMb)) {
  const child = spawn(process.execPath, [`--max-old-space-size=${heapMb}`, ...process.execArgv, fileURLToPath(import.meta.url), ...args], {
    stdio: 'inherit',
    env: { ...process.env, CONVENE_LAUNCHED: String(process.pid), MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' },
  });
  // A terminal's Ctrl-C reaches both processes: the child decides what it means, this one waits.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      if (signal !== 'SIGINT') child.kill(signal);
    });
  }
  child.on('exit', (code, signal) => {
    if (signal === 'SIGABRT') {
      // What V8 does when the heap reaches its limit: it prints "JavaScript heap out of memory"
      // with a native stack, and aborts. Say what it means and what to change.
      process.stderr.write(
        `convene: the pipeline's process aborted. If the lines above say "JavaScript heap out of memory", it reached its heap limit ` +
          `(resources.heapLimitMB, now ${heapMb} MB): raise it, e.g. CONVENE_RESOURCES__HEAP_LIMIT_MB=${heapMb * 2}, and run the same command ` +
          `again; replay and run resume from their last checkpoint.\n`,
      );
    }
    if (signal) {
      // End the way the child ended, so whoever started convene sees the same signal.
      process.removeAllListeners(signal);
      process.kill(process.pid, signal);
      return;
    }
    process.exit(code ?? 1);
  });
} else {
  const launcher = Number(process.env.CONVENE_LAUNCHED);
  if (launcher > 0) {
    // Started by the branch above: if that process dies (even by SIGKILL), this one goes with
    // it, as a single process would have. Its death shows as a new parent.
    setInterval(() => {
      if (process.ppid !== launcher) process.kill(process.pid, 'SIGKILL');
    }, 200).unref();
  }
  const { main } = await import(entry.href);
  process.exitCode = await main(process.argv.slice(2));
}
