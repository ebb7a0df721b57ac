/**
 * The contract every sink passes: what was written is durable once `flush` resolves, writes are
 * idempotent (the same batch twice stores it once), the last delivery of a key wins (also
 * between batches staged before one flush), close is idempotent, and a write after close fails
 * with an error instead of being lost silently.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Sink } from '../../src/core/component.js';
import type { Envelope } from '../../src/core/envelope.js';

export interface SinkHarness {
  /** A fresh, empty sink. */
  make(): Promise<Sink>;
  /** What is durably stored, as `kind:key` → a content digest, read through a new handle. */
  readBack(sink: Sink): Promise<Map<string, string>>;
  /** A few valid records of varied kinds, and a changed version of the first one. */
  records(): { batch: Envelope[]; changedFirst: Envelope };
}

export function sinkContract(name: string, h: SinkHarness): void {
  test(`${name}: a batch is readable once flush resolves`, async () => {
    const sink = await h.make();
    const { batch } = h.records();
    await sink.write(batch);
    await sink.flush();
    const stored = await h.readBack(sink);
    for (const e of batch) assert.ok(stored.has(`${e.kind}:${e.key}`), `missing ${e.kind}:${e.key}`);
    await sink.close();
  });

  test(`${name}: writing the same batch twice stores it once`, async () => {
    const sink = await h.make();
    const { batch } = h.records();
    await sink.write(batch);
    await sink.flush();
    const once = await h.readBack(sink);
    await sink.write(batch);
    await sink.flush();
    const twice = await h.readBack(sink);
    assert.equal([...twice.entries()].sort(), [...once.entries()].sort());
    await sink.close();
  });

  test(`${name}: the last delivery of a key wins`, async () => {
    const sink = await h.make();
    const { batch, changedFirst } = h.records();
    await sink.write(batch);
    await sink.flush();
    const before = (await h.readBack(sink)).get(`${changedFirst.kind}:${changedFirst.key}`);
    await sink.write([changedFirst]);
    await sink.flush();
    const after = await h.readBack(sink);
    assert.is.not(after.get(`${changedFirst.kind}:${changedFirst.key}`), before);
    assert.is(after.size, batch.length);
    await sink.close();
  });

  test(`${name}: between batches staged before one flush, the last delivery of a key wins`, async () => {
    const changed = await h.make();
    const { batch, changedFirst } = h.records();
    await changed.write(batch);
    await changed.write([changedFirst]);
    await changed.flush();
    const got = (await h.readBack(changed)).get(`${changedFirst.kind}:${changedFirst.key}`);
    await changed.close();
    const direct = await h.make();
    await direct.write([...batch.filter((e) => e.key !== changedFirst.key || e.kind !== changedFirst.kind), changedFirst]);
    await direct.flush();
    const expected = (await h.readBack(direct)).get(`${changedFirst.kind}:${changedFirst.key}`);
    await direct.close();
    assert.ok(got !== undefined);
    assert.is(got, expected);
  });

  test(`${name}: close is idempotent and a write after close fails`, async () => {
    const sink = await h.make();
    await sink.write(h.records().batch);
    await sink.close();
    await sink.close();
    let failed = false;
    try {
      await sink.write(h.records().batch);
    } catch {
      failed = true;
    }
    assert.ok(failed);
  });
}
