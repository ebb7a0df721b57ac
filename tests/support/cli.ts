/** Runs the real `convene` binary as a user would. */
import { spawnSync } from 'node:child_process';
import { cliPath, repoRoot } from './paths.js';

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

export function convene(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): CliResult {
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: options.cwd ?? repoRoot,
    encoding: 'utf8',
    env: { ...process.env, ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
