/** The memory ceiling: the gate stops granting while memory is above it and a full batch is in flight. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { silentLogger } from '../../../../src/core/logger.js';
import { MemoryCeiling } from '../../../../src/runtime/resources/memory-ceiling.js';

const MB = 1024 * 1024;

test('above the ceiling with a batch in flight, intake waits until memory falls', async () => {
  let rss = 600 * MB;
  const pauses: number[] = [];
  const ceiling = new MemoryCeiling({ ceilingBytes: 512 * MB, checkMs: 5, maxPauseMs: 10_000, logger: silentLogger, memory: () => rss, onPause: (ms) => pauses.push(ms) });
  const gate = ceiling.gate(40, 10);
  gate.emitted(10);
  let granted = false;
  const ready = gate.ready().then(() => (granted = true));
  await new Promise((r) => setTimeout(r, 30));
  assert.is(granted, false, 'granted while memory was above the ceiling');
  rss = 400 * MB;
  await ready;
  assert.ok(granted);
  assert.is(ceiling.stats().pauses, 1);
  assert.ok(pauses[0]! >= 25);
});

test('with less than a batch in flight it grants anyway, or the batch could never be flushed', async () => {
  const ceiling = new MemoryCeiling({ ceilingBytes: 512 * MB, checkMs: 5, maxPauseMs: 10_000, logger: silentLogger, memory: () => 600 * MB });
  const gate = ceiling.gate(40, 10);
  gate.emitted(9);
  await gate.ready();
  assert.is(ceiling.stats().pauses, 0);
});

test('acknowledgements end the pause: what is in flight drains to the sink', async () => {
  const ceiling = new MemoryCeiling({ ceilingBytes: 512 * MB, checkMs: 5, maxPauseMs: 10_000, logger: silentLogger, memory: () => 600 * MB });
  const gate = ceiling.gate(40, 10);
  gate.emitted(20);
  const ready = gate.ready();
  setTimeout(() => gate.acked(15), 20);
  await ready;
  assert.is(gate.pending, 5);
  assert.is(ceiling.stats().pauses, 1);
});

test('a pause ends after the longest allowed, so a ceiling set too low slows a run but never stops it', async () => {
  const ceiling = new MemoryCeiling({ ceilingBytes: 512 * MB, checkMs: 5, maxPauseMs: 40, logger: silentLogger, memory: () => 600 * MB });
  const gate = ceiling.gate(40, 10);
  gate.emitted(10);
  const started = Date.now();
  await gate.ready();
  const waited = Date.now() - started;
  assert.ok(waited >= 40 && waited < 1000, `waited ${waited} ms`);
});

test.run();
