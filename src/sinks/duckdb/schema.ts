/**
 * convene's DuckDB schema: one table per record kind, each row keyed as its envelope is, plus
 * the bookkeeping tables. docs/schema.md documents it for people who write SQL against it.
 *
 * Migrations are numbered and recorded in `schema_version`; a newer convene applies the
 * missing ones to an older database on open. A migration is never edited once released.
 */
import { DatabaseError } from '../../core/errors.js';
import type { RecordKind, RecordKinds } from '../../core/records.js';
import { CHECKPOINT_DDL } from './checkpoints.js';
import type { CellValue, ColumnType, Database } from './database.js';
import { ROLLUP_VIEWS } from './rollups.js';

export interface ColumnSpec<T> {
  readonly name: string;
  readonly type: ColumnType;
  readonly get: (record: T) => CellValue;
  readonly notNull?: boolean;
}

export interface DataTableSpec<K extends RecordKind = RecordKind> {
  readonly table: string;
  readonly kind: K;
  readonly primaryKey: readonly string[];
  readonly columns: readonly ColumnSpec<RecordKinds[K]>[];
}

/** Provenance columns every data table carries; they are left out of content checksums. */
export const PROVENANCE_COLUMNS = ['origin', 'run_id'] as const;

const ts = (ms: number | null): CellValue => (ms === null ? null : { tsMillis: ms });
const json = (v: unknown): CellValue => (v === null || v === undefined ? null : JSON.stringify(v));

/** Type-checks a table's columns against its record kind, then erases the kind for the list. */
function spec<K extends RecordKind>(s: DataTableSpec<K>): TableSpec {
  return s as unknown as TableSpec;
}

/** A table spec with its record type erased; call `get(record as never)`. */
export interface TableSpec {
  readonly table: string;
  readonly kind: RecordKind;
  readonly primaryKey: readonly string[];
  readonly columns: readonly { readonly name: string; readonly type: ColumnType; readonly notNull?: boolean; readonly get: (record: never) => CellValue }[];
}

