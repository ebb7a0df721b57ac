import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Gate, fromPages } from '../../../src/core/rx.js';

test('the gate holds a source back until the sink acknowledges', async () => {
  const gate = new Gate(4);
  let pulled = 0;
  const seen: number[] = [];
  const source = fromPages(async function* () {
    for (let p = 0; p < 5; p++) {
      pulled++;
      yield [p * 3, p * 3 + 1, p * 3 + 2];
    }
  }, gate);
  const done = new Promise<void>((resolve) => source.subscribe({ next: (v) => seen.push(v), complete: resolve }));
  await new Promise((r) => setTimeout(r, 10));
  // Two pages (6 records) reach the high-water mark of 4; the third is not pulled.
  assert.is(pulled, 2);
  assert.is(gate.pending, 6);
  gate.acked(6);
  await new Promise((r) => setTimeout(r, 10));
  assert.is(pulled, 4);
  gate.acked(100);
  await done;
  assert.is(pulled, 5);
  assert.equal(seen, Array.from({ length: 15 }, (_, i) => i));
});

test('unsubscribing stops a source from pulling more pages', async () => {
  let pulled = 0;
  let finished = false;
  const source = fromPages(async function* (signal) {
    try {
      while (!signal.aborted) {
        pulled++;
        yield [pulled];
        await new Promise((r) => setTimeout(r, 1));
      }
    } finally {
      finished = true;
    }
  });
  const sub = source.subscribe(() => undefined);
  await new Promise((r) => setTimeout(r, 15));
  sub.unsubscribe();
  const at = pulled;
  await new Promise((r) => setTimeout(r, 15));
  assert.ok(pulled <= at + 1, `pulled ${pulled} after unsubscribing at ${at}`);
  assert.ok(finished);
});

test('nothing is read before subscribe', async () => {
  let started = false;
  fromPages(async function* () {
    started = true;
    yield [1];
  });
  await new Promise((r) => setTimeout(r, 5));
  assert.is(started, false);
});

test.run();
