/**
 * Injected faults: `SPEC` is a comma list of `kind=probability` with kinds 5xx, 429, timeout
 * and malformed (e.g. `5xx=0.08,429=0.05`), each optionally scoped to one API as
 * `api:kind=probability` (`calendar:5xx=1`: Calendar is down, the rest answers). A seeded RNG
 * makes a run repeatable.
 */
import { ConveneError } from '../core/errors.js';

export const FAULT_KINDS = ['5xx', '429', 'timeout', 'malformed'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export const FAULT_APIS = ['slack', 'calendar', 'drive', 'directory'] as const;
export type FaultApi = (typeof FAULT_APIS)[number];
export type FaultSpec = Partial<Record<FaultKind, number>> & { byApi?: Partial<Record<FaultApi, Partial<Record<FaultKind, number>>>> };

export function parseFaults(spec: string | undefined): FaultSpec {
  const out: FaultSpec = {};
  if (spec === undefined || spec.trim() === '') return out;
  for (const part of spec.split(',')) {
    const [key, value] = part.split('=').map((s) => s.trim());
    const [api, kind] = (key ?? '').includes(':') ? (key ?? '').split(':').map((s) => s.trim()) : [undefined, key];
    const p = Number(value);
    if (!(FAULT_KINDS as readonly string[]).includes(kind ?? '') || (api !== undefined && !(FAULT_APIS as readonly string[]).includes(api)) || value === undefined || !Number.isFinite(p) || p < 0 || p > 1) {
      throw new ConveneError('CONFIG_INVALID', `--faults: "${part}" is not [api:]kind=probability with api one of ${FAULT_APIS.join(', ')}, kind one of ${FAULT_KINDS.join(', ')} and a probability in [0, 1]`, { subject: '--faults' });
    }
    if (api === undefined) out[kind as FaultKind] = p;
    else {
      out.byApi ??= {};
      out.byApi[api as FaultApi] = { ...out.byApi[api as FaultApi], [kind as FaultKind]: p };
    }
  }
  return out;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every platform. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fault to inject for one request to `api`, if any: one draw, kinds tried in a fixed order. */
export function drawFault(spec: FaultSpec, random: () => number, api?: string): FaultKind | null {
  const r = random();
  const scoped = api === undefined ? undefined : spec.byApi?.[api as FaultApi];
  let acc = 0;
  for (const kind of FAULT_KINDS) {
    acc += (spec[kind] ?? 0) + (scoped?.[kind] ?? 0);
    if (r < acc) return kind;
  }
  return null;
}
