/**
 * Runs one stage of a pipeline: a source's envelopes through operators into a sink, in
 * batches, with backpressure and checkpoints.
 *
 * Backpressure: the source pulls its next page only while fewer than `highWater` of its
 * records are waiting to be acknowledged by the sink.
 *
 * Checkpoints: a source record may be resumed after once it and everything the operators
 * derive from it are durable. Operators emit derived records right after the record they come
 * from, so when the next source record arrives, the previous one is complete; the checkpoint
 * written with a batch names the last such record, inside the batch's own transaction.
 *
 * Resuming: with `skipThrough`, the stage reads and processes from the start (the operators'
 * state is rebuilt from the input) but writes nothing up to and including that record and
 * what was derived from it: those are durable already.
 */
import { bufferCount, concatMap, defaultIfEmpty, lastValueFrom, tap, type Observable, type OperatorFunction } from 'rxjs';
import type { Checkpoint, Sink } from '../core/component.js';
import type { Cursor, Envelope } from '../core/envelope.js';
import { ConveneError } from '../core/errors.js';
import { Gate } from '../core/rx.js';
import { liveStatus } from './telemetry/live-status.js';

export interface StageCounts {
  /** Envelopes the source emitted, by kind (problems included). */
  read: Record<string, number>;
  /** Envelopes the sink acknowledged, by kind (derived records included), and those durable from an earlier run. */
  stored: Record<string, number>;
  /** Source records that were durable already (a resumed run). */
  resumed: number;
}

export interface StageOptions {
  batchSize: number;
  /** Records seen by the source; derived envelopes (not in this set) do not count against the gate. */
  sourceKinds?: ReadonlySet<string>;
  /** Called for every source envelope before the operators see it (indexes, progress). */
  onRecord?: (e: Envelope) => void;
  /** Called after each committed batch. */
  onBatch?: (counts: StageCounts) => void;
  /** Where checkpoints go: the job's scope and the source's name. Absent: none are written. */
  checkpoint?: { scope: string; source: string };
  /** Only envelopes of these kinds are written (the others are durable already); absent: all. */
  writeKinds?: ReadonlySet<string>;
  /** Resume: write nothing up to and including this source record. */
  skipThrough?: Cursor | null;
  /** The cursor the source resumed from: a source that reads nothing new keeps it as its checkpoint. */
  resumedFrom?: Cursor | null;
  /** The component's name in metrics and the live status; absent: the checkpoint's source, else none is recorded. */
  component?: string;
  /**
   * How often a checkpoint goes with a batch: once this many source records or seconds have
   * passed since the last one (whichever comes first). Absent: with every batch. The end of
   * the stage is always checkpointed.
   */
  checkpointEvery?: CheckpointInterval;
  /** Milliseconds now; injected so the seconds interval is testable. */
  now?: () => number;
  /** Makes the stage's gate (a memory ceiling's, say); absent: a plain one. */
  gate?: (highWater: number) => Gate;
  /** Called with the count of source records read so far (progress). */
  onProgress?: (sourceRecords: number) => void;
  /**
   * Counts the records the operators derive until the sink has taken them, so that an
   * operator emitting many at once (the intelligence's meetings at the end) can wait for room.
   */
  derivedGate?: Gate;
}

export interface CheckpointInterval {
  records: number;
  seconds: number;
}

export function newGate(batchSize: number): Gate {
  // Above the batch size, so a half-filled batch can always be flushed by the next records.
  return new Gate(batchSize * 4);
}

export function sameCursor(a: Cursor | undefined | null, b: Cursor | undefined | null): boolean {
  return !!a && !!b && a.source === b.source && JSON.stringify(a.position) === JSON.stringify(b.position);
}

