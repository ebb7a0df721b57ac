/** Shared by the live-collector tests: a small generated bundle, and reading a source to the end. */
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import type { ComponentContext, Source } from '../../../src/core/component.js';
import type { Cursor, Envelope } from '../../../src/core/envelope.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../../src/emulate/server.js';
import { convene } from '../../support/cli.js';
import { scratch } from '../../support/paths.js';

let bundle: string | undefined;

/** A generated bundle at scale 0.01 (about 3,000 records), made once per test process. */
export function smallBundle(): string {
  if (bundle !== undefined) return bundle;
  const dir = join(scratch('convene-live-'), 'bundle');
  const r = convene(['generate', '--out', dir, '--seed', '3', '--scale', '0.01']);
  if (r.status !== 0) throw new Error(`generate failed: ${r.stderr}`);
  bundle = dir;
  return dir;
}

export function context(extra: Partial<ComponentContext> = {}): ComponentContext {
  return { logger: silentLogger, runId: 'test-run', ...extra };
}

export interface Collected {
  readonly envelopes: Envelope[];
  /** The cursor of the last envelope that carries one: what the runtime would checkpoint. */
  readonly cursor: Cursor | undefined;
}

export async function readAll(source: Source, from?: Cursor): Promise<Collected> {
  const envelopes = (await lastValueFrom(source.read(from).pipe(toArray()))) as Envelope[];
  let cursor: Cursor | undefined;
  for (const e of envelopes) if (e.cursor !== undefined) cursor = e.cursor;
  return { envelopes, cursor };
}

export function ofKind(envelopes: readonly Envelope[], kind: string): Envelope[] {
  return envelopes.filter((e) => e.kind === kind);
}

/** Payloads by key, without the provenance that differs between collecting and replaying. */
export function contentByKey(envelopes: readonly Envelope[], kind: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of envelopes) {
    if (e.kind !== kind) continue;
    const { raw: _raw, ...rest } = e.payload as Record<string, unknown>;
    out.set(e.key, JSON.stringify(rest, Object.keys(rest).sort()));
  }
  return out;
}

/** Runs `run` against an emulator serving the small bundle (rate limits off unless asked), then closes it. */
export async function withEmulator<T>(options: EmulatorOptions, run: (emu: Emulator) => Promise<T>): Promise<T> {
  const emu = await startEmulator(smallBundle(), { rateLimits: false, ...options });
  try {
    return await run(emu);
  } finally {
    await emu.close();
  }
}
