/**
 * `npm run bench [-- --scale X[,Y...]] [--seed N] [--json] [--cache DIR] [--live]`
 *
 * For each scale: generates the organization once (cached under --cache), replays it with the
 * real CLI into a fresh database, and, side by side, has DuckDB read the same Slack export
 * files with its own `read_json` (the floor). Both run as child processes, one after the
 * other, each measured alone: wall time, peak resident memory (the kernel's high-water mark,
 * so DuckDB's native memory counts), and the replay's time per stage. The replay's
 * `convene validate` checksums are kept, so two bench runs show whether results changed.
 *
 * `--repeat N` measures each scale N times, the replay and the floor alternating, and reports the
 * median of each (the run with the median time, and the median peak); every run is kept in the
 * results file. On this 2-core machine one scale-1 replay varies by 20 % or more from run to run.
 *
 * `--live` adds live collection: `convene run` against `convene emulate` enforcing Slack's
 * tiers (time compressed), reporting the requests made against the bound the tiers allow.
 *
 * Prints a table (or JSON with --json) and writes bench/results/<date>.json.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measure, type Measured } from './measure.js';
import { liveBench, type LiveResult } from './live.js';

const here = dirname(fileURLToPath(import.meta.url));
/** dist/bench → the repository root. */
const root = resolve(here, '..', '..');
const cli = join(root, 'bin', 'convene.js');

interface Flags {
  scales: number[];
  seed: number;
  json: boolean;
  cache: string;
  live: boolean;
  floor: boolean;
  replay: boolean;
  repeat: number;
}

function parseFlags(argv: readonly string[]): Flags {
  const flags: Flags = { scales: [1], seed: 1, json: false, cache: '/tmp/convene-bench', live: false, floor: true, replay: true, repeat: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) usage(`${a} needs a value`);
      return v;
    };
    if (a === '--scale') flags.scales = value().split(',').map(Number);
    else if (a === '--seed') flags.seed = Number(value());
    else if (a === '--cache') flags.cache = resolve(value());
    else if (a === '--json') flags.json = true;
    else if (a === '--live') flags.live = true;
    else if (a === '--no-floor') flags.floor = false;
    else if (a === '--no-replay') flags.replay = false;
    else if (a === '--repeat') flags.repeat = Number(value());
    else if (a === '--help' || a === '-h') usage(null);
    else usage(`unknown flag ${a}`);
  }
  if (flags.scales.some((s) => !(s > 0)) || !Number.isInteger(flags.seed)) usage('--scale takes positive numbers, --seed an integer');
  if (!Number.isInteger(flags.repeat) || flags.repeat < 1) usage('--repeat takes a whole number of runs, 1 or more');
  return flags;
}

function usage(problem: string | null): never {
  if (problem) process.stderr.write(`bench: ${problem}\n`);
  process.stderr.write('usage: npm run bench -- [--scale X[,Y...]] [--seed N] [--json] [--cache DIR] [--live] [--no-floor] [--no-replay] [--repeat N]\n');
  process.exit(problem ? 2 : 0);
}

export interface RunFigures {
  seconds: number;
  cpuSeconds: number;
  peakRssMb: number;
}

export interface ScaleResult {
  scale: number;
  seed: number;
  bundle: string;
  generatedSeconds: number | null;
  records: number | null;
  replay: {
    seconds: number;
    /** CPU seconds of the replay process (all threads: the pipeline's and DuckDB's). */
    cpuSeconds: number;
    peakRssMb: number;
    stages: Record<string, number>;
    microsPerRecord: number | null;
    recordsPerSecond: number | null;
    checksums: Record<string, { rows: number; checksum: string }>;
    /** One digest over every table's checksum: equal digests, equal results. */
    digest: string;
    rssSamples: Array<[number, number]>;
  } | null;
  floor: { seconds: number; cpuSeconds: number; peakRssMb: number; rows: number } | null;
  /** Every run with --repeat, in the order run (the replay and the floor alternate). */
  runs: { replay: RunFigures[]; floor: RunFigures[] };
  /** Replay time / floor time. */
  ratio: number | null;
  load: { before: number[]; after: number[] };
}

function say(flags: Flags, line: string): void {
  if (!flags.json) process.stderr.write(line + '\n');
}

function fail(what: string, m: Measured): never {
  throw new Error(`${what} exited ${m.status}:\n${m.stderr.slice(-2000)}${m.stdout.slice(-2000)}`);
}

async function ensureBundle(flags: Flags, scale: number): Promise<{ bundle: string; seconds: number | null }> {
  const bundle = join(flags.cache, `s${scale}-seed${flags.seed}`);
  if (existsSync(join(bundle, 'truth.json'))) return { bundle, seconds: null };
  say(flags, `generating scale ${scale} (seed ${flags.seed}) into ${bundle} ...`);
  rmSync(bundle, { recursive: true, force: true });
  const g = await measure(process.execPath, [cli, 'generate', '--out', bundle, '--seed', String(flags.seed), '--scale', String(scale)], { cwd: root });
  if (g.status !== 0) fail('convene generate', g);
  return { bundle, seconds: g.seconds };
}

