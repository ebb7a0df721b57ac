import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Envelope } from '../../../src/core/envelope.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { Message } from '../../../src/core/records.js';
import { Message as MessageSchema } from '../../../src/core/records.js';
import { openFolderExport, openZipExport } from '../../../src/sources/slack-export/slack-export.archive.js';
import { slackExportSource } from '../../../src/sources/slack-export/slack-export.source.js';
import { fixturesDir } from '../../support/paths.js';

const slackDir = join(fixturesDir, 'slack');
const houston = join(slackDir, 'houstondatavis-2016');
const viewerFolder = join(slackDir, 'slack-export-viewer-testarchive', 'extracted');
const viewerZip = join(slackDir, 'slack-export-viewer-testarchive', 'testarchive.redacted.zip');

function read(path: string): Promise<Envelope[]> {
  return lastValueFrom(slackExportSource.create({ path }, { logger: silentLogger, runId: 'it' }).read().pipe(toArray()));
}

/** Message objects in the day files, counted without convene's code. */
function countMessageObjects(root: string): number {
  let count = 0;
  for (const folder of readdirSync(root)) {
    if (!statSync(join(root, folder)).isDirectory()) continue;
    for (const file of readdirSync(join(root, folder))) {
      if (!/^\d{4}-\d{2}-\d{2}\.json$/.test(file)) continue;
      const items: unknown = JSON.parse(readFileSync(join(root, folder, file), 'utf8'));
      if (Array.isArray(items)) count += items.filter((m) => typeof m === 'object' && m !== null && 'ts' in m).length;
    }
  }
  return count;
}

const messages = (records: Envelope[]): Message[] => records.filter((e) => e.kind === 'message').map((e) => e.payload as Message);

for (const root of [houston, viewerFolder]) {
  test(`reads every message object of ${root.slice(slackDir.length + 1)}`, async () => {
    const records = await read(root);
    const expected = countMessageObjects(root);
    assert.ok(expected > 100);
    assert.is(messages(records).length, expected);
    assert.is(records.filter((e) => e.kind === 'problem').length, 0);
    for (const m of messages(records)) MessageSchema.parse(m);
  });
}

test('an export lists its root files and its folders\' day files, sorted; other files in a folder are not day files', async () => {
  const root = mkdtempSync(join(tmpdir(), 'convene-export-'));
  try {
    for (const [rel, text] of [
      ['users.json', '[]'],
      ['channels.json', '[]'],
      ['general/2026-03-03.json', '[]'],
      ['general/2026-03-02.json', '[]'],
      ['general/notes.txt', 'not a day file'],
      ['a-b/2026-03-02.json', '[]'],
      ['a/2026-03-02.json', '[]'],
    ] as const) {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
    const archive = await openFolderExport(root);
    assert.equal(archive.files, ['channels.json', 'users.json']);
    assert.equal(archive.folders, [
      { folder: 'a', days: ['2026-03-02.json'] },
      { folder: 'a-b', days: ['2026-03-02.json'] },
      { folder: 'general', days: ['2026-03-02.json', '2026-03-03.json'] },
    ]);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a zip lists the same folders and day files as its extracted folder', async () => {
  const zip = await openZipExport(viewerZip);
  const folder = await openFolderExport(viewerFolder);
  try {
    assert.ok(folder.folders.length > 0);
    assert.equal(zip.folders, folder.folders);
    assert.equal(zip.files, folder.files);
  } finally {
    zip.close();
  }
});

test('emits people, then channels, then messages', async () => {
  const kinds = (await read(houston)).map((e) => e.kind);
  const firstChannel = kinds.indexOf('channel');
  const firstMessage = kinds.indexOf('message');
  assert.is(kinds.filter((k) => k === 'person').length, 71);
  assert.is(kinds.filter((k) => k === 'channel').length, 16);
  assert.ok(kinds.lastIndexOf('person') < firstChannel && kinds.lastIndexOf('channel') < firstMessage);
});

test('the zip yields the same messages as its extracted folder', async () => {
  const fromZip = messages(await read(viewerZip));
  const fromFolder = messages(await read(viewerFolder));
  assert.is(fromZip.length, 158);
  assert.equal(fromZip, fromFolder);
});

test('maps legacy file shares without export tokens and GitHub bot posts with their attachment text', async () => {
  const houstonMessages = messages(await read(houston));
  const shares = houstonMessages.filter((m) => m.subtype === 'file_share');
  assert.ok(shares.length > 0);
  assert.ok(shares.every((m) => m.files.length === 1));
  assert.not.ok(houstonMessages.some((m) => m.files.some((f) => f.url?.includes('xox'))), 'no export token survives');

  const bots = messages(await read(viewerFolder)).filter((m) => m.subtype === 'bot_message');
  assert.is(bots.length, 94);
  assert.ok(bots.filter((m) => m.extraText !== '').length > 80, 'attachment text is read');
  assert.ok(bots.some((m) => m.links.some((l) => l.startsWith('https://github.com/'))));
});

test.run();
