/** `convene emulate` as a child process, as an operator runs it: started, its config read, stopped. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cliPath, repoRoot } from './paths.js';

export interface EmulatorProcess {
  readonly url: string;
  /** The config file `--write-config` wrote, with `overrides` merged in. */
  readonly configFile: string;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;

function mergeDeep(a: Json, b: Json): Json {
  const out: Json = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const prev = out[k];
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof prev === 'object' && prev !== null && !Array.isArray(prev) ? mergeDeep(prev as Json, v as Json) : v;
  }
  return out;
}

/** Starts `convene emulate --bundle DIR --write-config FILE ...args` and waits until it listens. */
export async function startEmulatorProcess(bundle: string, configFile: string, args: readonly string[], overrides: Json = {}): Promise<EmulatorProcess> {
  const child: ChildProcess = spawn(process.execPath, [cliPath, 'emulate', '--bundle', bundle, '--write-config', configFile, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const deadline = Date.now() + 20_000;
  while (!/listening on (\S+)/.test(output) || !existsSync(configFile) || !/config written/.test(output)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`convene emulate did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  writeFileSync(configFile, JSON.stringify(mergeDeep(JSON.parse(readFileSync(configFile, 'utf8')) as Json, overrides), null, 2));
  return {
    url: /listening on (\S+)/.exec(output)![1]!,
    configFile,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
