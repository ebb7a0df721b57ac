/** A2: contracts and the integration layer. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { lastValueFrom, toArray } from 'rxjs';
import { silentLogger } from '../../src/core/logger.js';
import { RECORD_SCHEMAS, type RecordKind } from '../../src/core/records.js';
import { findSource } from '../../src/sources/registry.js';
import { replayedOrganization } from '../support/bundle.js';
import { convene } from '../support/cli.js';
import { scratch } from '../support/paths.js';

test('A2.1 A2.2 every source converts its vendor format into records that pass the shared contracts', async () => {
  const { bundle } = replayedOrganization();
  const parts: Array<[string, unknown]> = [
    ['slack-export', { path: join(bundle, 'slack') }],
    ['calendar-files', { paths: [join(bundle, 'google', 'calendar')] }],
    ['drive-files', { paths: [join(bundle, 'google', 'drive')] }],
    ['directory-files', { paths: [join(bundle, 'google', 'directory')] }],
    ['people-csv', { path: join(bundle, 'people.csv') }],
  ];
  for (const [type, config] of parts) {
    const source = findSource(type)!.create(config, { logger: silentLogger, runId: 'acceptance' });
    const records = await lastValueFrom(source.read().pipe(toArray()));
    assert.ok(records.length > 0, `${type} read nothing`);
    for (const e of records) {
      const schema = RECORD_SCHEMAS[e.kind as RecordKind];
      assert.ok(schema, `${type} emitted unknown kind ${e.kind}`);
      const parsed = schema.safeParse(e.payload);
      assert.ok(parsed.success, `${type} ${e.kind} ${e.key}: ${parsed.success ? '' : parsed.error.message}`);
    }
  }
});

test('A2.6 the mock-data framework is deterministic per seed', () => {
  const a = join(scratch(), 'a');
  const b = join(scratch(), 'b');
  assert.is(convene(['generate', '--out', a, '--seed', '21', '--scale', '0.01']).status, 0);
  assert.is(convene(['generate', '--out', b, '--seed', '21', '--scale', '0.01']).status, 0);
  assert.is(readFileSync(join(a, 'truth.json'), 'utf8'), readFileSync(join(b, 'truth.json'), 'utf8'));
  assert.is(readFileSync(join(a, 'slack', 'users.json'), 'utf8'), readFileSync(join(b, 'slack', 'users.json'), 'utf8'));
});

test.run();
