/**
 * `convene validate`: integrity checks and order-independent content checksums of a convene
 * database, as shared/spec/validate.md defines them.
 *
 * A table's checksum combines a 64-bit hash of each row's content columns (provenance
 * columns left out) two ways that do not depend on row order: their XOR and their sum
 * modulo 2^64, printed as 32 hex digits.
 */
import { SIGNAL_KINDS } from '../../core/records.js';
import type { Database } from './database.js';
import { BOOKKEEPING_TABLES, DATA_TABLES } from './schema.js';

export interface ValidationProblem {
  check: 'counts' | 'referential' | 'duplicates' | 'contract';
  table: string;
  detail: string;
}

export interface ValidationReport {
  tables: Record<string, { rows: number; checksum: string }>;
  bookkeeping: Record<string, { rows: number }>;
  problems: ValidationProblem[];
}

export async function validateDatabase(db: Database): Promise<ValidationReport> {
  const report: ValidationReport = { tables: {}, bookkeeping: {}, problems: [] };
  for (const t of DATA_TABLES) {
    const cols = t.columns.map((c) => c.name).join(', ');
    const rows = await db.all(
      `SELECT count(*) AS n, format('{:016x}{:016x}', coalesce(bit_xor(hash(${cols})), 0), (coalesce(sum(hash(${cols})), 0) % 18446744073709551616)::UBIGINT) AS checksum FROM ${t.table}`,
    );
    report.tables[t.table] = { rows: Number(rows[0]?.['n'] ?? 0), checksum: String(rows[0]?.['checksum'] ?? '') };
    const key = t.primaryKey.join(', ');
    const dup = await db.all(`SELECT count(*) AS n FROM (SELECT ${key} FROM ${t.table} GROUP BY ${key} HAVING count(*) > 1)`);
    const dups = Number(dup[0]?.['n'] ?? 0);
    if (dups > 0) report.problems.push({ check: 'duplicates', table: t.table, detail: `${dups} keys (${key}) occur more than once` });
  }
  for (const table of BOOKKEEPING_TABLES) {
    const rows = await db.all(`SELECT count(*) AS n FROM ${table}`);
    report.bookkeeping[table] = { rows: Number(rows[0]?.['n'] ?? 0) };
  }

  const referential: Array<[string, string, string]> = [
    ['message_links', `SELECT count(*) AS n FROM message_links l ANTI JOIN meetings m ON m.id = l.meeting_id`, 'links name a meeting that does not exist'],
    ['message_links', `SELECT count(*) AS n FROM message_links l ANTI JOIN messages m ON m.channel_id = l.channel_id AND m.ts = l.ts`, 'links name a message that does not exist'],
    ['signals', `SELECT count(*) AS n FROM signals s ANTI JOIN messages m ON m.channel_id = s.channel_id AND m.ts = s.ts`, 'signals name a message that does not exist'],
    ['meetings', `SELECT count(*) AS n FROM meetings m WHERE m.calendar_event_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM calendar_events e WHERE e.id = m.calendar_event_id)`, 'calendar-backed meetings name an event that does not exist'],
    ['meeting_metrics', `SELECT count(*) AS n FROM meeting_metrics x ANTI JOIN meetings m ON m.id = x.meeting_id`, 'metrics name a meeting that does not exist'],
    ['messages', `SELECT count(*) AS n FROM messages x ANTI JOIN channels c ON c.id = x.channel_id`, 'messages are in a channel that does not exist'],
    ['identities', `SELECT count(*) AS n FROM identities i ANTI JOIN people p ON p.key = i.key`, 'identities name a person record that does not exist'],
  ];
  for (const [table, sql, detail] of referential) {
    const n = Number((await db.all(sql))[0]?.['n'] ?? 0);
    if (n > 0) report.problems.push({ check: 'referential', table, detail: `${n} ${detail}` });
  }

  const kinds = SIGNAL_KINDS.map((k) => `'${k}'`).join(', ');
  const contract: Array<[string, string, string]> = [
    ['signals', `SELECT count(*) AS n FROM signals WHERE kind NOT IN (${kinds}) OR confidence < 0 OR confidence > 1`, 'signals have a kind or confidence outside the contract'],
    ['message_links', `SELECT count(*) AS n FROM message_links WHERE kind NOT IN (${kinds}) OR confidence < 0 OR confidence > 1`, 'links have a kind or confidence outside the contract'],
    ['meetings', `SELECT count(*) AS n FROM meetings WHERE end_time < start_time`, 'meetings end before they start'],
    ['calendar_events', `SELECT count(*) AS n FROM calendar_events WHERE end_time < start_time`, 'events end before they start'],
    ['meetings', `SELECT count(*) AS n FROM meetings WHERE kind NOT IN ('scheduled', 'huddle', 'adhoc') OR source NOT IN ('calendar', 'slack') OR status NOT IN ('confirmed', 'tentative', 'cancelled')`, 'meetings have a kind, source or status outside the contract'],
    ['meeting_metrics', `SELECT count(*) AS n FROM meeting_metrics WHERE messages < 0 OR scheduling_messages < 0 OR followups < 0 OR reschedules < 0 OR participants < 0 OR coordinators < 0 OR channels < 0 OR coordination_cost_minutes < 0 OR isnan(coordination_cost_minutes)`, 'metrics have negative or undefined figures'],
    ['identities', `SELECT count(*) AS n FROM identities WHERE confidence < 0 OR confidence > 1`, 'identities have a confidence outside 0..1'],
    ['channels', `SELECT count(*) AS n FROM channels WHERE kind NOT IN ('public', 'private', 'im', 'mpim')`, 'channels have a kind outside the contract'],
  ];
  for (const [table, sql, detail] of contract) {
    const n = Number((await db.all(sql))[0]?.['n'] ?? 0);
    if (n > 0) report.problems.push({ check: 'contract', table, detail: `${n} ${detail}` });
  }

  // Counts across phases, for the newest finished run that recorded them.
  const runs = await db.all(
    `SELECT run_id, records_read, records_stored, records_skipped FROM runs WHERE records_read IS NOT NULL AND status <> 'running' ORDER BY started_at DESC LIMIT 1`,
  );
  const last = runs[0];
  if (last) {
    const read = Number(last['records_read']);
    const stored = Number(last['records_stored']);
    const skipped = Number(last['records_skipped']);
    if (read !== stored + skipped) {
      report.problems.push({ check: 'counts', table: 'runs', detail: `run ${String(last['run_id'])} read ${read} records but stored ${stored} and skipped ${skipped}` });
    }
  }
  return report;
}

/** The report as a table for people. */
export function formatValidation(report: ValidationReport): string {
  const lines = ['table                 rows        checksum'];
  for (const [name, t] of Object.entries(report.tables)) lines.push(`${name.padEnd(20)} ${String(t.rows).padStart(9)}   ${t.checksum}`);
  for (const [name, t] of Object.entries(report.bookkeeping)) lines.push(`${name.padEnd(20)} ${String(t.rows).padStart(9)}   (bookkeeping)`);
  lines.push('');
  if (report.problems.length === 0) lines.push('no problems found');
  else for (const p of report.problems) lines.push(`problem [${p.check}] ${p.table}: ${p.detail}`);
  return lines.join('\n');
}
