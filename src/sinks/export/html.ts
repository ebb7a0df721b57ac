/**
 * The HTML export: the self-contained report (summary figures and charts over the whole
 * database) followed by searchable tables of the meetings the filters select and of the
 * messages that coordinated them. Each table holds at most `maxRows` rows, so the file stays
 * small enough for a browser; the note under a table says when rows were left out.
 */
import { writeFileSync } from 'node:fs';
import { summarize } from '../../runtime/summary.js';
import type { Database } from '../duckdb/database.js';
import { renderReport, type ReportTable } from '../report/report.js';
import { describeFilters, meetingListQuery, type Filters } from '../search/filters.js';

export const DEFAULT_MAX_HTML_ROWS = 5000;

async function selectTable(db: Database, id: string, title: string, sql: string, params: Parameters<Database['all']>[1], maxRows: number): Promise<ReportTable> {
  const total = Number((await db.all(`SELECT count(*) AS n FROM (${sql})`, params))[0]?.['n'] ?? 0);
  const { columns, rows } = await db.table(`SELECT * FROM (${sql}) LIMIT ${maxRows}`, params);
  const note = total > rows.length ? `the first ${rows.length} of ${total} rows` : `${total} rows`;
  return { id, title, columns, rows, note };
}

/** Writes the report; returns the number of meetings the filters selected. */
export async function writeHtmlReport(db: Database, path: string, filters: Filters, options: { maxRows?: number | undefined; generatedAt: Date }): Promise<number> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_HTML_ROWS;
  const summary = await summarize(db);
  const meetings = meetingListQuery(filters);
  const meetingTable = await selectTable(db, 'meetings', 'Meetings', meetings.sql, meetings.params, maxRows);
  // The figures and charts above the tables describe the whole database; the tables the selection.
  meetingTable.note = `${meetingTable.note ?? ''}; filters: ${describeFilters(filters)} (the figures and charts above cover the whole database)`;
  const messageTable = await selectTable(
    db,
    'messages',
    'Messages that coordinated these meetings',
    `SELECT msg.time, l.meeting_id, m.title AS meeting, l.kind, msg.user_id, msg.text
       FROM message_links l JOIN messages msg USING (channel_id, ts) JOIN meetings m ON m.id = l.meeting_id
      WHERE l.meeting_id IN (SELECT id FROM (${meetings.sql})) ORDER BY msg.time, l.channel_id, l.ts`,
    meetings.params,
    maxRows,
  );
  writeFileSync(path, renderReport(summary, options.generatedAt, [meetingTable, messageTable]));
  return Number((await db.all(`SELECT count(*) AS n FROM (${meetings.sql})`, meetings.params))[0]?.['n'] ?? 0);
}
