/**
 * The query parameters of the REST API, validated with zod. Filter parameters are named like
 * the CLI's flags (`from`, `to`, `channel`, `person`, `team`, `kind`, `min-cost`, `search`,
 * `limit`, `offset`) and go through the same `parseFilters` as `convene meetings`; an unknown
 * parameter is refused, so nothing a client sends is taken as SQL or silently ignored.
 */
import { z } from 'zod';
import { EXPORT_FORMATS } from '../sinks/export/export.js';
import { FILTER_TABLES, FilterError, parseFilters, type Filters } from '../sinks/search/filters.js';

/** A 4xx answer with a message a person can act on. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'RequestError';
  }
}

type Query = Record<string, unknown>;

const FILTER_PARAMS = ['from', 'to', 'channel', 'person', 'team', 'kind', 'min-cost', 'search', 'limit', 'offset'] as const;

/** Rows one list request may ask for. */
export const MAX_PAGE = 1000;
export const DEFAULT_PAGE = 50;

const numberParam = (name: string, integer: boolean) =>
  z
    .string()
    .trim()
    .regex(integer ? /^\d+$/ : /^\d+(\.\d+)?$/, `${name} must be ${integer ? 'a whole number' : 'a number'}`)
    .transform(Number);

const single = (name: string) =>
  z.unknown().transform((v, ctx) => {
    if (v === undefined) return undefined;
    if (typeof v !== 'string') {
      ctx.addIssue({ code: 'custom', message: `${name} must be given once` });
      return z.NEVER;
    }
    return v;
  });

function refuseUnknown(query: Query, allowed: readonly string[]): void {
  const unknown = Object.keys(query).filter((k) => !allowed.includes(k));
  if (unknown.length) throw new RequestError(400, `unknown query parameter${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => JSON.stringify(k)).join(', ')}; ${allowed.length ? `accepted: ${allowed.join(', ')}` : 'this endpoint takes none'}`);
}

function strings(query: Query, names: readonly string[]): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  const problems: string[] = [];
  for (const n of names) {
    const r = single(n).safeParse(query[n]);
    if (r.success) out[n] = r.data;
    else problems.push(...r.error.issues.map((i) => i.message));
  }
  if (problems.length) throw new RequestError(400, problems.join('; '));
  return out;
}

function numberOf(raw: string | undefined, name: string, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const r = numberParam(name, integer).safeParse(raw);
  if (!r.success) throw new RequestError(400, r.error.issues.map((i) => i.message).join('; '));
  return r.data;
}

/** The filters of a list or export request; `maxLimit` caps `limit` (lists), absent: no cap (exports). */
export function filtersOf(query: Query, options: { extra?: readonly string[]; defaultLimit?: number; maxLimit?: number } = {}): Filters {
  refuseUnknown(query, [...FILTER_PARAMS, ...(options.extra ?? [])]);
  const q = strings(query, FILTER_PARAMS);
  const limit = numberOf(q['limit'], 'limit', true) ?? options.defaultLimit;
  if (options.maxLimit !== undefined && limit !== undefined && limit > options.maxLimit) throw new RequestError(400, `limit must be at most ${options.maxLimit}; page with offset`);
  try {
    return parseFilters({
      from: q['from'], to: q['to'], channel: q['channel'], person: q['person'], team: q['team'], kind: q['kind'],
      minCost: numberOf(q['min-cost'], 'min-cost', false), search: q['search'], limit, offset: numberOf(q['offset'], 'offset', true),
    });
  } catch (err) {
    throw asRequestError(err);
  }
}

/** A FilterError names CLI flags; the API's parameters are the same names without the dashes. */
export function asRequestError(err: unknown): unknown {
  return err instanceof FilterError ? new RequestError(400, err.message.replace(/--([a-z-]+)/g, '$1')) : err;
}

export const ExportQuery = z.object({
  format: z.enum(EXPORT_FORMATS, { message: `format must be one of ${EXPORT_FORMATS.join(', ')}` }),
  table: z.enum(FILTER_TABLES, { message: `table must be one of ${FILTER_TABLES.join(', ')}` }).default('meetings'),
});

export function exportOf(query: Query): { format: (typeof EXPORT_FORMATS)[number]; table: (typeof FILTER_TABLES)[number]; filters: Filters } {
  const q = strings(query, ['format', 'table']);
  const r = ExportQuery.safeParse({ format: q['format'], ...(q['table'] !== undefined ? { table: q['table'] } : {}) });
  if (!r.success) throw new RequestError(400, r.error.issues.map((i) => (q[String(i.path[0])] === undefined ? `${String(i.path[0])} is required` : i.message)).join('; '));
  return { ...r.data, filters: filtersOf(query, { extra: ['format', 'table'] }) };
}

/** Endpoints that take no parameters refuse any. */
export function noParams(query: Query): void {
  refuseUnknown(query, []);
}

/** `limit` alone (runs, errors). */
export function limitOf(query: Query, defaultLimit: number, maxLimit: number): number {
  refuseUnknown(query, ['limit']);
  const n = numberOf(strings(query, ['limit'])['limit'], 'limit', true) ?? defaultLimit;
  if (n < 1 || n > maxLimit) throw new RequestError(400, `limit must be between 1 and ${maxLimit}`);
  return n;
}

export const BreakerRequest = z
  .object({ action: z.enum(['open', 'close', 'reset'], { message: 'action must be open, close or reset' }) })
  .strict();
