import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseString } from '@fast-csv/parse';
import ExcelJS from 'exceljs';
import { pathToFileURL } from 'node:url';
import { test } from 'uvu';
import { launchChromium } from '../../support/browser.js';
import * as assert from 'uvu/assert';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { exportData, type ExportFormat } from '../../../src/sinks/export/export.js';
import { parseFilters, type FilterTable, type FiltersInput } from '../../../src/sinks/search/filters.js';
import { scratch } from '../../support/paths.js';
import { fixtureDatabase, PLANTED_SCRIPT } from './store-fixture.js';

let db: Database;
let dir: string;

test.before(async () => {
  db = await Database.open(await fixtureDatabase(), { readOnly: true });
  dir = scratch('convene-export-');
});
test.after(() => db.close());

async function exportTo(format: ExportFormat, table: FilterTable, filters: FiltersInput = {}, name = `${table}.${format}`): Promise<string> {
  const out = join(dir, name);
  await exportData(db, { format, out, table, filters: parseFilters(filters), generatedAt: new Date('2026-03-10T00:00:00Z') });
  return out;
}

function parseCsv(path: string): Promise<Array<Record<string, string>>> {
  return new Promise((resolve, reject) => {
    const rows: Array<Record<string, string>> = [];
    parseString(readFileSync(path, 'utf8'), { headers: true })
      .on('data', (r: Record<string, string>) => rows.push(r))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

const meetingIdsInDb = async (): Promise<string[]> => (await db.all('SELECT id FROM meetings ORDER BY start_time, id')).map((r) => String(r['id']));

test('parquet holds the same meetings as the database, zstd-compressed', async () => {
  const out = await exportTo('parquet', 'meetings');
  const rows = await db.all('SELECT id, kind, start_time, participants FROM read_parquet(?) ORDER BY start_time, id', [out]);
  assert.equal(rows.map((r) => r['id']), await meetingIdsInDb());
  assert.equal(rows.map((r) => r['kind']), ['scheduled', 'huddle', 'adhoc']);
  assert.ok(rows[0]!['start_time'] instanceof Date);
  const codecs = await db.all('SELECT DISTINCT compression FROM parquet_metadata(?)', [out]);
  assert.equal(codecs.map((r) => r['compression']), ['ZSTD']);
});

test('csv holds the same rows, and message text with quotes and markup survives a CSV parser', async () => {
  const meetings = await parseCsv(await exportTo('csv', 'meetings'));
  assert.equal(meetings.map((r) => r['id']), await meetingIdsInDb());
  const messages = await parseCsv(await exportTo('csv', 'messages'));
  assert.is(messages.length, 5);
  assert.ok(messages.some((r) => r['text'] === PLANTED_SCRIPT));
});

test('json is one array of row objects and ndjson one object a line', async () => {
  const array = JSON.parse(readFileSync(await exportTo('json', 'meeting_metrics'), 'utf8')) as Array<Record<string, unknown>>;
  assert.equal(array.map((r) => [r['meeting_id'], r['coordination_cost_minutes']]), [['ev1', 12.5], ['slack:D1:h', 3], ['slack:C1:a', 30]]);
  const lines = readFileSync(await exportTo('ndjson', 'message_links'), 'utf8').trim().split('\n');
  assert.is(lines.length, 4);
  assert.equal(lines.map((l) => (JSON.parse(l) as { kind: string }).kind), ['propose', 'confirm', 'huddle', 'propose']);
});

test('filters apply to exports exactly as to listings', async () => {
  const out = await exportTo('json', 'messages', { search: 'roadmap', person: 'U1' }, 'filtered.json');
  const rows = JSON.parse(readFileSync(out, 'utf8')) as Array<{ text: string }>;
  assert.equal(rows.map((r) => r.text), ['can we review the roadmap at 10?', PLANTED_SCRIPT]);
  const none = JSON.parse(readFileSync(await exportTo('json', 'meetings', { kind: 'huddle', team: 'Engineering' }, 'none.json'), 'utf8')) as unknown[];
  assert.equal(none, []);
});

test('xlsx has summary, meetings, links and people sheets with typed cells, a frozen header and autofilters', async () => {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(await exportTo('xlsx', 'meetings'));
  assert.equal(wb.worksheets.map((w) => w.name), ['summary', 'meetings', 'links', 'people']);
  const meetings = wb.getWorksheet('meetings')!;
  const header = (meetings.getRow(1).values as unknown[]).slice(1);
  assert.is(header[0], 'id');
  const col = (name: string): number => header.indexOf(name) + 1;
  const ids = [2, 3, 4].map((r) => meetings.getRow(r).getCell(1).value);
  assert.equal(ids, await meetingIdsInDb());
  assert.is(meetings.rowCount, 4);
  assert.ok(meetings.getRow(2).getCell(col('start_time')).value instanceof Date);
  assert.is(meetings.getRow(2).getCell(col('cost_minutes')).value, 12.5);
  assert.is(meetings.views[0]?.state, 'frozen');
  assert.ok(meetings.autoFilter, 'meetings has an autofilter');
  const links = wb.getWorksheet('links')!;
  assert.is(links.rowCount, 5);
  // Row values are 1-based: index 0 is empty, so an index is the column number.
  const texts = links.getColumn((links.getRow(1).values as unknown[]).indexOf('text')).values;
  assert.ok(texts.includes(PLANTED_SCRIPT));
  assert.is(wb.getWorksheet('people')!.rowCount, 4);
  const summary = wb.getWorksheet('summary')!;
  const figures = new Map<unknown, unknown>();
  summary.eachRow((row) => figures.set(row.getCell(1).value, row.getCell(2).value));
  assert.is(figures.get('meetings in database'), 3);
  assert.is(figures.get('meetings selected'), 3);
});

test('xlsx sheets are capped and the summary says so', async () => {
  const out = join(dir, 'capped.xlsx');
  await exportData(db, { format: 'xlsx', out, table: 'meetings', filters: parseFilters({}), maxRows: 2 });
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.readFile(out);
  assert.is(wb.getWorksheet('meetings')!.rowCount, 3);
  const notes: unknown[] = [];
  wb.getWorksheet('summary')!.eachRow((row) => notes.push(row.getCell(2).value));
  assert.ok(notes.includes('first 2 of 3 rows'), JSON.stringify(notes));
});

test('the html report opens offline in Chromium: no console errors, charts drawn, a planted <script> shown as text', async () => {
  const out = await exportTo('html', 'meetings');
  const html = readFileSync(out, 'utf8');
  assert.not.match(html, /<(link|img)[^>]+(src|href)="?https?:/, 'no external assets');
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(pathToFileURL(out).href);
    assert.is(await page.title(), 'convene report');
    // The planted element is text in a table cell, not an element that ran.
    assert.ok((await page.textContent('body'))!.includes('<script>document.title="pwned";console.error("pwned")</script> sync on the roadmap?'));
    const figures = await page.locator('figure').count();
    assert.is(figures, 5);
    for (let i = 0; i < figures; i++) assert.ok((await page.locator('figure').nth(i).locator('rect').count()) > 0, `figure ${i} draws no bars`);
    // Search the messages table the way a person would.
    await page.fill('input[data-table="messages"]', 'pwned');
    assert.is(await page.locator('#messages tbody tr:not([hidden])').count(), 1);
    assert.ok((await page.locator('#meetings').textContent())!.includes('Roadmap review'));
    assert.equal(problems, [], 'console errors');
  } finally {
    await browser.close();
  }
});

test.run();
