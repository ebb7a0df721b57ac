import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { InputError } from '../../../../src/core/errors.js';
import { defaultWorkerCount, mapOrdered } from '../../../../src/sources/common/workers/ordered-pool.js';
import { scratch } from '../../../support/paths.js';

type Req = { n: number; delayMs: number; fail?: boolean };
const script = new URL('./slow-square.worker.js', import.meta.url);
const inline = (r: Req): number => {
  if (r.fail) throw new InputError('INPUT_NOT_FOUND', `item-${r.n}`, 'the item could not be read');
  return r.n * r.n;
};
const revive = (e: { name: string; message: string; code?: string; subject?: string }): Error =>
  e.name === 'InputError' ? new InputError('INPUT_NOT_FOUND', e.subject ?? '', e.message) : new Error(e.message);

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

test('answers come back in request order although later requests finish first', async () => {
  // Earlier requests are slower, so with two workers answers arrive out of order.
  const inputs = Array.from({ length: 12 }, (_, i) => i);
  const out = await collect(mapOrdered(inputs, (n) => ({ n, delayMs: (12 - n) * 3 }), { script, workers: 2, inline, batch: 2, maxInFlight: 6 }));
  assert.equal(
    out.map(([n]) => n),
    inputs,
  );
  assert.equal(
    out.map(([, sq]) => sq),
    inputs.map((n) => n * n),
  );
});

test('inputs without a request keep their place with a null answer', async () => {
  const out = await collect(mapOrdered([1, 2, 3, 4], (n) => (n % 2 === 0 ? null : { n, delayMs: 1 }), { script, workers: 1, inline }));
  assert.equal(out, [
    [1, 1],
    [2, null],
    [3, 9],
    [4, null],
  ]);
});

test('no workers runs the same work in this thread with the same answers', async () => {
  const inputs = [5, 6, 7];
  const threaded = await collect(mapOrdered(inputs, (n) => ({ n, delayMs: 0 }), { script, workers: 2, inline }));
  const inThread = await collect(mapOrdered(inputs, (n) => ({ n, delayMs: 0 }), { script, workers: 0, inline }));
  assert.equal(inThread, threaded);
  assert.equal(inThread, [
    [5, 25],
    [6, 36],
    [7, 49],
  ]);
});

test('at most maxInFlight requests are made ahead of what the consumer took', async () => {
  let requested = 0;
  const iterator = mapOrdered(
    Array.from({ length: 50 }, (_, i) => i),
    (n) => {
      requested++;
      return { n, delayMs: 0 };
    },
    { script, workers: 1, inline, maxInFlight: 3 },
  );
  const first = await iterator.next();
  assert.equal(first.value, [0, 0]);
  assert.is(requested, 3);
  await iterator.next();
  assert.is(requested, 4);
  await iterator.return(undefined);
});

test("a worker's typed error is thrown here, in order, after the answers before it", async () => {
  const seen: number[] = [];
  try {
    for await (const [n] of mapOrdered([1, 2, 3, 4], (n) => ({ n, delayMs: 1, fail: n === 3 }), { script, workers: 2, inline, batch: 1, reviveError: revive })) seen.push(n);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, InputError);
    assert.is((err as InputError).code, 'INPUT_NOT_FOUND');
    assert.is((err as InputError).subject, 'item-3');
  }
  assert.equal(seen, [1, 2]);
});

test('requests travel in batches and still come back one answer each, in order', async () => {
  const inputs = Array.from({ length: 37 }, (_, i) => i);
  for (const batch of [1, 5, 16, 64]) {
    const out = await collect(mapOrdered(inputs, (n) => ({ n, delayMs: n % 3 }), { script, workers: 2, inline, batch }));
    assert.equal(
      out.map(([n, sq]) => [n, sq]),
      inputs.map((n) => [n, n * n]),
      `batch ${batch}`,
    );
  }
});

test('a request that cannot be made fails in its turn, after the answers before it, and stops further requests', async () => {
  const seen: number[] = [];
  const asked: number[] = [];
  const toRequest = async (n: number): Promise<Req> => {
    asked.push(n);
    if (n === 2) throw new InputError('INPUT_NOT_FOUND', 'entry-2', 'the zip entry is damaged');
    return { n, delayMs: 0 };
  };
  try {
    for await (const [n] of mapOrdered([0, 1, 2, 3, 4, 5], toRequest, { script, workers: 1, inline })) seen.push(n);
    assert.unreachable('should have thrown');
  } catch (err) {
    assert.instance(err, InputError);
    assert.is((err as InputError).subject, 'entry-2');
  }
  assert.equal(seen, [0, 1]);
  assert.equal(asked, [0, 1, 2]);
});

test('requests inlineIf picks are answered in this thread, in their place among the workers\' answers', async () => {
  const inThread: number[] = [];
  const counted = (r: Req): number => {
    inThread.push(r.n);
    return inline(r);
  };
  const out = await collect(mapOrdered([1, 2, 3, 4, 5, 6], (n) => ({ n, delayMs: (7 - n) * 2 }), { script, workers: 2, inline: counted, inlineIf: (r) => r.n % 3 === 0, batch: 2 }));
  assert.equal(out, [1, 2, 3, 4, 5, 6].map((n) => [n, n * n]));
  assert.equal(inThread, [3, 6]);
});

test('a pool with a batch out keeps the process alive while nothing else does', async () => {
  // The worker is slow and the process has nothing else to wait for: with its workers unref'd
  // throughout, Node would end it (exit code 13, an unsettled top-level await) before the answer.
  const pool = new URL('../../../../src/sources/common/workers/ordered-pool.js', import.meta.url).href;
  const code = `
    const { mapOrdered } = await import(${JSON.stringify(pool)});
    const out = [];
    for await (const [n, sq] of mapOrdered([7], (n) => ({ n, delayMs: 400 }), { script: new URL(${JSON.stringify(script.href)}), workers: 1, inline: () => 0 })) out.push(sq);
    console.log(JSON.stringify(out));`;
  // A file, not -e: a worker would inherit --input-type, which Node refuses for a worker's file.
  const file = join(scratch('pool-alive-'), 'main.mjs');
  writeFileSync(file, code);
  const child = spawn(process.execPath, [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const [exitCode] = (await once(child, 'exit')) as [number | null];
  assert.is(exitCode, 0);
  assert.is(stdout.trim(), '[49]');
});

test('defaults to one worker per core but one, at most four', () => {
  assert.is(defaultWorkerCount(1), 0);
  assert.is(defaultWorkerCount(2), 1);
  assert.is(defaultWorkerCount(16), 4);
});

test.run();
