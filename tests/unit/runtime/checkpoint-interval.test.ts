/** A stage commits a checkpoint every N source records or T seconds, and always at its end. */
import { from } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Checkpoint, Sink } from '../../../src/core/component.js';
import { envelope, type Envelope } from '../../../src/core/envelope.js';
import { runStage } from '../../../src/runtime/stage.js';

/** `n` source records, each with its own cursor. */
function records(n: number): Envelope[] {
  return Array.from({ length: n }, (_, i) => ({ ...envelope('person', `p${i}`, 0, 'test', { i }), cursor: { source: 'test', position: { i } } }));
}

class RecordingSink implements Sink {
  readonly checkpoints: Checkpoint[] = [];
  batches = 0;
  async write(_batch: readonly Envelope[], checkpoint?: Checkpoint): Promise<void> {
    this.batches++;
    if (checkpoint) this.checkpoints.push(checkpoint);
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}

const where = { scope: 'test', source: 'people' };

test('without an interval a checkpoint goes with every batch', async () => {
  const sink = new RecordingSink();
  await runStage(() => from(records(100)), [], sink, { batchSize: 10, checkpoint: where });
  // 10 batches, each checkpointing the record before its last, and the final one.
  assert.is(sink.checkpoints.length, 11);
  assert.ok(sink.checkpoints.at(-1)!.complete);
});

test('everyRecords: one checkpoint per N source records, plus the final one', async () => {
  const sink = new RecordingSink();
  await runStage(() => from(records(1000)), [], sink, { batchSize: 10, checkpoint: where, checkpointEvery: { records: 100, seconds: 3600 } });
  const inFlight = sink.checkpoints.filter((c) => !c.complete);
  assert.is(inFlight.length, 9);
  for (let i = 1; i < inFlight.length; i++) assert.is(inFlight[i]!.records - inFlight[i - 1]!.records, 100);
  assert.equal(sink.checkpoints.at(-1), { ...where, cursor: { source: 'test', position: { i: 999 } }, records: 1000, complete: true });
});

test('everySeconds: one checkpoint per T seconds of (virtual) time, whatever the record count', async () => {
  const sink = new RecordingSink();
  let now = 0;
  // Writing a batch takes one virtual second.
  const slow: Sink = {
    write: async (batch, checkpoint) => {
      now += 1000;
      await sink.write(batch, checkpoint);
    },
    flush: async () => undefined,
    close: async () => undefined,
  };
  await runStage(() => from(records(200)), [], slow, { batchSize: 10, checkpoint: where, checkpointEvery: { records: 1_000_000, seconds: 5 }, now: () => now });
  const inFlight = sink.checkpoints.filter((c) => !c.complete);
  // 20 batches, 20 virtual seconds: the batch that starts 5 s after the last checkpoint was committed carries the next.
  assert.equal(inFlight.map((c) => c.records), [59, 119, 179]);
  assert.ok(sink.checkpoints.at(-1)!.complete);
});

test('a stage that reads nothing new keeps the cursor it resumed from in its final checkpoint', async () => {
  const sink = new RecordingSink();
  const resumedFrom = { source: 'test', position: { i: 41 } };
  await runStage(() => from([] as Envelope[]), [], sink, { batchSize: 10, checkpoint: where, resumedFrom });
  assert.equal(sink.checkpoints, [{ ...where, cursor: resumedFrom, records: 0, complete: true }]);
});

test.run();