export const DATA_TABLES: readonly TableSpec[] = [
  spec({
    table: 'people', kind: 'person', primaryKey: ['key'],
    columns: [
      { name: 'key', type: 'VARCHAR', get: (p) => p.key, notNull: true },
      { name: 'source', type: 'VARCHAR', get: (p) => p.source, notNull: true },
      { name: 'external_id', type: 'VARCHAR', get: (p) => p.externalId, notNull: true },
      { name: 'email', type: 'VARCHAR', get: (p) => p.email },
      { name: 'name', type: 'VARCHAR', get: (p) => p.name },
      { name: 'display_name', type: 'VARCHAR', get: (p) => p.displayName },
      { name: 'slack_user_id', type: 'VARCHAR', get: (p) => p.slackUserId },
      { name: 'department', type: 'VARCHAR', get: (p) => p.department },
      { name: 'title', type: 'VARCHAR', get: (p) => p.title },
      { name: 'manager_email', type: 'VARCHAR', get: (p) => p.managerEmail },
      { name: 'timezone', type: 'VARCHAR', get: (p) => p.timezone },
      { name: 'tz_offset_minutes', type: 'INTEGER', get: (p) => p.tzOffsetMinutes },
      { name: 'is_bot', type: 'BOOLEAN', get: (p) => p.isBot, notNull: true },
      { name: 'deleted', type: 'BOOLEAN', get: (p) => p.deleted, notNull: true },
    ],
  }),
  spec({
    table: 'identities', kind: 'identity', primaryKey: ['key'],
    columns: [
      { name: 'key', type: 'VARCHAR', get: (i) => i.key, notNull: true },
      { name: 'person_id', type: 'VARCHAR', get: (i) => i.personId, notNull: true },
      { name: 'confidence', type: 'DOUBLE', get: (i) => i.confidence, notNull: true },
      { name: 'reason', type: 'VARCHAR', get: (i) => i.reason, notNull: true },
    ],
  }),
  spec({
    table: 'channels', kind: 'channel', primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'VARCHAR', get: (c) => c.id, notNull: true },
      { name: 'name', type: 'VARCHAR', get: (c) => c.name, notNull: true },
      { name: 'kind', type: 'VARCHAR', get: (c) => c.kind, notNull: true },
      { name: 'created', type: 'TIMESTAMPTZ', get: (c) => ts(c.created) },
      { name: 'creator', type: 'VARCHAR', get: (c) => c.creator },
      { name: 'members', type: 'JSON', get: (c) => json(c.members) },
      { name: 'topic', type: 'VARCHAR', get: (c) => c.topic },
      { name: 'purpose', type: 'VARCHAR', get: (c) => c.purpose },
      { name: 'is_archived', type: 'BOOLEAN', get: (c) => c.isArchived, notNull: true },
    ],
  }),
  spec({
    table: 'messages', kind: 'message', primaryKey: ['channel_id', 'ts'],
    columns: [
      { name: 'channel_id', type: 'VARCHAR', get: (m) => m.channelId, notNull: true },
      { name: 'ts', type: 'VARCHAR', get: (m) => m.ts, notNull: true },
      { name: 'time', type: 'TIMESTAMPTZ', get: (m) => ts(m.time), notNull: true },
      { name: 'user_id', type: 'VARCHAR', get: (m) => m.userId },
      { name: 'bot_id', type: 'VARCHAR', get: (m) => m.botId },
      { name: 'bot_name', type: 'VARCHAR', get: (m) => m.botName },
      { name: 'subtype', type: 'VARCHAR', get: (m) => m.subtype },
      { name: 'text', type: 'VARCHAR', get: (m) => m.text, notNull: true },
      { name: 'extra_text', type: 'VARCHAR', get: (m) => m.extraText, notNull: true },
      { name: 'thread_ts', type: 'VARCHAR', get: (m) => m.threadTs },
      { name: 'is_thread_parent', type: 'BOOLEAN', get: (m) => m.isThreadParent, notNull: true },
      { name: 'reply_count', type: 'INTEGER', get: (m) => m.replyCount, notNull: true },
      { name: 'edited_ts', type: 'VARCHAR', get: (m) => m.editedTs },
      { name: 'files', type: 'JSON', get: (m) => json(m.files) },
      { name: 'links', type: 'JSON', get: (m) => json(m.links) },
      { name: 'mentions', type: 'JSON', get: (m) => json(m.mentions) },
      { name: 'huddle', type: 'JSON', get: (m) => json(m.huddle) },
      { name: 'raw', type: 'JSON', get: (m) => m.raw, notNull: true },
    ],
  }),
  spec({
    table: 'calendar_events', kind: 'calendar_event', primaryKey: ['calendar_id', 'id'],
    columns: [
      { name: 'id', type: 'VARCHAR', get: (e) => e.id, notNull: true },
      { name: 'calendar_id', type: 'VARCHAR', get: (e) => e.calendarId, notNull: true },
      { name: 'ical_uid', type: 'VARCHAR', get: (e) => e.iCalUid },
      { name: 'recurring_event_id', type: 'VARCHAR', get: (e) => e.recurringEventId },
      { name: 'original_start', type: 'TIMESTAMPTZ', get: (e) => ts(e.originalStart) },
      { name: 'summary', type: 'VARCHAR', get: (e) => e.summary },
      { name: 'description', type: 'VARCHAR', get: (e) => e.description },
      { name: 'location', type: 'VARCHAR', get: (e) => e.location },
      { name: 'start_time', type: 'TIMESTAMPTZ', get: (e) => ts(e.start), notNull: true },
      { name: 'end_time', type: 'TIMESTAMPTZ', get: (e) => ts(e.end), notNull: true },
      { name: 'time_zone', type: 'VARCHAR', get: (e) => e.timeZone },
      { name: 'all_day', type: 'BOOLEAN', get: (e) => e.allDay, notNull: true },
      { name: 'status', type: 'VARCHAR', get: (e) => e.status, notNull: true },
      { name: 'event_type', type: 'VARCHAR', get: (e) => e.eventType, notNull: true },
      { name: 'organizer_email', type: 'VARCHAR', get: (e) => e.organizer?.email ?? null },
      { name: 'attendees', type: 'JSON', get: (e) => json(e.attendees) },
      { name: 'conference_links', type: 'JSON', get: (e) => json(e.conferenceLinks) },
      { name: 'created', type: 'TIMESTAMPTZ', get: (e) => ts(e.created) },
      { name: 'updated', type: 'TIMESTAMPTZ', get: (e) => ts(e.updated) },
      { name: 'format', type: 'VARCHAR', get: (e) => e.format, notNull: true },
    ],
  }),
  spec({
    table: 'drive_files', kind: 'drive_file', primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'VARCHAR', get: (f) => f.id, notNull: true },
      { name: 'name', type: 'VARCHAR', get: (f) => f.name, notNull: true },
      { name: 'mime_type', type: 'VARCHAR', get: (f) => f.mimeType },
      { name: 'owners', type: 'JSON', get: (f) => json(f.owners) },
      { name: 'created_time', type: 'TIMESTAMPTZ', get: (f) => ts(f.createdTime) },
      { name: 'modified_time', type: 'TIMESTAMPTZ', get: (f) => ts(f.modifiedTime) },
      { name: 'web_view_link', type: 'VARCHAR', get: (f) => f.webViewLink },
      { name: 'parents', type: 'JSON', get: (f) => json(f.parents) },
      { name: 'trashed', type: 'BOOLEAN', get: (f) => f.trashed, notNull: true },
    ],
  }),
  spec({
    table: 'signals', kind: 'signal', primaryKey: ['channel_id', 'ts'],
    columns: [
      { name: 'channel_id', type: 'VARCHAR', get: (s) => s.channelId, notNull: true },
      { name: 'ts', type: 'VARCHAR', get: (s) => s.ts, notNull: true },
      { name: 'time', type: 'TIMESTAMPTZ', get: (s) => ts(s.time), notNull: true },
      { name: 'user_id', type: 'VARCHAR', get: (s) => s.userId },
      { name: 'kind', type: 'VARCHAR', get: (s) => s.kind, notNull: true },
      { name: 'confidence', type: 'DOUBLE', get: (s) => s.confidence, notNull: true },
      { name: 'evidence', type: 'JSON', get: (s) => json(s.evidence) },
      { name: 'times', type: 'JSON', get: (s) => json(s.times) },
      { name: 'links', type: 'JSON', get: (s) => json(s.links) },
      { name: 'thread_ts', type: 'VARCHAR', get: (s) => s.threadTs },
    ],
  }),
  spec({
    table: 'meetings', kind: 'meeting', primaryKey: ['id'],
    columns: [
      { name: 'id', type: 'VARCHAR', get: (m) => m.id, notNull: true },
      { name: 'source', type: 'VARCHAR', get: (m) => m.source, notNull: true },
      { name: 'kind', type: 'VARCHAR', get: (m) => m.kind, notNull: true },
      { name: 'calendar_event_id', type: 'VARCHAR', get: (m) => m.calendarEventId },
      { name: 'title', type: 'VARCHAR', get: (m) => m.title },
      { name: 'channel_id', type: 'VARCHAR', get: (m) => m.channelId },
      { name: 'start_time', type: 'TIMESTAMPTZ', get: (m) => ts(m.start), notNull: true },
      { name: 'end_time', type: 'TIMESTAMPTZ', get: (m) => ts(m.end) },
      { name: 'status', type: 'VARCHAR', get: (m) => m.status, notNull: true },
      { name: 'organizer', type: 'VARCHAR', get: (m) => m.organizer },
      { name: 'participants', type: 'JSON', get: (m) => json(m.participants) },
      { name: 'recurring_event_id', type: 'VARCHAR', get: (m) => m.recurringEventId },
    ],
  }),
  spec({
    table: 'message_links', kind: 'message_link', primaryKey: ['channel_id', 'ts'],
    columns: [
      { name: 'channel_id', type: 'VARCHAR', get: (l) => l.channelId, notNull: true },
      { name: 'ts', type: 'VARCHAR', get: (l) => l.ts, notNull: true },
      { name: 'meeting_id', type: 'VARCHAR', get: (l) => l.meetingId, notNull: true },
      { name: 'kind', type: 'VARCHAR', get: (l) => l.kind, notNull: true },
      { name: 'confidence', type: 'DOUBLE', get: (l) => l.confidence, notNull: true },
      { name: 'method', type: 'VARCHAR', get: (l) => l.method, notNull: true },
      { name: 'evidence', type: 'JSON', get: (l) => json(l.evidence) },
    ],
  }),
  spec({
    table: 'meeting_metrics', kind: 'meeting_metrics', primaryKey: ['meeting_id'],
    columns: [
      { name: 'meeting_id', type: 'VARCHAR', get: (m) => m.meetingId, notNull: true },
      { name: 'messages', type: 'INTEGER', get: (m) => m.messages, notNull: true },
      { name: 'scheduling_messages', type: 'INTEGER', get: (m) => m.schedulingMessages, notNull: true },
      { name: 'followups', type: 'INTEGER', get: (m) => m.followups, notNull: true },
      { name: 'reschedules', type: 'INTEGER', get: (m) => m.reschedules, notNull: true },
      { name: 'participants', type: 'INTEGER', get: (m) => m.participants, notNull: true },
      { name: 'coordinators', type: 'INTEGER', get: (m) => m.coordinators, notNull: true },
      { name: 'channels', type: 'INTEGER', get: (m) => m.channels, notNull: true },
      { name: 'first_message_at', type: 'TIMESTAMPTZ', get: (m) => ts(m.firstMessageAt) },
      { name: 'lead_time_ms', type: 'BIGINT', get: (m) => m.leadTimeMs },
      { name: 'time_to_schedule_ms', type: 'BIGINT', get: (m) => m.timeToScheduleMs },
      { name: 'coordination_cost_minutes', type: 'DOUBLE', get: (m) => m.coordinationCostMinutes, notNull: true },
      { name: 'scheduling_participants', type: 'INTEGER', get: (m) => m.schedulingParticipants ?? null },
      { name: 'cancelled', type: 'BOOLEAN', get: (m) => m.cancelled ?? null },
      { name: 'pre_meeting_messages', type: 'INTEGER', get: (m) => m.preMeetingMessages ?? null },
      { name: 'followup_latency_ms', type: 'BIGINT', get: (m) => m.followupLatencyMs ?? null },
      { name: 'documents', type: 'JSON', get: (m) => json(m.documents ?? null) },
      { name: 'attendees', type: 'INTEGER', get: (m) => m.attendees ?? null },
      { name: 'attendees_active_in_slack', type: 'INTEGER', get: (m) => m.attendeesActiveInSlack ?? null },
      { name: 'attendee_hours', type: 'DOUBLE', get: (m) => m.attendeeHours ?? null },
      { name: 'attendee_cost', type: 'DOUBLE', get: (m) => m.attendeeCost ?? null },
      { name: 'after_hours_share', type: 'DOUBLE', get: (m) => m.afterHoursShare ?? null },
      { name: 'teams', type: 'JSON', get: (m) => json(m.teams ?? null) },
    ],
  }),
];

