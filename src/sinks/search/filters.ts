/**
 * Filters and free-text search over a convene database, shared by the CLI (`convene meetings`,
 * `convene messages`), the exports and the REST API: one zod schema validates what a person
 * asked for, and `filteredQuery` turns it into SQL whose every user-given value is a `?`
 * parameter, never spliced into the text.
 *
 * Two families of tables are filtered: those about meetings (meetings, meeting_metrics) by the
 * meeting's start, channel, people, team, kind and cost; those about messages (messages,
 * signals, message_links) by the message's time, channel, author and text. `people` takes
 * only --person, --team and --search. A filter that means nothing for a table is an error,
 * not silently ignored.
 */
import { z } from 'zod';
import { SIGNAL_KINDS } from '../../core/records.js';
import type { SqlParam } from '../duckdb/database.js';

const MEETING_KINDS = ['scheduled', 'huddle', 'adhoc'] as const;

/** A day (`2026-03-02`, UTC) or an ISO 8601 date-time with an offset or `Z`. */
const instant = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/, 'must be a date (YYYY-MM-DD) or an ISO date-time')
  .refine((s) => {
    // Date.parse rolls 2026-02-30 over to March; a real day survives the round trip.
    const day = s.slice(0, 10);
    const ms = Date.parse(`${day}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day && !Number.isNaN(Date.parse(s.length === 10 ? `${s}T00:00:00Z` : s));
  }, 'is not a real date');

export const Filters = z
  .object({
    from: instant.optional(),
    /** Inclusive: a bare day means up to the end of that day. */
    to: instant.optional(),
    channel: z.string().trim().min(1).max(200).optional(),
    person: z.string().trim().min(1).max(200).optional(),
    team: z.string().trim().min(1).max(200).optional(),
    kind: z.string().trim().min(1).optional(),
    minCost: z.number().finite().min(0).optional(),
    search: z.string().trim().min(1).max(500).optional(),
    limit: z.number().int().min(1).max(10_000_000).optional(),
    offset: z.number().int().min(0).default(0),
  })
  .strict();
export type Filters = z.infer<typeof Filters>;
export type FiltersInput = z.input<typeof Filters>;

export const FILTER_TABLES = ['meetings', 'message_links', 'signals', 'messages', 'people', 'meeting_metrics'] as const;
export type FilterTable = (typeof FILTER_TABLES)[number];

export class FilterError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join('; '));
    this.name = 'FilterError';
  }
}

const FLAG: Record<string, string> = { from: '--from', to: '--to', channel: '--channel', person: '--person', team: '--team', kind: '--kind', minCost: '--min-cost', search: '--search', limit: '--limit', offset: '--offset' };

/** The filters in words, for the notes of a report or workbook: 'none' when nothing is filtered. */
export function describeFilters(f: Filters): string {
  const parts = (Object.keys(FLAG) as Array<keyof Filters>)
    .filter((k) => f[k] !== undefined && !(k === 'offset' && f.offset === 0))
    .map((k) => `${FLAG[k]} ${JSON.stringify(f[k])}`);
  return parts.length ? parts.join(' ') : 'none';
}

/** Validate raw filter values (as the CLI or a query string gives them); throws FilterError naming each bad flag. */
export function parseFilters(input: Record<string, unknown>): Filters {
  const cleaned = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const r = Filters.safeParse(cleaned);
  if (!r.success) {
    throw new FilterError(r.error.issues.map((i) => {
      const key = String(i.path[0] ?? '');
      return `${FLAG[key] ?? (key || 'filters')} ${i.message}`;
    }));
  }
  const f = r.data;
  if (f.from && f.to && bound(f.from, 'from') > bound(f.to, 'to')) throw new FilterError(['--from is after --to']);
  return f;
}

/** Epoch millis of a bound; a bare day as `to` means the end of that day. */
function bound(value: string, side: 'from' | 'to'): number {
  if (value.length === 10) return Date.parse(`${value}T00:00:00Z`) + (side === 'to' ? 86_400_000 - 1 : 0);
  return Date.parse(value);
}

function boundIso(value: string, side: 'from' | 'to'): string {
  return new Date(bound(value, side)).toISOString();
}

export interface FilteredQuery {
  sql: string;
  params: SqlParam[];
}

/** Words of the search text, lower-cased: every one must occur (in any order). */
export function searchTerms(search: string): string[] {
  return [...new Set(search.toLowerCase().split(/\s+/).filter((w) => w.length > 0))].slice(0, 16);
}

class Where {
  readonly clauses: string[] = [];
  readonly params: SqlParam[] = [];
  add(sql: string, ...params: SqlParam[]): void {
    this.clauses.push(sql);
    this.params.push(...params);
  }
  text(): string {
    return this.clauses.length ? ` WHERE ${this.clauses.join(' AND ')}` : '';
  }
}

/**
 * The identifiers (Slack user ids, emails, directory ids) of the people a --person value names:
 * a Slack id, an email, a name or display name (case-insensitive), widened through the identity
 * map so one person's Slack account and directory entry both count.
 */
const PERSON_IDS = `(
  WITH hit AS (
    SELECT p.key FROM people p
     WHERE p.slack_user_id = ? OR lower(p.email) = lower(?) OR lower(p.name) = lower(?) OR lower(p.display_name) = lower(?) OR p.external_id = ?),
  same AS (
    SELECT i2.key FROM identities i1 JOIN identities i2 ON i2.person_id = i1.person_id WHERE i1.key IN (SELECT key FROM hit)
    UNION SELECT key FROM hit)
  SELECT lower(x) FROM (
    SELECT unnest([p.slack_user_id, p.email, p.external_id]) AS x FROM people p WHERE p.key IN (SELECT key FROM same)
    UNION SELECT ?) WHERE x IS NOT NULL)`;
const personParams = (v: string): SqlParam[] => [v, v, v, v, v, v.toLowerCase()];

/** The identifiers of everyone in a department (case-insensitive), widened through the identity map. */
const TEAM_IDS = `(
  WITH hit AS (SELECT p.key FROM people p WHERE lower(p.department) = lower(?)),
  same AS (
    SELECT i2.key FROM identities i1 JOIN identities i2 ON i2.person_id = i1.person_id WHERE i1.key IN (SELECT key FROM hit)
    UNION SELECT key FROM hit)
  SELECT lower(x) FROM (
    SELECT unnest([p.slack_user_id, p.email, p.external_id]) AS x FROM people p WHERE p.key IN (SELECT key FROM same)) WHERE x IS NOT NULL)`;

/** Channel ids a --channel value names: the id itself, or a name with or without '#'. */
const CHANNEL_IDS = `(SELECT id FROM channels WHERE id = ? OR lower(name) = lower(ltrim(?, '#')) UNION SELECT ?)`;
const channelParams = (v: string): SqlParam[] => [v, v, v];

function meetingWhere(f: Filters, alias: string, w: Where): void {
  if (f.from) w.add(`${alias}.start_time >= ?::TIMESTAMPTZ`, boundIso(f.from, 'from'));
  if (f.to) w.add(`${alias}.start_time <= ?::TIMESTAMPTZ`, boundIso(f.to, 'to'));
  if (f.kind) {
    if (!(MEETING_KINDS as readonly string[]).includes(f.kind)) throw new FilterError([`--kind for meetings must be one of ${MEETING_KINDS.join(', ')}`]);
    w.add(`${alias}.kind = ?`, f.kind);
  }
  if (f.channel) {
    // A meeting is in a channel when it started there or was coordinated there.
    w.add(
      `(${alias}.channel_id IN ${CHANNEL_IDS} OR EXISTS (SELECT 1 FROM message_links fl WHERE fl.meeting_id = ${alias}.id AND fl.channel_id IN ${CHANNEL_IDS}))`,
      ...channelParams(f.channel),
      ...channelParams(f.channel),
    );
  }
  if (f.person) {
    w.add(
      `(lower(${alias}.organizer) IN ${PERSON_IDS} OR EXISTS (SELECT 1 FROM (SELECT unnest(CAST(${alias}.participants AS VARCHAR[])) AS pid) fp WHERE lower(fp.pid) IN ${PERSON_IDS}))`,
      ...personParams(f.person),
      ...personParams(f.person),
    );
  }
  if (f.team) {
    // A meeting's team is that of its organizer, or of its first participant (as in the summary's cost by team).
    w.add(`lower(coalesce(${alias}.organizer, json_extract_string(${alias}.participants, '$[0]'))) IN ${TEAM_IDS}`, f.team);
  }
  if (f.minCost !== undefined) {
    w.add(`EXISTS (SELECT 1 FROM meeting_metrics fx WHERE fx.meeting_id = ${alias}.id AND fx.coordination_cost_minutes >= ?)`, f.minCost);
  }
  if (f.search) {
    for (const term of searchTerms(f.search)) {
      w.add(
        `(contains(lower(coalesce(${alias}.title, '')), ?) OR EXISTS (SELECT 1 FROM message_links fl JOIN messages fm USING (channel_id, ts) WHERE fl.meeting_id = ${alias}.id AND contains(lower(fm.text), ?)))`,
        term,
        term,
      );
    }
  }
}

/**
 * Message filters on a row alias holding `channel_id`, `ts`; `msg` is the alias of the joined
 * messages row (time, user_id, text).
 */
function messageWhere(f: Filters, alias: string, msg: string, kindColumn: string | null, w: Where): void {
  if (f.from) w.add(`${msg}.time >= ?::TIMESTAMPTZ`, boundIso(f.from, 'from'));
  if (f.to) w.add(`${msg}.time <= ?::TIMESTAMPTZ`, boundIso(f.to, 'to'));
  if (f.channel) w.add(`${alias}.channel_id IN ${CHANNEL_IDS}`, ...channelParams(f.channel));
  if (f.person) w.add(`lower(${msg}.user_id) IN ${PERSON_IDS}`, ...personParams(f.person));
  if (f.team) w.add(`lower(${msg}.user_id) IN ${TEAM_IDS}`, f.team);
  if (f.kind) {
    if (!(SIGNAL_KINDS as readonly string[]).includes(f.kind)) throw new FilterError([`--kind for messages must be one of ${SIGNAL_KINDS.join(', ')}`]);
    if (kindColumn) w.add(`${kindColumn} = ?`, f.kind);
    else w.add(`EXISTS (SELECT 1 FROM signals fs WHERE fs.channel_id = ${alias}.channel_id AND fs.ts = ${alias}.ts AND fs.kind = ?)`, f.kind);
  }
  if (f.minCost !== undefined) {
    w.add(
      `EXISTS (SELECT 1 FROM message_links fl JOIN meeting_metrics fx ON fx.meeting_id = fl.meeting_id WHERE fl.channel_id = ${alias}.channel_id AND fl.ts = ${alias}.ts AND fx.coordination_cost_minutes >= ?)`,
      f.minCost,
    );
  }
  if (f.search) for (const term of searchTerms(f.search)) w.add(`contains(lower(${msg}.text), ?)`, term);
}

function peopleWhere(f: Filters, w: Where): void {
  const unsupported = (['from', 'to', 'channel', 'kind', 'minCost'] as const).filter((k) => f[k] !== undefined);
  if (unsupported.length) throw new FilterError(unsupported.map((k) => `${FLAG[k]} does not apply to the people table`));
  if (f.person) w.add(`(lower(p.slack_user_id) IN ${PERSON_IDS} OR lower(p.email) IN ${PERSON_IDS})`, ...personParams(f.person), ...personParams(f.person));
  if (f.team) w.add('lower(p.department) = lower(?)', f.team);
  if (f.search) {
    for (const term of searchTerms(f.search)) {
      w.add(`contains(lower(concat_ws(' ', p.name, p.display_name, p.email, p.slack_user_id, p.department, p.title)), ?)`, term);
    }
  }
}

function page(f: Filters): { sql: string; params: SqlParam[] } {
  if (f.limit === undefined && f.offset === 0) return { sql: '', params: [] };
  // DuckDB needs a LIMIT to take an OFFSET; the largest BIGINT stands for "no limit".
  return { sql: ' LIMIT ? OFFSET ?', params: [BigInt(f.limit ?? Number.MAX_SAFE_INTEGER), BigInt(f.offset)] };
}

/**
 * The rows of `table` that the filters select, as stored (every column, `t.*`), in a stable
 * order (the table's primary key, or time then key), paged by limit and offset.
 */
export function filteredQuery(table: FilterTable, f: Filters): FilteredQuery {
  const w = new Where();
  let from: string;
  let order: string;
  switch (table) {
    case 'meetings':
      from = 'meetings t';
      order = 't.start_time, t.id';
      meetingWhere(f, 't', w);
      break;
    case 'meeting_metrics':
      from = 'meeting_metrics t JOIN meetings m ON m.id = t.meeting_id';
      order = 'm.start_time, t.meeting_id';
      meetingWhere(f, 'm', w);
      break;
    case 'messages':
      from = 'messages t';
      order = 't.time, t.channel_id, t.ts';
      messageWhere(f, 't', 't', null, w);
      break;
    case 'signals':
      from = 'signals t JOIN messages m USING (channel_id, ts)';
      order = 't.time, t.channel_id, t.ts';
      messageWhere(f, 't', 'm', 't.kind', w);
      break;
    case 'message_links':
      from = 'message_links t JOIN messages m USING (channel_id, ts)';
      order = 'm.time, t.channel_id, t.ts';
      messageWhere(f, 't', 'm', 't.kind', w);
      break;
    case 'people':
      from = 'people p';
      order = 'p.key';
      peopleWhere(f, w);
      return withPage(`SELECT p.* FROM ${from}${w.text()} ORDER BY ${order}`, w.params, f);
  }
  return withPage(`SELECT t.* FROM ${from}${w.text()} ORDER BY ${order}`, w.params, f);
}

function withPage(sql: string, params: SqlParam[], f: Filters): FilteredQuery {
  const p = page(f);
  return { sql: sql + p.sql, params: [...params, ...p.params] };
}

/**
 * The meetings the filters select, one row each with what a person reads first: when, what,
 * where, who organized it, how many messages and how much coordination it took.
 */
export function meetingListQuery(f: Filters): FilteredQuery {
  const w = new Where();
  meetingWhere(f, 'm', w);
  const p = page(f);
  // The page is chosen from meetings alone, then joined: a page of 50 joins 50 rows, not all.
  const sql =
    `SELECT m.id, m.start_time, m.kind, m.source, m.status, m.title, coalesce(CASE WHEN c.kind IN ('im', 'mpim') THEN c.name ELSE '#' || c.name END, m.channel_id) AS channel, m.organizer, ` +
    `json_array_length(m.participants) AS participants, x.messages, x.coordination_cost_minutes AS cost_minutes, x.time_to_schedule_ms ` +
    `FROM (SELECT m.* FROM meetings m${w.text()} ORDER BY m.start_time, m.id${p.sql}) m LEFT JOIN meeting_metrics x ON x.meeting_id = m.id LEFT JOIN channels c ON c.id = m.channel_id ` +
    `ORDER BY m.start_time, m.id`;
  return { sql, params: [...w.params, ...p.params] };
}

/** The messages the filters select, with their channel name, signal and linked meeting. */
export function messageListQuery(f: Filters): FilteredQuery {
  const w = new Where();
  messageWhere(f, 'msg', 'msg', null, w);
  const p = page(f);
  const sql =
    `SELECT msg.time, coalesce(CASE WHEN c.kind IN ('im', 'mpim') THEN c.name ELSE '#' || c.name END, msg.channel_id) AS channel, msg.ts, msg.user_id, s.kind AS signal, l.meeting_id, msg.text ` +
    `FROM messages msg LEFT JOIN channels c ON c.id = msg.channel_id LEFT JOIN signals s ON s.channel_id = msg.channel_id AND s.ts = msg.ts ` +
    `LEFT JOIN message_links l ON l.channel_id = msg.channel_id AND l.ts = msg.ts` +
    `${w.text()} ORDER BY msg.time, msg.channel_id, msg.ts${p.sql}`;
  return { sql, params: [...w.params, ...p.params] };
}
