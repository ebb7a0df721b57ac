/**
 * Runs one stage of a pipeline: a source's envelopes through operators into a sink, in
 * batches, with backpressure. The source pulls its next page only while fewer than
 * `highWater` of its records are waiting to be acknowledged by the sink.
 */
import { bufferCount, concatMap, lastValueFrom, type Observable, type OperatorFunction, defaultIfEmpty, tap } from 'rxjs';
import type { Sink } from '../core/component.js';
import type { Envelope } from '../core/envelope.js';
import { Gate } from '../core/rx.js';

export interface StageCounts {
  /** Envelopes the source emitted, by kind (problems included). */
  read: Record<string, number>;
  /** Envelopes the sink acknowledged, by kind (derived records included). */
  stored: Record<string, number>;
}

export interface StageOptions {
  batchSize: number;
  /** Records seen by the source; derived envelopes (not in this set) do not count against the gate. */
  sourceKinds?: ReadonlySet<string>;
  /** Called for every source envelope before the operators see it (indexes, progress). */
  onRecord?: (e: Envelope) => void;
  /** Called after each committed batch. */
  onBatch?: (counts: StageCounts) => void;
}

export function newGate(batchSize: number): Gate {
  // Above the batch size, so a half-filled batch can always be flushed by the next records.
  return new Gate(batchSize * 4);
}

export async function runStage(
  read: (gate: Gate) => Observable<Envelope>,
  operators: readonly OperatorFunction<Envelope, Envelope>[],
  sink: Sink,
  options: StageOptions,
): Promise<StageCounts> {
  const gate = newGate(options.batchSize);
  const counts: StageCounts = { read: {}, stored: {} };
  let source$ = read(gate).pipe(
    tap((e) => {
      counts.read[e.kind] = (counts.read[e.kind] ?? 0) + 1;
      options.onRecord?.(e);
    }),
  );
  for (const op of operators) source$ = source$.pipe(op);
  const sourceKinds = options.sourceKinds;
  await lastValueFrom(
    source$.pipe(
      bufferCount(options.batchSize),
      concatMap(async (batch) => {
        await sink.write(batch);
        let fromSource = 0;
        for (const e of batch) {
          counts.stored[e.kind] = (counts.stored[e.kind] ?? 0) + 1;
          if (!sourceKinds || sourceKinds.has(e.kind)) fromSource++;
        }
        gate.acked(fromSource);
        options.onBatch?.(counts);
      }),
      defaultIfEmpty(undefined),
    ),
  );
  return counts;
}