export function tableForKind(kind: string): TableSpec | undefined {
  return DATA_TABLES.find((t) => t.kind === kind);
}

/** Tables that record the work itself: counted by `convene validate`, never checksummed. */
export const BOOKKEEPING_TABLES = ['runs', 'input_problems', 'checkpoints', 'errors', 'breakers', 'schema_version'] as const;

function createDataTable(t: TableSpec): string {
  const cols = t.columns.map((c) => `${c.name} ${c.type}${c.notNull ? ' NOT NULL' : ''}`);
  cols.push(...PROVENANCE_COLUMNS.map((c) => `${c} VARCHAR`));
  return `CREATE TABLE IF NOT EXISTS ${t.table} (${cols.join(', ')}, PRIMARY KEY (${t.primaryKey.join(', ')}))`;
}

/**
 * A data table's history twin (see history.ts): the previous versions of rows a run replaced
 * or deleted, with `replaced_by`, that run; what `convene rollback` puts back.
 */
export function createHistoryTable(t: TableSpec): string {
  const cols = [...t.columns.map((c) => `${c.name} ${c.type}`), ...PROVENANCE_COLUMNS.map((c) => `${c} VARCHAR`), 'replaced_by VARCHAR NOT NULL'];
  return `CREATE TABLE IF NOT EXISTS history_${t.table} (${cols.join(', ')})`;
}

