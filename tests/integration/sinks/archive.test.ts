import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { ConveneError } from '../../../src/core/errors.js';
import {
  createArchive, listArchives, parseDuration, parseSize, planRetention, pruneArchives, restoreArchive, type ArchiveEntry, type ArchiveManifest,
} from '../../../src/sinks/archive/archive.js';
import { Database } from '../../../src/sinks/duckdb/database.js';
import { validateDatabase } from '../../../src/sinks/duckdb/validate.js';
import { scratch } from '../../support/paths.js';
import { fixtureDatabase } from './store-fixture.js';

const DAY = 86_400_000;
const NOW = new Date('2026-04-01T00:00:00Z');

test('an archive holds every table, the report and a manifest with counts and checksums', async () => {
  const root = scratch('convene-archive-');
  const db = await Database.open(await fixtureDatabase(), { readOnly: true });
  try {
    const m = await createArchive(db, { root, runId: 'run-1', clock: () => NOW });
    const files = readdirSync(join(root, 'run-1')).sort();
    assert.ok(files.includes('messages.parquet') && files.includes('meetings.parquet') && files.includes('runs.parquet'));
    assert.ok(files.includes('report.html.gz') && files.includes('manifest.json'));
    assert.not.ok(files.some((f) => f.endsWith('.partial')));
    const manifest = JSON.parse(readFileSync(join(root, 'run-1', 'manifest.json'), 'utf8')) as ArchiveManifest;
    assert.equal(manifest, m);
    assert.is(manifest.runId, 'run-1');
    assert.is(manifest.createdAt, NOW.toISOString());
    assert.is(manifest.counts['meetings'], 3);
    assert.is(manifest.counts['messages'], 5);
    const v = await validateDatabase(db);
    assert.is(manifest.checksums['messages'], v.tables['messages']!.checksum);
    assert.match(gunzipSync(readFileSync(join(root, 'run-1', 'report.html.gz'))).toString('utf8'), /<title>convene report<\/title>/);
    const parquet = await db.all('SELECT count(*) AS n FROM read_parquet(?)', [join(root, 'run-1', 'messages.parquet')]);
    assert.is(Number(parquet[0]!['n']), 5);
  } finally {
    db.close();
  }
});

test('restore rebuilds the same content, and refuses a damaged archive', async () => {
  const root = scratch('convene-archive-');
  const db = await Database.open(await fixtureDatabase(), { readOnly: true });
  try {
    await createArchive(db, { root, runId: 'run-1', clock: () => NOW });
  } finally {
    db.close();
  }
  const restored = join(scratch(), 'restored.duckdb');
  const r = await restoreArchive(root, 'run-1', restored);
  assert.equal(r.mismatches, []);
  assert.is(r.counts['message_links'], 4);
  const again = await restoreArchive(root, 'run-1', restored).then(() => null, (e: unknown) => e);
  assert.match((again as Error).message, /exists; restore into a new file/);

  const file = join(root, 'run-1', 'meetings.parquet');
  const bytes = readFileSync(file);
  bytes[bytes.length - 20] = bytes[bytes.length - 20]! ^ 0xff;
  writeFileSync(file, bytes);
  const err = await restoreArchive(root, 'run-1', join(scratch(), 'x.duckdb')).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof ConveneError);
  assert.match((err as ConveneError).message, /does not match its checksum/);
});

function entry(runId: string, ageDays: number, bytes: number): ArchiveEntry {
  return { runId, path: `/nowhere/${runId}`, createdAt: new Date(NOW.getTime() - ageDays * DAY).toISOString(), bytes, counts: {} };
}

test('retention keeps what every rule keeps: count, age and running size, newest first', () => {
  const entries = [entry('a', 0, 100), entry('b', 1, 100), entry('c', 5, 300), entry('d', 10, 50), entry('e', 40, 10)];
  const kept = (r: Parameters<typeof planRetention>[1]): string[] => planRetention(entries, r, NOW).keep.map((e) => e.runId);
  assert.equal(kept({ keep: 3 }), ['a', 'b', 'c']);
  assert.equal(kept({ maxAgeMs: 7 * DAY }), ['a', 'b', 'c']);
  assert.equal(kept({ maxBytes: 250 }), ['a', 'b']);
  // c does not fit, so it and everything older are removed even though d and e would fit.
  assert.equal(kept({ maxBytes: 260 }), ['a', 'b']);
  assert.equal(kept({ keep: 4, maxAgeMs: 30 * DAY }), ['a', 'b', 'c', 'd']);
  assert.equal(kept({ keep: 0 }), []);
  assert.equal(kept({}), ['a', 'b', 'c', 'd', 'e']);
});

test('prune removes exactly the archives the retention does not keep, and leaves unfinished folders', async () => {
  const root = scratch('convene-archive-');
  const db = await Database.open(await fixtureDatabase(), { readOnly: true });
  try {
    for (const [id, age] of [['r1', 30], ['r2', 20], ['r3', 10], ['r4', 2], ['r5', 1]] as const) {
      await createArchive(db, { root, runId: id, clock: () => new Date(NOW.getTime() - age * DAY) });
    }
  } finally {
    db.close();
  }
  mkdirSync(join(root, 'r6.partial'));
  assert.equal(listArchives(root).map((e) => e.runId), ['r5', 'r4', 'r3', 'r2', 'r1', 'r6.partial']);

  const dry = pruneArchives(root, { keep: 4 }, { now: NOW, dryRun: true });
  assert.equal(dry.remove.map((e) => e.runId), ['r1']);
  assert.ok(existsSync(join(root, 'r1')));

  const plan = pruneArchives(root, { keep: 4, maxAgeMs: parseDuration('15d') }, { now: NOW });
  assert.equal(plan.keep.map((e) => e.runId), ['r5', 'r4', 'r3']);
  assert.equal(readdirSync(root).sort(), ['r3', 'r4', 'r5', 'r6.partial']);

  const oneSize = listArchives(root)[0]!.bytes;
  pruneArchives(root, { maxBytes: oneSize * 2 + 1 }, { now: NOW });
  assert.equal(readdirSync(root).sort(), ['r4', 'r5', 'r6.partial']);
});

test('durations and sizes read as people write them', () => {
  assert.is(parseDuration('30d'), 30 * DAY);
  assert.is(parseDuration('12h'), 12 * 3_600_000);
  assert.is(parseSize('2GB'), 2 * 1024 ** 3);
  assert.is(parseSize('500mb'), 500 * 1024 ** 2);
  assert.is(parseSize('1234'), 1234);
  assert.throws(() => parseDuration('soon'), /not a duration/);
  assert.throws(() => parseSize('big'), /not a size/);
});

test.run();
