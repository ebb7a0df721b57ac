/**
 * The shared contract every source passes: cold (no I/O before subscribe), cursors never go
 * backwards, payloads pass their record schema, unsubscribing stops reading, a second
 * subscribe reads the same records again, and failures are typed.
 */
import { firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Source } from '../../src/core/component.js';
import type { Envelope } from '../../src/core/envelope.js';
import { ConveneError } from '../../src/core/errors.js';
import { RECORD_SCHEMAS } from '../../src/core/records.js';
import type { RecordKind } from '../../src/core/records.js';
import { Gate } from '../../src/core/rx.js';
import { comparePositions, isFilePosition } from '../../src/sources/common/emit.js';
import { scratch } from '../support/paths.js';

export interface SourceUnderTest {
  readonly source: Source<unknown>;
  /** Writes the input files at the paths the source was configured with. */
  populate(): void;
  /** When given, writes input with bad entries and returns how many problems the source must report. */
  populateBroken?(): number;
}

/** `makeSource(dir, gate)` configures a source on paths inside `dir` that do not exist yet. */
export type MakeSource = (dir: string, gate?: Gate) => SourceUnderTest;

const readAll = (source: Source<unknown>): Promise<Envelope[]> => lastValueFrom(source.read().pipe(toArray()));
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 30));

function position(e: Envelope): { file: number; entry: number } {
  const p = e.cursor?.position;
  if (!isFilePosition(p)) throw new Error(`envelope ${e.kind} ${e.key} has no file position`);
  return p;
}

export function sourceContract(name: string, makeSource: MakeSource): void {
  test(`${name}: does no I/O before subscribe and reads files created after create()`, async () => {
    const dir = scratch();
    const { source, populate } = makeSource(dir);
    const observable = source.read();
    populate();
    const records = await lastValueFrom(observable.pipe(toArray()));
    assert.ok(records.length > 0, 'records written after read() but before subscribe are seen');
  });

  test(`${name}: emits cursors that never go backwards, each owned by the source`, async () => {
    const dir = scratch();
    const { source, populate } = makeSource(dir);
    populate();
    const records = await readAll(source);
    const owners = new Set(records.map((e) => e.cursor?.source));
    assert.is(owners.size, 1);
    for (let i = 1; i < records.length; i++) {
      assert.ok(comparePositions(position(records[i - 1]!), position(records[i]!)) < 0, `cursor ${i} goes backwards or repeats: ${JSON.stringify(records[i]!.cursor)}`);
    }
  });

  test(`${name}: every payload passes its record schema`, async () => {
    const dir = scratch();
    const { source, populate } = makeSource(dir);
    populate();
    for (const e of await readAll(source)) {
      assert.ok(e.kind in RECORD_SCHEMAS, `unknown kind ${e.kind}`);
      const result = RECORD_SCHEMAS[e.kind as RecordKind].safeParse(e.payload);
      assert.ok(result.success, `${e.kind} ${e.key}: ${result.success ? '' : result.error.message}`);
      assert.type(e.eventTime, 'number');
      assert.ok(e.origin.length > 0);
    }
  });

  test(`${name}: stops reading when unsubscribed`, async () => {
    const dir = scratch();
    const gate = new Gate(1);
    const { source, populate } = makeSource(dir, gate);
    populate();
    const first = await firstValueFrom(source.read().pipe(take(1)));
    assert.ok(first);
    const pulled = gate.pending;
    gate.acked(pulled);
    await settle();
    // Any page produced after unsubscribe would be counted by the gate.
    assert.is(gate.pending, 0);
  });

  test(`${name}: is cold: a second subscribe reads the same records again`, async () => {
    const dir = scratch();
    const { source, populate } = makeSource(dir);
    populate();
    const a = await readAll(source);
    const b = await readAll(source);
    assert.equal(b.map((e) => `${e.kind}/${e.key}`), a.map((e) => `${e.kind}/${e.key}`));
  });

  test(`${name}: resumes after a cursor with the records that follow it`, async () => {
    const dir = scratch();
    const { source, populate } = makeSource(dir);
    populate();
    const all = await readAll(source);
    const middle = Math.floor(all.length / 2);
    const rest = await lastValueFrom(source.read(all[middle]!.cursor).pipe(toArray()));
    assert.equal(rest.map((e) => e.key), all.slice(middle + 1).map((e) => e.key));
  });

  test(`${name}: fails with a ConveneError when its input does not exist`, async () => {
    const dir = scratch();
    const { source } = makeSource(dir);
    try {
      await readAll(source);
      assert.unreachable('reading a missing input should fail');
    } catch (err) {
      assert.instance(err, ConveneError);
      assert.is((err as ConveneError).code, 'INPUT_NOT_FOUND');
    }
  });

  test(`${name}: reports bad input as problem records and goes on`, async () => {
    const dir = scratch();
    const made = makeSource(dir);
    if (!made.populateBroken) return;
    const expected = made.populateBroken();
    const records = await readAll(made.source);
    const problems = records.filter((e) => e.kind === 'problem');
    assert.is(problems.length, expected, 'one problem record per bad file or entry');
    assert.ok(records.some((e) => e.kind !== 'problem'), 'the good records are still read');
    for (const p of problems) {
      const payload = p.payload as { file: string; code: string; message: string };
      assert.ok(payload.file.length > 0 && payload.message.length > 0);
      assert.match(payload.code, /^INPUT_/);
    }
  });
}
