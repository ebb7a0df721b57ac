import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Cursor, Envelope } from '../../../src/core/envelope.js';
import { silentLogger, type Logger } from '../../../src/core/logger.js';
import type { InputProblem } from '../../../src/core/records.js';
import { slackExportSource } from '../../../src/sources/slack-export/slack-export.source.js';
import { fixturesDir, scratch } from '../../support/paths.js';

const houston = join(fixturesDir, 'slack', 'houstondatavis-2016');
const viewerZip = join(fixturesDir, 'slack', 'slack-export-viewer-testarchive', 'testarchive.redacted.zip');

function read(path: string, workers: number, from?: Cursor, logger: Logger = silentLogger): Promise<Envelope[]> {
  return lastValueFrom(slackExportSource.create({ path, workers }, { logger, runId: 'it' }).read(from).pipe(toArray()));
}

/** A logger that keeps the files of its debug lines that name one. */
function fileLogger(files: string[]): Logger {
  const logger: Logger = {
    ...silentLogger,
    debug: (obj) => {
      const file = (obj as { file?: unknown }).file;
      if (typeof file === 'string') files.push(file);
    },
    child: () => logger,
  };
  return logger;
}

/** A day file of `count` messages of about 1 KB each, from `start` seconds. */
function bigDay(start: number, count: number): string {
  const filler = 'lorem ipsum dolor sit amet '.repeat(36);
  return JSON.stringify(Array.from({ length: count }, (_, i) => ({ ts: `${start + i}.000100`, user: 'U1', text: `note ${i} ${filler}` })));
}

/** An export with a bad day file, a day file that is not an array, and a folder no metadata lists. */
function brokenExport(): string {
  const root = scratch('slack-workers-');
  writeFileSync(join(root, 'users.json'), JSON.stringify([{ id: 'U1', name: 'ann', profile: { email: 'ann@example.com' } }]));
  writeFileSync(join(root, 'channels.json'), JSON.stringify([{ id: 'C1', name: 'general', members: ['U1'] }]));
  mkdirSync(join(root, 'general'));
  writeFileSync(join(root, 'general', '2024-01-01.json'), JSON.stringify([{ ts: '1704100000.000100', user: 'U1', text: 'sync at 3pm?' }, { text: 'no ts' }]));
  writeFileSync(join(root, 'general', '2024-01-02.json'), '[{"ts": "1704200000.000100", ');
  writeFileSync(join(root, 'general', '2024-01-03.json'), '{"ts": "1704300000.000100"}');
  mkdirSync(join(root, 'stray'));
  writeFileSync(join(root, 'stray', '2024-01-04.json'), JSON.stringify([{ ts: '1704400000.000100', user: 'U1', text: 'hello' }]));
  return root;
}

for (const [name, path] of [
  ['a folder export', houston],
  ['a zip export', viewerZip],
] as const) {
  test(`worker threads give the same envelopes in the same order as reading in this thread (${name})`, async () => {
    const inThread = await read(path, 0);
    const oneWorker = await read(path, 1);
    const twoWorkers = await read(path, 2);
    assert.ok(inThread.filter((e) => e.kind === 'message').length > 100);
    assert.equal(oneWorker, inThread);
    assert.equal(twoWorkers, inThread);
  });
}

test('bad day files are reported with file, entry and reason whether workers read them or not', async () => {
  const root = brokenExport();
  const inThread = await read(root, 0);
  const threaded = await read(root, 2);
  assert.equal(threaded, inThread);
  const problems = threaded.filter((e) => e.kind === 'problem').map((e) => e.payload as InputProblem);
  assert.equal(
    problems.map((p) => [p.code, p.file.slice(root.length + 1), p.entry]),
    [
      ['INPUT_MALFORMED_RECORD', 'general/2024-01-01.json', '1'],
      ['INPUT_MALFORMED_JSON', 'general/2024-01-02.json', null],
      ['INPUT_MALFORMED_RECORD', 'general/2024-01-03.json', null],
      ['INPUT_MALFORMED_RECORD', 'stray', null],
    ],
  );
  assert.match(problems[0]!.message, 'no "ts"');
  assert.match(problems[1]!.message, 'not valid JSON');
  assert.equal(
    threaded.filter((e) => e.kind === 'message').map((e) => e.key),
    ['C1:1704100000.000100', 'stray:1704400000.000100'],
  );
});

test('a resumed read skips the same records with workers as without', async () => {
  const all = await read(houston, 0);
  const middle = all[Math.floor(all.length / 2)]!;
  const cursor = middle.cursor!;
  const inThread = await read(houston, 0, cursor);
  const threaded = await read(houston, 2, cursor);
  assert.ok(inThread.length > 0 && inThread.length < all.length);
  assert.equal(threaded, inThread);
  assert.equal(threaded[0], all[all.indexOf(middle) + 1]);
});

test("day files too large for a parse worker's heap are read in the pipeline's thread, with the same envelopes", async () => {
  const root = scratch('slack-big-days-');
  writeFileSync(join(root, 'users.json'), JSON.stringify([{ id: 'U1', name: 'ann', profile: { email: 'ann@example.com' } }]));
  writeFileSync(join(root, 'channels.json'), JSON.stringify([{ id: 'C1', name: 'general', members: ['U1'] }]));
  mkdirSync(join(root, 'general'));
  writeFileSync(join(root, 'general', '2024-01-01.json'), JSON.stringify([{ ts: '1704100000.000100', user: 'U1', text: 'sync at 3pm?' }]));
  // Over the size a worker reads alone (WORKER_FILE_BYTES, 2 MiB): about 2.6 MB.
  writeFileSync(join(root, 'general', '2024-01-02.json'), bigDay(1704200000, 2_500));
  // Each under it (about 1.9 MB), but the batch's seventh would pass what a worker reads of one batch (WORKER_BATCH_BYTES, 12 MiB).
  for (let d = 3; d <= 9; d++) writeFileSync(join(root, 'general', `2024-01-0${d}.json`), bigDay(1704000000 + d * 100_000, 1_800));
  const inThread = await read(root, 0);
  const handedOver: string[] = [];
  const threaded = await read(root, 1, undefined, fileLogger(handedOver));
  assert.is(inThread.filter((e) => e.kind === 'message').length, 1 + 2_500 + 7 * 1_800);
  assert.equal(threaded, inThread);
  assert.equal(handedOver, [`${root}/general/2024-01-02.json`, `${root}/general/2024-01-09.json`]);
});

test.run();
