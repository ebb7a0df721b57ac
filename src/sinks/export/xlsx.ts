/**
 * The workbook export, written with exceljs's streaming writer so rows go to disk as they are
 * read: sheets summary, meetings, links and people, each with a frozen header row and an
 * autofilter, cells typed (numbers, dates, booleans, text). A sheet holds at most `maxRows`
 * rows (Excel's own limit is 1,048,576); the summary sheet says when rows were left out.
 */
import ExcelJS from 'exceljs';
import type { Database, Row, SqlParam } from '../duckdb/database.js';
import { describeFilters, meetingListQuery, type Filters } from '../search/filters.js';

/** Below Excel's 1,048,576-row sheet limit, leaving room for the header. */
export const DEFAULT_MAX_SHEET_ROWS = 1_000_000;

export interface WorkbookCounts {
  meetings: number;
  links: number;
  people: number;
  truncated: string[];
}

type Cell = string | number | boolean | Date | null;

/** A database value as a typed spreadsheet cell; JSON lists and objects become their text. */
export function toCell(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'string') return clip(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  return clip(JSON.stringify(value));
}

/** Excel refuses a cell of more than 32,767 characters. */
export const MAX_CELL_CHARS = 32_767;

function clip(text: string): string {
  return text.length <= MAX_CELL_CHARS ? text : `${text.slice(0, MAX_CELL_CHARS - 1)}…`;
}

async function writeSheet(
  workbook: ExcelJS.stream.xlsx.WorkbookWriter,
  name: string,
  db: Database,
  sql: string,
  params: readonly SqlParam[],
  maxRows: number,
): Promise<{ rows: number; truncated: boolean }> {
  const sheet = workbook.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  let columns: string[] | null = null;
  let rows = 0;
  let truncated = false;
  // One row more than the cap tells whether rows were left out.
  for await (const chunk of db.stream(`SELECT * FROM (${sql}) LIMIT ${maxRows + 1}`, params)) {
    if (!columns) {
      columns = chunk.columns;
      sheet.columns = columns.map((c) => ({ header: c, key: c, width: Math.min(60, Math.max(10, c.length + 2)) }));
      sheet.getRow(1).font = { bold: true };
      sheet.autoFilter = { from: { row: 1, column: 1 }, to: { row: 1, column: columns.length } };
    }
    for (const r of chunk.rows as Row[]) {
      if (rows === maxRows) {
        truncated = true;
        break;
      }
      const row = sheet.addRow(columns.map((c) => toCell(r[c])));
      columns.forEach((c, i) => {
        if (r[c] instanceof Date) row.getCell(i + 1).numFmt = 'yyyy-mm-dd hh:mm';
      });
      row.commit();
      rows++;
    }
  }
  if (!columns) sheet.addRow(['(no rows)']).commit();
  sheet.commit();
  return { rows, truncated };
}

export async function writeWorkbook(db: Database, path: string, filters: Filters, options: { maxRows?: number | undefined } = {}): Promise<WorkbookCounts> {
  const maxRows = options.maxRows ?? DEFAULT_MAX_SHEET_ROWS;
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useStyles: true, useSharedStrings: false });
  workbook.creator = 'convene';

  const meetings = meetingListQuery(filters);
  const summary = workbook.addWorksheet('summary', { views: [{ state: 'frozen', ySplit: 1 }] });
  summary.columns = [{ header: 'figure', key: 'figure', width: 40 }, { header: 'value', key: 'value', width: 30 }];
  summary.getRow(1).font = { bold: true };
  summary.autoFilter = 'A1:B1';
  const figures = (await db.all(
    `SELECT (SELECT count(*) FROM meetings) AS meetings_in_database, (SELECT count(*) FROM meetings WHERE kind = 'huddle') AS huddles,
            (SELECT count(*) FROM meetings WHERE kind = 'adhoc') AS adhoc_calls, (SELECT count(*) FROM messages) AS messages,
            (SELECT count(*) FROM message_links) AS messages_linked, (SELECT round(sum(coordination_cost_minutes), 1) FROM meeting_metrics) AS coordination_cost_minutes,
            (SELECT median(time_to_schedule_ms) / 60000.0 FROM meeting_metrics) AS median_time_to_schedule_minutes`,
  ))[0] ?? {};
  // The summary sheet comes first and a streamed sheet cannot be revisited, so the counts of
  // the other sheets are taken before any of them is written.
  const counts: WorkbookCounts = { meetings: 0, links: 0, people: 0, truncated: [] };
  const sheets: Array<[string, string, readonly SqlParam[]]> = [
    ['meetings', meetings.sql, meetings.params],
    [
      'links',
      `SELECT l.meeting_id, msg.time, l.channel_id, l.ts, msg.user_id, l.kind, l.confidence, l.method, msg.text
         FROM message_links l JOIN messages msg USING (channel_id, ts)
        WHERE l.meeting_id IN (SELECT id FROM (${meetings.sql})) ORDER BY msg.time, l.channel_id, l.ts`,
      meetings.params,
    ],
    ['people', `SELECT key, source, email, name, display_name, slack_user_id, department, title, timezone, is_bot, deleted FROM people ORDER BY key`, []],
  ];
  const selected = new Map<string, number>();
  for (const [name, sql, params] of sheets) {
    const n = Number((await db.all(`SELECT count(*) AS n FROM (${sql})`, params))[0]?.['n'] ?? 0);
    selected.set(name, n);
  }
  const rowsOut: Array<[string, Cell]> = [
    ...Object.entries(figures).map(([k, v]): [string, Cell] => [k.replace(/_/g, ' '), toCell(v)]),
    ['filters', describeFilters(filters)],
    ...[...selected].map(([k, n]): [string, Cell] => [`${k} selected`, n]),
    ...[...selected].filter(([, n]) => n > maxRows).map(([k, n]): [string, Cell] => [`${k} sheet`, `first ${maxRows} of ${n} rows`]),
  ];
  for (const [k, v] of rowsOut) summary.addRow([k, v]).commit();
  summary.commit();

  for (const [name, sql, params] of sheets) {
    const r = await writeSheet(workbook, name, db, sql, params, maxRows);
    if (name === 'meetings') counts.meetings = r.rows;
    if (name === 'links') counts.links = r.rows;
    if (name === 'people') counts.people = r.rows;
    if (r.truncated) counts.truncated.push(name);
  }
  await workbook.commit();
  return counts;
}
