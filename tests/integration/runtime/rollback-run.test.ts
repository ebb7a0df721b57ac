/**
 * Rolling back a `convene run`: the run derived the meeting tables again (deleting them first)
 * and stored what changed since the last run; the rollback brings every table back as it was.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startEmulator } from '../../../src/emulate/server.js';
import { convene, conveneAsync } from '../../support/cli.js';
import { scratch } from '../../support/paths.js';

const tables = (db: string): Record<string, unknown> => (JSON.parse(convene(['validate', '--db', db, '--json']).stdout) as { tables: Record<string, unknown> }).tables;

test('a second run that stored a new proposal and derived its meeting is undone by a rollback', async () => {
  const dir = scratch('convene-rollback-run-');
  const bundle = join(dir, 'bundle');
  assert.is(convene(['generate', '--out', bundle, '--seed', '6', '--scale', '0.005']).status, 0);
  const emulator = await startEmulator(bundle, { tierScale: 1000 });
  try {
    const config = join(dir, 'convene.config.json');
    const db = join(dir, 'run.duckdb');
    writeFileSync(config, JSON.stringify(emulator.config()));
    assert.is((await conveneAsync(['run', '--config', config, '--db', db, '--quiet'])).status, 0);
    const before = tables(db);

    const channel = emulator.store.channels.find((c) => c.kind === 'public')!.id;
    const user = String(emulator.store.users[0]!['id']);
    emulator.store.postMessage(channel, { type: 'message', user, ts: '1893456000.000100', text: 'can we meet tomorrow at 3pm to go over the roadmap?' });
    const second = await conveneAsync(['run', '--config', config, '--db', db, '--quiet']);
    assert.is(second.status, 0, second.stderr);
    const runId = /run (\S+) succeeded/.exec(second.stdout)![1]!;
    const after = tables(db);
    assert.not.equal(after['messages'], before['messages']);
    assert.not.equal(after['signals'], before['signals']);

    const r = convene(['rollback', runId, '--db', db, '--force', '--json']);
    assert.is(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { tables: Record<string, { restored: number; deleted: number }> };
    // The derived tables were deleted and derived again by the run: all their rows come back from the history.
    assert.ok(report.tables['meetings']!.restored > 0);
    assert.is(report.tables['messages']!.deleted, 1);
    assert.equal(tables(db), before);
  } finally {
    await emulator.close();
  }
});

test.run();