export async function runStage(
  read: (gate: Gate) => Observable<Envelope>,
  operators: readonly OperatorFunction<Envelope, Envelope>[],
  sink: Sink,
  options: StageOptions,
): Promise<StageCounts> {
  const gate = options.gate ? options.gate(newGate(options.batchSize).highWater) : newGate(options.batchSize);
  const counts: StageCounts = { read: {}, stored: {}, resumed: 0 };
  const component = options.component ?? options.checkpoint?.source ?? null;
  const track = component ? liveStatus.stageStarted(component) : null;
  const isSource = (e: Envelope): boolean => !options.sourceKinds || options.sourceKinds.has(e.kind);

  let source$ = read(gate).pipe(
    tap((e) => {
      counts.read[e.kind] = (counts.read[e.kind] ?? 0) + 1;
      if (track && component) {
        track.read++;
        if (e.kind === 'problem') liveStatus.problem(component, String((e.payload as { code?: unknown }).code ?? 'INPUT_UNSUPPORTED'));
      }
      options.onRecord?.(e);
    }),
  );
  for (const op of operators) source$ = source$.pipe(op);
  const derivedGate = options.derivedGate;
  if (derivedGate) source$ = source$.pipe(tap((e) => { if (!isSource(e)) derivedGate.emitted(1); }));

  let skipping = options.skipThrough != null;
  let passedSkipPoint = false;
  let prevSource: Envelope | null = null;
  let latestCursor: Cursor | null = null;
  let safe: { cursor: Cursor; records: number } | null = null;
  let committedSafe: Cursor | null = null;
  let sourceRecords = 0;
  const now = options.now ?? Date.now;
  let lastCheckpoint = { records: 0, at: now() };
  const due = (records: number): boolean => {
    const every = options.checkpointEvery;
    if (!every) return true;
    return records - lastCheckpoint.records >= every.records || now() - lastCheckpoint.at >= every.seconds * 1000;
  };

  const checkpointOf = (cursor: Cursor | null, records: number, complete: boolean): Checkpoint | undefined =>
    options.checkpoint ? { scope: options.checkpoint.scope, source: options.checkpoint.source, cursor, records, complete } : undefined;

  await lastValueFrom(
    source$.pipe(
      bufferCount(options.batchSize),
      concatMap(async (batch) => {
        const batchStarted = performance.now();
        const keep: Envelope[] = [];
        let fromSource = 0;
        for (const e of batch) {
          const src = isSource(e);
          if (src) {
            fromSource++;
            // Some sources put a cursor only on the last record of a page: the newest one seen counts.
            if (prevSource && latestCursor) safe = { cursor: latestCursor, records: sourceRecords };
            sourceRecords++;
            prevSource = e;
            if (e.cursor) latestCursor = e.cursor;
          }
          if (skipping) {
            if (src && passedSkipPoint) skipping = false;
            else {
              if (src && sameCursor(e.cursor, options.skipThrough)) passedSkipPoint = true;
              if (src) counts.resumed++;
              counts.stored[e.kind] = (counts.stored[e.kind] ?? 0) + 1;
              continue;
            }
          }
          if (options.writeKinds && !options.writeKinds.has(e.kind)) continue;
          keep.push(e);
        }
        const s = safe as { cursor: Cursor; records: number } | null;
        const checkpoint = !skipping && s && !sameCursor(s.cursor, committedSafe) && due(s.records) ? checkpointOf(s.cursor, s.records, false) : undefined;
        if (keep.length > 0 || checkpoint) {
          await sink.write(keep, checkpoint);
          if (checkpoint) {
            committedSafe = checkpoint.cursor;
            lastCheckpoint = { records: checkpoint.records, at: now() };
          }
        }
        for (const e of keep) counts.stored[e.kind] = (counts.stored[e.kind] ?? 0) + 1;
        if (component) {
          if (checkpoint) liveStatus.checkpoint(component);
          liveStatus.batch(component, { read: fromSource, stored: keep.length, problems: batch.filter((e) => e.kind === 'problem').length, seconds: (performance.now() - batchStarted) / 1000, pending: gate.pending });
        }
        gate.acked(fromSource);
        derivedGate?.acked(batch.length - fromSource);
        options.onBatch?.(counts);
        options.onProgress?.(sourceRecords);
      }),
      defaultIfEmpty(undefined),
    ),
  ).catch(async (err: unknown) => {
    // What was read before the failure is good data: keep it (a resumed run writes it again
    // from the last checkpoint, which is idempotent).
    await sink.flush().catch(() => undefined);
    if (component) liveStatus.stageEnded(component, 'failed');
    throw err;
  });
  if (options.skipThrough != null && !passedSkipPoint) {
    if (component) liveStatus.stageEnded(component, 'failed');
    throw new ConveneError('CHECKPOINT_MISMATCH', `the record the last checkpoint names (${JSON.stringify(options.skipThrough.position)}) is no longer in the input`, {
      subject: options.checkpoint?.source ?? options.skipThrough.source,
    });
  }
  if (options.checkpoint) await sink.write([], checkpointOf(latestCursor ?? options.resumedFrom ?? null, sourceRecords, true));
  else await sink.flush();
  if (component) liveStatus.stageEnded(component, 'succeeded');
  return counts;
}