/**
 * Whether each meeting's metrics are final: the newest watermark (`convene watch`: the newest
 * message time seen minus the allowed lateness) has passed both the meeting's end and its last
 * linked message, so no message arriving within the allowed lateness can change them.
 */
const MEETING_FINALITY_VIEW = `CREATE OR REPLACE VIEW meeting_finality AS
  WITH w AS (SELECT max(watermark) AS watermark FROM runs WHERE status <> 'rolled_back'),
       last AS (SELECT l.meeting_id, max(m.time) AS last_message FROM message_links l JOIN messages m ON m.channel_id = l.channel_id AND m.ts = l.ts GROUP BY l.meeting_id)
  SELECT mt.id AS meeting_id, last.last_message, greatest(coalesce(mt.end_time, mt.start_time), coalesce(last.last_message, mt.start_time)) AS settles_at, w.watermark,
         coalesce(w.watermark >= greatest(coalesce(mt.end_time, mt.start_time), coalesce(last.last_message, mt.start_time)), false) AS final
    FROM meetings mt CROSS JOIN w LEFT JOIN last ON last.meeting_id = mt.id`;

export interface Migration {
  readonly version: number;
  readonly summary: string;
  readonly statements: readonly string[];
}

/** Numbered migrations; each runs once, in order, inside a transaction. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    summary: 'data tables, runs and input problems',
    statements: [
      ...DATA_TABLES.map(createDataTable),
      `CREATE TABLE IF NOT EXISTS runs (
         run_id VARCHAR PRIMARY KEY, command VARCHAR NOT NULL, mode VARCHAR, status VARCHAR NOT NULL,
         started_at TIMESTAMPTZ NOT NULL, finished_at TIMESTAMPTZ,
         records_read BIGINT, records_stored BIGINT, records_skipped BIGINT, problems BIGINT,
         counts JSON, config JSON, validation JSON, message VARCHAR)`,
      `CREATE TABLE IF NOT EXISTS input_problems (
         run_id VARCHAR NOT NULL, seq BIGINT NOT NULL, code VARCHAR NOT NULL, source VARCHAR NOT NULL,
         file VARCHAR NOT NULL, entry VARCHAR, message VARCHAR NOT NULL, PRIMARY KEY (run_id, seq))`,
    ],
  },
  {
    version: 2,
    summary: 'checkpoints; per-person and per-team roll-ups of meeting metrics',
    statements: [CHECKPOINT_DDL, ...ROLLUP_VIEWS],
  },
  {
    version: 3,
    summary: 'errors grouped per run, component and code; circuit breaker states; error count and rate per run',
    statements: [
      `CREATE TABLE IF NOT EXISTS errors (
         run_id VARCHAR NOT NULL, component VARCHAR NOT NULL, code VARCHAR NOT NULL,
         first_seen TIMESTAMPTZ NOT NULL, last_seen TIMESTAMPTZ NOT NULL, count BIGINT NOT NULL,
         sample_message VARCHAR, sample_subject VARCHAR, PRIMARY KEY (run_id, component, code))`,
      `CREATE TABLE IF NOT EXISTS breakers (
         name VARCHAR PRIMARY KEY, state VARCHAR NOT NULL, forced VARCHAR, snapshot JSON,
         opened_at TIMESTAMPTZ, probe_at TIMESTAMPTZ, last_failure VARCHAR, updated_at TIMESTAMPTZ NOT NULL, run_id VARCHAR)`,
      'ALTER TABLE runs ADD COLUMN IF NOT EXISTS error_count BIGINT',
      'ALTER TABLE runs ADD COLUMN IF NOT EXISTS error_rate DOUBLE',
    ],
  },
  {
    version: 4,
    summary: 'history of replaced rows for rollbacks; components a run went without (runs.degraded_components) and the meetings derived without them; the watch watermark (runs.watermark) and which meetings it has made final',
    statements: [
      ...DATA_TABLES.map(createHistoryTable),
      'ALTER TABLE runs ADD COLUMN IF NOT EXISTS degraded_components JSON',
      'ALTER TABLE runs ADD COLUMN IF NOT EXISTS watermark TIMESTAMPTZ',
      MEETING_FINALITY_VIEW,
      `CREATE OR REPLACE VIEW degraded_meetings AS
         SELECT m.*, r.degraded_components FROM meetings m JOIN runs r ON r.run_id = m.run_id
          WHERE r.degraded_components IS NOT NULL AND json_array_length(r.degraded_components) > 0`,
    ],
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Bring a database up to the current schema; returns the versions applied. A database whose
 * version is newer than the newest migration given was written by a newer convene and is
 * refused, rather than read with a schema this one does not know. `migrations` is
 * injectable so tests can add a version.
 */
