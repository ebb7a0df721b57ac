import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseString } from '@fast-csv/parse';
import ExcelJS from 'exceljs';
import { test } from 'uvu';
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

function chromium(): string {
  const candidates = [process.env['CHROMIUM'], '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter((c): c is string => Boolean(c));
  for (const c of candidates) if (spawnSync(c, ['--version']).status === 0) return c;
  throw new Error('headless Chromium is needed for the HTML test (Debian package `chromium`, or set CHROMIUM)');
}

/** Loads a page in headless Chromium; returns the DOM after its scripts ran and the console lines. */
function loadInChromium(path: string): { dom: string; console: string[] } {
  const r = spawnSync(
    chromium(),
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', `--user-data-dir=${scratch('convene-chromium-')}`, '--enable-logging=stderr', '--v=0', '--dump-dom', `file://${path}`],
    { encoding: 'utf8', timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  );
  assert.is(r.status, 0, r.stderr);
  return { dom: r.stdout, console: r.stderr.split('\n').filter((l) => l.includes(':CONSOLE')) };
}

test('the html report opens offline in Chromium: no console errors, charts drawn, a planted <script> shown as text', async () => {
  const out = await exportTo('html', 'meetings');
  const html = readFileSync(out, 'utf8');
  assert.not.match(html, /<(link|img)[^>]+(src|href)="?https?:/, 'no external assets');
  // Drive the search box the way a person would, after the page's own script is in place.
  const probe = out.replace(/\.html$/, '.probe.html');
  writeFileSync(
    probe,
    html.replace(
      '</body>',
      `<script>var i=document.querySelector('input[data-table="messages"]');i.value='pwned';i.dispatchEvent(new Event('input'));
document.body.setAttribute('data-visible', String(document.querySelectorAll('#messages tbody tr:not([hidden])').length));</script></body>`,
    ),
  );
  const page = loadInChromium(probe);
  assert.equal(page.console, [], 'console output');
  assert.match(page.dom, /<title>convene report<\/title>/);
  assert.not.match(page.dom, /<title>pwned/);
  // The planted element is text in a table cell, not an element.
  assert.ok(page.dom.includes('&lt;script&gt;document.title="pwned";console.error("pwned")&lt;/script&gt; sync on the roadmap?'));
  const figures = page.dom.match(/<figure>[\s\S]*?<\/figure>/g) ?? [];
  assert.is(figures.length, 5);
  for (const f of figures) assert.match(f, /<rect /);
  assert.match(page.dom, /data-visible="1"/);
  assert.match(page.dom, /<table id="meetings"[\s\S]*?Roadmap review/);
});

test.run();
