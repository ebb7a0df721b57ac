/**
 * Runs a command as a child process and measures it from outside: wall time, CPU time, and peak
 * resident memory sampled from /proc over the process and its descendants, so the figure covers
 * DuckDB's native memory as well as the JavaScript heap. The peak is the largest single
 * high-water mark (VmHWM, what `time -v` reports as maximum resident set size) or the highest
 * sum over the tree of anonymous memory plus the largest process's file-backed pages (the Node
 * binary and DuckDB's library, which the launcher and the pipeline both map, counted once),
 * whichever is higher. Summing plain resident sets would count those shared pages once per
 * process; /proc/PID/smaps_rollup would count them exactly but walks the page tables under the
 * process's memory lock, which slowed a multi-gigabyte DuckDB process to a crawl when sampled
 * four times a second.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measured {
  status: number;
  seconds: number;
  /** Peak memory in MB: the largest VmHWM of one process or the highest Pss sum of the tree (see the file comment). */
  peakRssMb: number;
  /** CPU seconds the child used (user + system, all its threads), as last sampled before it exited. */
  cpuSeconds: number;
  /** Resident memory sampled every `sampleMs`: [seconds since start, MB]. */
  samples: Array<[number, number]>;
  stdout: string;
  stderr: string;
}

const TICKS_PER_SECOND = 100;

/** utime + stime of a process from /proc/PID/stat, in seconds (fields 14 and 15, after the command name). */
function procCpuSeconds(pid: number): number | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return null;
  }
}

/** A process and its descendants (from /proc/PID/task/PID/children). */
function processTree(pid: number): number[] {
  const out = [pid];
  for (let i = 0; i < out.length; i++) {
    try {
      const children = readFileSync(`/proc/${out[i]}/task/${out[i]}/children`, 'utf8').trim();
      if (children) out.push(...children.split(' ').map(Number));
    } catch {
      // The process ended between two reads.
    }
  }
  return out;
}

function procStatus(pid: number): { rss: number; hwm: number; anon: number; file: number } | null {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string): number => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
    const rss = kb('VmRSS') / 1024;
    const anon = (kb('RssAnon') + kb('RssShmem')) / 1024;
    return { rss, hwm: kb('VmHWM') / 1024, anon, file: rss - anon };
  } catch {
    return null;
  }
}

export function measure(command: string, args: readonly string[], options: { cwd?: string; sampleMs?: number; onLine?: (line: string) => void } = {}): Promise<Measured> {
  const sampleMs = options.sampleMs ?? 250;
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    let cpu = 0;
    const samples: Array<[number, number]> = [];
    let pending = '';
    child.stdout.on('data', (d: Buffer) => {
      const text = d.toString();
      stdout += text;
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) options.onLine?.(line);
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const sample = (): void => {
      if (child.pid === undefined) return;
      // `convene replay` runs the pipeline in a second process of its own (bin/convene.js): count the tree.
      const pids = processTree(child.pid);
      let rss = 0;
      // File-backed pages (the Node binary, DuckDB's library) are mostly the same in every
      // process of the tree: counted once, as the largest process maps them.
      let file = 0;
      let cpuNow = 0;
      let seen = false;
      for (const pid of pids) {
        const s = procStatus(pid);
        if (!s) continue;
        seen = true;
        rss += s.anon;
        file = Math.max(file, s.file);
        peak = Math.max(peak, s.hwm);
        cpuNow += procCpuSeconds(pid) ?? 0;
      }
      if (!seen) return;
      rss += file;
      peak = Math.max(peak, rss);
      cpu = Math.max(cpu, cpuNow);
      samples.push([Math.round((performance.now() - started) / 100) / 10, Math.round(rss)]);
    };
    const timer = setInterval(sample, sampleMs);
    child.on('error', (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearInterval(timer);
      resolve({ status: code ?? -1, seconds: (performance.now() - started) / 1000, peakRssMb: Math.round(peak), cpuSeconds: Math.round(cpu * 10) / 10, samples, stdout, stderr });
    });
  });
}