export async function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  await db.run('CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, summary VARCHAR, applied_at TIMESTAMPTZ DEFAULT current_timestamp)');
  const rows = await db.all('SELECT coalesce(max(version), 0) AS v FROM schema_version');
  const current = Number(rows[0]?.['v'] ?? 0);
  const newest = migrations[migrations.length - 1]?.version ?? 0;
  if (current > newest) {
    throw new DatabaseError('DB_OPEN_FAILED', `the database has schema version ${current}, newer than this convene knows (${newest}); upgrade convene to read it`, undefined, db.path);
  }
  // Columns first, so that a numbered migration (a view, say) may use columns the spec gained.
  if (current > 0) await db.transaction(() => addMissingColumns(db));
  const applied: number[] = [];
  for (const m of migrations) {
    if (m.version <= current) continue;
    await db.transaction(async () => {
      for (const sql of m.statements) await db.run(sql);
      await db.run('INSERT INTO schema_version (version, summary) VALUES (?, ?)', [m.version, m.summary]);
    });
    applied.push(m.version);
  }
  await db.transaction(() => addMissingColumns(db));
  return applied;
}

/**
 * Columns appended to a data table's spec after an older convene created the table are added
 * on open, so an older database takes a newer convene's columns without a numbered migration.
 * Only nullable columns can be added this way (existing rows get NULL); a new NOT NULL column,
 * a changed type or a dropped column needs a numbered migration. Returns `table.column` added.
 */
export async function addMissingColumns(db: Database): Promise<string[]> {
  const rows = await db.all("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = 'main' AND table_catalog = current_database()");
  const present = new Set(rows.map((r) => `${String(r['table_name'])}.${String(r['column_name'])}`));
  const added: string[] = [];
  for (const t of DATA_TABLES) {
    if (!rows.some((r) => r['table_name'] === t.table)) continue;
    for (const c of t.columns) {
      const name = `${t.table}.${c.name}`;
      if (present.has(name)) continue;
      if (c.notNull) throw new DatabaseError('DB_OPEN_FAILED', `column ${name} is missing and may not be NULL; the database needs a numbered migration`, undefined, db.path);
      await db.run(`ALTER TABLE ${t.table} ADD COLUMN ${c.name} ${c.type}`);
      added.push(name);
    }
  }
  return added;
}
