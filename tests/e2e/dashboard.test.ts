/**
 * The dashboard in headless Chromium (Debian's package through playwright-core): during a real
 * `convene run --serve` against the emulated APIs it loads without console errors, shows the
 * health lights, and its numbers change as the run goes on; a `convene serve` started beside
 * the run answers for it too. Afterwards the meetings explorer searches, drills down to the
 * linked messages, and shows planted markup as text.
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../src/core/logger.js';
import { startEmulator, type Emulator } from '../../src/emulate/server.js';
import { Database } from '../../src/sinks/duckdb/database.js';
import { startServer } from '../../src/serve/server.js';
import { launchChromium } from '../support/browser.js';
import { convene } from '../support/cli.js';
import { cliPath, repoRoot, scratch } from '../support/paths.js';

const dir = scratch('convene-dashboard-');
const bundle = join(dir, 'bundle');
const db = join(dir, 'run.duckdb');
const configFile = join(dir, 'convene.config.json');
let emulator: Emulator;
let browser: Browser;

test.before(async () => {
  assert.is(convene(['generate', '--out', bundle, '--seed', '3', '--scale', '0.01']).status, 0);
  // Slow enough (about 12 s) that the page sees the run in progress well before it ends.
  emulator = await startEmulator(bundle, { tierScale: 70 });
  writeFileSync(configFile, JSON.stringify(emulator.config()));
  browser = await launchChromium();
});

test.after(async () => {
  await browser?.close();
  await emulator?.close();
});

function watchConsole(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));
  return problems;
}

/** Polls `check` from here (the page's CSP forbids evaluating strings in it) until it holds. */
async function until(what: string, check: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The parent of a process, from /proc/PID/stat (the field after the state). */
const parentPid = (pid: number): number | null => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
};

const numberIn = async (page: Page, selector: string): Promise<number> => Number(((await page.textContent(selector)) ?? '').replace(/[^\d.]/g, '') || NaN);

test('during a run the page loads without console errors, shows health and its numbers change', async () => {
  const child = spawn(process.execPath, [cliPath, 'run', '--config', configFile, '--db', db, '--serve', '--serve-port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /serving the dashboard at (http:\/\/\S+)\//.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`run exited ${code} before serving: ${stderr}`)));
  });
  const page = await browser.newPage();
  const problems = watchConsole(page);
  try {
    await page.goto(`${url}/`);
    await until('the page shows the run in progress', async () => /running/.test((await page.textContent('#run-state')) ?? ''));
    await page.waitForSelector('#health li[data-status]', { timeout: 10_000 });
    const lights = await page.locator('#health li').count();
    assert.ok(lights >= 1, 'health lights are shown');
    await until('records were read', async () => (await numberIn(page, '#stat-read')) > 0);
    const first = await numberIn(page, '#stat-read');
    await until('more records were read', async () => (await numberIn(page, '#stat-read')) > first);
    const second = await numberIn(page, '#stat-read');
    assert.ok(second > first, `records read went from ${first} to ${second}`);
    assert.ok((await page.locator('#stages tbody tr').count()) >= 1, 'the stages of the run are listed');

    // `convene serve` beside the run: the file is locked, so it forwards to the run's server.
    const standalone = await startServer({ dbPath: db, host: '127.0.0.1', port: 0, token: null, logger: silentLogger });
    try {
      const res = await fetch(`${standalone.url}/api/status`);
      const status = (await res.json()) as { running: boolean; run: { command: string } | null };
      if (status.running) {
        assert.is(status.run?.command, 'run');
        // The writer is the pipeline's process: the one started, or the one it launched with memory bounds (bin/convene.js).
        const writer = Number(res.headers.get('x-convene-writer'));
        assert.ok(writer === child.pid || parentPid(writer) === child.pid, `writer ${writer} is ${child.pid} or its child`);
      }
    } finally {
      await standalone.close();
    }
    assert.equal(problems, [], 'no console errors');
  } finally {
    // Closed before the run ends: its server goes with it, which the page would report.
    await page.close();
    const code = await exited;
    assert.is(code, 0, stderr + stdout);
  }
});

test('after the run the explorer searches meetings, drills down to messages and shows markup as text', async () => {
  const planted = '<img src=x onerror="window.__pwned=1">Zebrafish <b>sync</b>';
  const d = await Database.open(db);
  const target = String((await d.all(`SELECT meeting_id FROM message_links GROUP BY meeting_id ORDER BY count(*) DESC, meeting_id LIMIT 1`))[0]!['meeting_id']);
  await d.run(`UPDATE meetings SET title = ? WHERE id = ?`, [planted, target]);
  d.close();
  const server = await startServer({ dbPath: db, host: '127.0.0.1', port: 0, token: null, logger: silentLogger });
  const page = await browser.newPage();
  const problems = watchConsole(page);
  try {
    await page.goto(`${server.url}/`);
    await page.waitForSelector('#meetings tbody tr[data-id]');
    await page.waitForSelector('#runs tbody tr');
    assert.match((await page.textContent('#runs tbody'))!, /run \(incremental\)\s*succeeded/);
    await page.fill('input[name=search]', 'zebrafish');
    await page.click('#meeting-search button[type=submit]');
    await until('the search found the one meeting', async () => (await page.locator('#meetings tbody tr').count()) === 1 && (await page.getAttribute('#meetings tbody tr', 'data-id')) === target);
    assert.ok((await page.textContent('#meetings tbody'))!.includes(planted), 'the title is shown as text');
    await page.click('#meetings tbody tr');
    await page.waitForSelector('#detail-messages tbody tr');
    const linked = JSON.parse(convene(['query', `SELECT count(*) AS n FROM message_links WHERE meeting_id = '${target}'`, '--db', db, '--format', 'json']).stdout) as Array<{ n: number }>;
    assert.is(await page.locator('#detail-messages tbody tr').count(), Number(linked[0]!.n));
    assert.is(await page.textContent('#detail-title'), planted);
    assert.is(await page.locator('#meetings img, #meeting-detail img, #meetings b').count(), 0, 'no element was made from the data');
    assert.is(await page.evaluate('typeof window.__pwned'), 'undefined');
    await page.fill('input[name=from]', '2026-02-30');
    await page.click('#meeting-search button[type=submit]');
    await until('the refusal is shown', async () => ((await page.textContent('#meeting-error')) ?? '') !== '');
    assert.match((await page.textContent('#meeting-error'))!, /from is not a real date/);
    assert.equal(problems.filter((p) => !/status of 400/.test(p)), [], 'no console errors but the refused search');
  } finally {
    await page.close();
    await server.close();
  }
});

test('convene serve answers for the database until Ctrl-C, then exits 0', async () => {
  const child = spawn(process.execPath, [cliPath, 'serve', '--db', db, '--port', '0'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  let stdout = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      const m = /serving the dashboard at (http:\/\/127\.0\.0\.1:\d+)\/ and Prometheus metrics at/.exec(stdout);
      if (m) resolve(m[1]!);
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}`)));
  });
  const status = (await (await fetch(`${url}/api/status`)).json()) as { running: boolean; lastRun: { command: string; status: string } };
  assert.is(status.running, false);
  assert.equal([status.lastRun.command, status.lastRun.status], ['run', 'succeeded']);
  assert.match(await (await fetch(`${url}/metrics`)).text(), /convene_component_health\{component="run"\} 0/);
  child.kill('SIGINT');
  assert.is(await exited, 0);
});

test.run();
