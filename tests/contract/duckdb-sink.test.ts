import { join } from 'node:path';
import { test } from 'uvu';
import { Database } from '../../src/sinks/duckdb/database.js';
import { DuckdbSink } from '../../src/sinks/duckdb/duckdb.sink.js';
import { scratch } from '../support/paths.js';
import { sinkContract } from './sink-contract.js';
import { sampleRecords } from '../support/records.js';

const KEYS: Record<string, string> = { messages: "channel_id || ':' || ts", channels: 'id', signals: "channel_id || ':' || ts" };
const KIND: Record<string, string> = { messages: 'message', channels: 'channel', signals: 'signal' };

sinkContract('duckdb', {
  async make() {
    return new DuckdbSink(join(scratch(), 'contract.duckdb'), 'run-test');
  },
  async readBack(sink) {
    const db: Database = await (sink as DuckdbSink).database();
    const out = new Map<string, string>();
    for (const [table, key] of Object.entries(KEYS)) {
      for (const r of await db.all(`SELECT ${key} AS k, md5(CAST(t AS VARCHAR)) AS d FROM ${table} t`)) out.set(`${KIND[table]}:${String(r['k'])}`, String(r['d']));
    }
    return out;
  },
  records: sampleRecords,
});

test.run();