const STAGE_LINE = /^(\S+)\s+(?:read|derived|took)\b.* in ([\d.]+) s/;
const TOTAL_LINE = /: read (\d+) records/;

async function benchScale(flags: Flags, scale: number): Promise<ScaleResult> {
  const load = { before: loadavg().map((x) => Math.round(x * 100) / 100), after: [] as number[] };
  const { bundle, seconds: generatedSeconds } = await ensureBundle(flags, scale);
  const work = join(flags.cache, 'work');
  mkdirSync(work, { recursive: true });
  const result: ScaleResult = { scale, seed: flags.seed, bundle, generatedSeconds, records: null, replay: null, floor: null, ratio: null, load, runs: { replay: [], floor: [] } };

  const replays: Array<NonNullable<ScaleResult['replay']>> = [];
  const floors: Array<NonNullable<ScaleResult['floor']>> = [];
  for (let run = 1; run <= flags.repeat; run++) {
    const of = flags.repeat > 1 ? ` (run ${run} of ${flags.repeat})` : '';
    if (flags.replay) {
      const r = await replayOnce(flags, scale, bundle, work, of);
      result.records = r.records;
      replays.push(r.replay);
      if (r.replay.digest !== replays[0]!.digest) throw new Error(`scale ${scale}: run ${run} stored other results than run 1 (digest ${r.replay.digest}, not ${replays[0]!.digest})`);
    }
    if (flags.floor) floors.push(await floorOnce(flags, scale, bundle, work, of));
  }
  result.runs = { replay: replays.map(figures), floor: floors.map(figures) };
  if (replays.length > 0) result.replay = { ...medianRun(replays), peakRssMb: median(replays.map((r) => r.peakRssMb)) };
  if (floors.length > 0) result.floor = { ...medianRun(floors), peakRssMb: median(floors.map((r) => r.peakRssMb)) };
  if (result.replay && result.floor) result.ratio = round(result.replay.seconds / result.floor.seconds);
  load.after = loadavg().map((x) => Math.round(x * 100) / 100);
  return result;
}

async function replayOnce(flags: Flags, scale: number, bundle: string, work: string, of: string): Promise<{ records: number | null; replay: NonNullable<ScaleResult['replay']> }> {
  const db = join(work, `replay-s${scale}.duckdb`);
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  warmPageCache(bundle);
  say(flags, `replaying scale ${scale}${of} ...`);
  const stages: Record<string, number> = {};
  let records: number | null = null;
  const m = await measure(process.execPath, [cli, 'replay', bundle, '--db', db, '--full-refresh'], {
    cwd: root,
    onLine: (line) => {
      const s = STAGE_LINE.exec(line);
      if (s) stages[s[1]!] = Number(s[2]);
      const t = TOTAL_LINE.exec(line);
      if (t) records = Number(t[1]);
      say(flags, `  ${line}`);
    },
  });
  if (m.status !== 0) fail('convene replay', m);
  const v = await measure(process.execPath, [cli, 'validate', '--db', db, '--json'], { cwd: root });
  const checksums = (JSON.parse(v.stdout) as { tables: Record<string, { rows: number; checksum: string }> }).tables;
  const digest = createHash('sha256').update(JSON.stringify(Object.entries(checksums).sort(([a], [b]) => (a < b ? -1 : 1)))).digest('hex').slice(0, 16);
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  const n = records as number | null;
  return {
    records: n,
    replay: {
      seconds: round(m.seconds),
      cpuSeconds: m.cpuSeconds,
      peakRssMb: m.peakRssMb,
      stages,
      microsPerRecord: n ? round((m.seconds * 1e6) / n) : null,
      recordsPerSecond: n ? Math.round(n / m.seconds) : null,
      checksums,
      digest,
      rssSamples: thin(m.samples, 60),
    },
  };
}

async function floorOnce(flags: Flags, scale: number, bundle: string, work: string, of: string): Promise<NonNullable<ScaleResult['floor']>> {
  const db = join(work, `floor-s${scale}.duckdb`);
  warmPageCache(bundle);
  say(flags, `DuckDB read_json floor, scale ${scale}${of} ...`);
  const m = await measure(process.execPath, [join(here, 'floor.js'), bundle, db], { cwd: root });
  if (m.status !== 0) fail('floor', m);
  const out = JSON.parse(m.stdout) as { rows: number; seconds: number };
  rmSync(db, { force: true });
  rmSync(`${db}.wal`, { force: true });
  return { seconds: round(m.seconds), cpuSeconds: m.cpuSeconds, peakRssMb: m.peakRssMb, rows: out.rows };
}

function figures(r: RunFigures): RunFigures {
  return { seconds: r.seconds, cpuSeconds: r.cpuSeconds, peakRssMb: r.peakRssMb };
}

