/**
 * Live collection under rate limits: `convene run` against `convene emulate` enforcing Slack's
 * tiers, time compressed by `tierScale`. The bound is the least time the tiers allow for the
 * requests the run made: per method, its burst at once and the rest at its rate; methods have
 * separate buckets, so the slowest method bounds the run. The share is that bound over the
 * time the Slack collection stage took (1.0: the run went exactly as fast as the tiers allow).
 */
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../src/emulate/server.js';
import { methodLimit, minimumMillis } from '../src/runtime/limits/tiers.js';
import { measure } from './measure.js';

export interface LiveResult {
  scale: number;
  tierScale: number;
  /** Slack requests the run made, by method. */
  byMethod: Record<string, number>;
  requests: number;
  rateLimited: number;
  /** The Slack collection stage's time. */
  seconds: number;
  /** The least time the tiers allow for those requests. */
  boundSeconds: number;
  /** Requests the tiers would allow in `seconds` for the bounding method, for the table. */
  boundRequests: number;
  share: number;
  bindingMethod: string;
}

export interface LiveOptions {
  cache: string;
  cli: string;
  root: string;
  say: (line: string) => void;
  scale?: number;
  tierScale?: number;
}

export async function liveBench(options: LiveOptions): Promise<LiveResult> {
  const scale = options.scale ?? 0.02;
  const tierScale = options.tierScale ?? 20;
  const bundle = join(options.cache, `live-s${scale}-seed1`);
  if (!existsSync(join(bundle, 'truth.json'))) {
    const g = await measure(process.execPath, [options.cli, 'generate', '--out', bundle, '--seed', '1', '--scale', String(scale)], { cwd: options.root });
    if (g.status !== 0) throw new Error(`convene generate exited ${g.status}: ${g.stderr}`);
  }
  const emulator = await startEmulator(bundle, { tierScale });
  try {
    const config = join(options.cache, 'work', 'live.config.json');
    const db = join(options.cache, 'work', 'live.duckdb');
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    writeFileSync(config, JSON.stringify(emulator.config()));
    options.say(`live collection against the emulator (scale ${scale}, tierScale ${tierScale}) ...`);
    let seconds: number | null = null;
    const m = await measure(process.execPath, [options.cli, 'run', '--config', config, '--db', db], {
      cwd: options.root,
      onLine: (line) => {
        options.say(`  ${line}`);
        const s = /^slack-web\s+read\b.* in ([\d.]+) s/.exec(line);
        if (s) seconds = Number(s[1]);
      },
    });
    if (m.status !== 0) throw new Error(`convene run exited ${m.status}: ${m.stderr.slice(-2000)}`);
    const byMethod: Record<string, number> = {};
    for (const [method, n] of Object.entries(emulator.stats.requests)) if (!method.includes(':')) byMethod[method] = n;
    let boundMs = 0;
    let bindingMethod = '';
    for (const [method, n] of Object.entries(byMethod)) {
      const ms = minimumMillis(n, methodLimit('slack', method, 'internal'), tierScale);
      if (ms > boundMs) {
        boundMs = ms;
        bindingMethod = method;
      }
    }
    const took = seconds ?? m.seconds;
    const limit = methodLimit('slack', bindingMethod, 'internal');
    rmSync(db, { force: true });
    rmSync(`${db}.wal`, { force: true });
    return {
      scale,
      tierScale,
      byMethod,
      requests: Object.values(byMethod).reduce((a, b) => a + b, 0),
      rateLimited: emulator.stats.rateLimited,
      seconds: took,
      boundSeconds: boundMs / 1000,
      boundRequests: limit.burst + (took * limit.perMinute * tierScale) / 60,
      share: took > 0 ? boundMs / 1000 / took : 0,
      bindingMethod,
    };
  } finally {
    await emulator.close();
  }
}
