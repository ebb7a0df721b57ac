/**
 * The dashboard keeps working while another process writes the database: it shows that run
 * from the writer's live file, and forwards the API to the writer's own server when it has one.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { liveFilePath } from '../../../src/runtime/telemetry/live-status.js';
import { repoRoot } from '../../support/paths.js';
import { databaseCopy, getJson, serve } from './serve-support.js';

interface Writer {
  child: ChildProcessWithoutNullStreams;
  url: string | null;
}

async function startWriter(db: string, mode: 'run' | 'serve' | 'idle'): Promise<Writer> {
  const child = spawn(process.execPath, [join(repoRoot, 'dist/tests/integration/serve/writer-child.js'), db, ...(mode === 'run' ? [] : [`--${mode}`])], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const url = await new Promise<string | null>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready (\S+)\n/.exec(out);
      if (m) resolve(m[1] === '-' ? null : m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`writer exited ${code}: ${err}`)));
  });
  // The live file is written when the run starts; wait for it rather than for a second.
  for (let i = 0; i < 50 && !existsSync(liveFilePath(db)); i++) await new Promise((r) => setTimeout(r, 50));
  return { child, url };
}

async function stopWriter(w: Writer): Promise<void> {
  const exited = new Promise((resolve) => w.child.on('exit', resolve));
  w.child.stdin.end();
  await exited;
}

test('while another process writes the database, status shows its run from the live file and data requests say who holds it', async () => {
  const db = databaseCopy('live');
  const writer = await startWriter(db, 'run');
  const s = await serve(db);
  try {
    const status = await getJson(`${s.url}/api/status`);
    assert.is(status.status, 200);
    assert.is(status.body['running'], true);
    assert.is(status.body['source'], 'live-file');
    assert.is(status.body['writerPid'], writer.child.pid);
    assert.is((status.body['run'] as { runId: string }).runId, 'writer-child-run');
    const meetings = await getJson(`${s.url}/api/meetings`);
    assert.is(meetings.status, 503);
    assert.match(String(meetings.body['error']), new RegExp(`being written by run writer-child-run \\(pid ${writer.child.pid}\\).*--serve`));
    const metrics = await fetch(`${s.url}/metrics`);
    assert.is(metrics.status, 200, 'Prometheus can still scrape');
  } finally {
    await stopWriter(writer);
  }
  try {
    // The writer is gone: the file is readable again, straight away.
    const after = await getJson(`${s.url}/api/meetings?limit=3`);
    assert.is(after.status, 200);
    assert.is((after.body['rows'] as unknown[]).length, 3);
    const status = await getJson(`${s.url}/api/status`);
    assert.is(status.body['running'], false);
  } finally {
    await s.close();
  }
});

test('a writer that serves answers the API for its database through the standalone server', async () => {
  const db = databaseCopy('live-proxy');
  const writer = await startWriter(db, 'serve');
  const s = await serve(db);
  try {
    assert.ok(writer.url);
    const meetings = await getJson(`${s.url}/api/meetings?kind=huddle`);
    assert.is(meetings.status, 200, JSON.stringify(meetings.body));
    assert.is(meetings.headers.get('x-convene-writer'), String(writer.child.pid));
    assert.ok((meetings.body['rows'] as Array<{ kind: string }>).every((m) => m.kind === 'huddle'));
    const status = await getJson(`${s.url}/api/status`);
    assert.is(status.body['running'], true);
    assert.is(status.body['source'], 'this-process', 'the writer answers for its own run');
    const bad = await getJson(`${s.url}/api/meetings?limit=x`);
    assert.is(bad.status, 400, 'validation happens at the writer too');
    // Without the token the writer's server refuses: the standalone one sends it from the owner-only live file.
    assert.is((await fetch(`${writer.url}/api/status`)).status, 401);
  } finally {
    await stopWriter(writer);
    await s.close();
  }
});

test('a writer that serves between runs (watch between ticks) keeps answering for its database, and the file stays free', async () => {
  const db = databaseCopy('live-idle');
  const writer = await startWriter(db, 'idle');
  const s = await serve(db);
  try {
    const meetings = await getJson(`${s.url}/api/meetings?limit=2`);
    assert.is(meetings.status, 200);
    assert.is(meetings.headers.get('x-convene-writer'), String(writer.child.pid), 'forwarded, so this process never opens the file the next tick needs');
    const status = await getJson(`${s.url}/api/status`);
    assert.is(status.body['running'], false);
    assert.is((status.body['lastRun'] as { command: string }).command, 'replay');
  } finally {
    await stopWriter(writer);
  }
  try {
    assert.not.ok(existsSync(liveFilePath(db)), 'the live file goes with the server');
    const direct = await getJson(`${s.url}/api/meetings?limit=2`);
    assert.is(direct.status, 200);
    assert.is(direct.headers.get('x-convene-writer'), null);
  } finally {
    await s.close();
  }
});

test.run();