/** The run with the median time (of an even number, the faster of the middle two). */
function medianRun<T extends { seconds: number }>(runs: readonly T[]): T {
  const sorted = [...runs].sort((a, b) => a.seconds - b.seconds);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** The median of some figures (of an even number, the lower of the middle two). */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/**
 * Reads every file of the bundle once, so that the replay and the floor both start with the
 * files in the page cache: on this machine a cold read of a scale-1 export took longer than
 * the whole warm replay, and which side found the files cold decided the ratio.
 */
function warmPageCache(folder: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) warmPageCache(path);
    else if (entry.isFile()) readFileSync(path);
  }
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

/** At most `n` samples, evenly spaced, the peak kept. */
function thin(samples: Array<[number, number]>, n: number): Array<[number, number]> {
  if (samples.length <= n) return samples;
  const step = samples.length / n;
  const out: Array<[number, number]> = [];
  for (let i = 0; i < n; i++) out.push(samples[Math.floor(i * step)]!);
  const peak = samples.reduce((a, b) => (b[1] > a[1] ? b : a));
  if (!out.includes(peak)) out.push(peak);
  return out.sort((a, b) => a[0] - b[0]);
}

function table(results: readonly ScaleResult[], live: LiveResult | null): string {
  const head = ['scale', 'records', 'replay s', 'cpu s', 'µs/record', 'rec/s', 'peak RSS MB', 'floor s', 'floor cpu s', 'floor RSS MB', 'ratio', 'load'];
  const base = results.find((r) => r.scale === 1)?.replay;
  const rows = results.map((r) => [
    String(r.scale),
    String(r.records ?? '-'),
    r.replay ? r.replay.seconds.toFixed(1) : '-',
    r.replay ? r.replay.cpuSeconds.toFixed(1) : '-',
    r.replay?.microsPerRecord?.toFixed(0) ?? '-',
    String(r.replay?.recordsPerSecond ?? '-'),
    r.replay ? String(r.replay.peakRssMb) : '-',
    r.floor ? r.floor.seconds.toFixed(1) : '-',
    r.floor ? r.floor.cpuSeconds.toFixed(1) : '-',
    r.floor ? String(r.floor.peakRssMb) : '-',
    r.ratio !== null ? `${r.ratio.toFixed(2)}x` : '-',
    `${r.load.before[0]}→${r.load.after[0]}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padStart(widths[i]!)).join('  ');
  const out = [line(head), ...rows.map(line)];
  for (const r of results) {
    if (!r.replay) continue;
    const stages = Object.entries(r.replay.stages).map(([k, s]) => `${k} ${s.toFixed(1)} s`).join(', ');
    out.push(`scale ${r.scale}: stages ${stages}; results digest ${r.replay.digest}`);
    if (r.runs.replay.length > 1 || r.runs.floor.length > 1) {
      const list = (runs: readonly RunFigures[]): string => runs.map((x) => `${x.seconds.toFixed(1)} s / ${x.peakRssMb} MB`).join(', ');
      const sides = [r.runs.replay.length > 0 ? `replay ${list(r.runs.replay)}` : null, r.runs.floor.length > 0 ? `floor ${list(r.runs.floor)}` : null].filter((x) => x !== null);
      out.push(`scale ${r.scale}: medians of ${Math.max(r.runs.replay.length, r.runs.floor.length)} runs; ${sides.join('; ')}`);
    }
    if (base && r.scale !== 1 && base.microsPerRecord && r.replay.microsPerRecord) {
      out.push(`scale ${r.scale} vs 1: time per record ${(r.replay.microsPerRecord / base.microsPerRecord).toFixed(2)}x, peak RSS ${(r.replay.peakRssMb / base.peakRssMb).toFixed(2)}x`);
    }
  }
  if (live) {
    out.push(
      `live collection (emulator, scale ${live.scale}, tierScale ${live.tierScale}): ${live.requests} Slack requests, ` +
        `${live.byMethod[live.bindingMethod] ?? 0} of them ${live.bindingMethod}, in ${live.seconds.toFixed(1)} s; the tiers allow them in ${live.boundSeconds.toFixed(1)} s ` +
        `→ ${(live.share * 100).toFixed(0)} % of the rate-limit bound, ${live.rateLimited} × 429`,
    );
  }
  return out.join('\n');
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  mkdirSync(flags.cache, { recursive: true });
  const results: ScaleResult[] = [];
  for (const scale of flags.scales) results.push(await benchScale(flags, scale));
  const live = flags.live ? await liveBench({ cache: flags.cache, cli, root, say: (l) => say(flags, l) }) : null;
  const report = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', memoryMb: Math.round(totalmem() / 1048576), node: process.version },
    // Settings the children inherit (DuckDB's memory limit, V8 flags): they change the figures.
    environment: Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('CONVENE_') || k === 'NODE_OPTIONS')),
    results,
    live,
  };
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${report.date.replace(/[:]/g, '-').replace(/\.\d+Z$/, 'Z')}.json`);
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  if (flags.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
  else process.stdout.write(`${table(results, live)}\nwritten ${file}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
