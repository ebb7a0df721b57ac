/**
 * Checkpoints: how far each source of a job is durable. Rows are appended, never updated, each
 * with a checksum over its content; reading takes the newest row per source whose checksum
 * holds, so a damaged row falls back to the previous good one.
 */
import { createHash } from 'node:crypto';
import type { Checkpoint } from '../../core/component.js';
import type { Database } from './database.js';

export const CHECKPOINT_DDL = `CREATE TABLE IF NOT EXISTS checkpoints (
  scope VARCHAR NOT NULL, source VARCHAR NOT NULL, seq BIGINT NOT NULL, run_id VARCHAR NOT NULL,
  cursor JSON, records BIGINT NOT NULL, complete BOOLEAN NOT NULL, checksum VARCHAR NOT NULL,
  committed_at TIMESTAMPTZ NOT NULL DEFAULT current_timestamp, PRIMARY KEY (scope, source, seq))`;

export function checkpointChecksum(c: Checkpoint): string {
  return createHash('sha256').update(JSON.stringify([c.scope, c.source, c.cursor, c.records, c.complete])).digest('hex').slice(0, 32);
}

/** Appends a checkpoint row; called by the sink inside the transaction of the batch it covers. */
export async function saveCheckpoint(db: Database, c: Checkpoint, runId: string): Promise<void> {
  await db.run(
    `INSERT INTO checkpoints (scope, source, seq, run_id, cursor, records, complete, checksum)
     SELECT ?, ?, coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ? FROM checkpoints WHERE scope = ? AND source = ?`,
    [c.scope, c.source, runId, JSON.stringify(c.cursor), c.records, c.complete, checkpointChecksum(c), c.scope, c.source],
  );
}

export interface LoadedCheckpoints {
  bySource: Map<string, Checkpoint>;
  /** Rows whose checksum did not hold (skipped for an older good one). */
  damaged: number;
}

/** The newest good checkpoint of every source of a scope. */
export async function loadCheckpoints(db: Database, scope: string): Promise<LoadedCheckpoints> {
  const rows = await db.all('SELECT source, seq, cursor, records, complete, checksum FROM checkpoints WHERE scope = ? ORDER BY source, seq DESC', [scope]);
  const bySource = new Map<string, Checkpoint>();
  let damaged = 0;
  for (const r of rows) {
    const source = String(r['source']);
    if (bySource.has(source)) continue;
    let cursor: Checkpoint['cursor'] = null;
    try {
      cursor = JSON.parse(String(r['cursor'])) as Checkpoint['cursor'];
    } catch {
      damaged++;
      continue;
    }
    const c: Checkpoint = { scope, source, cursor, records: Number(r['records']), complete: Boolean(r['complete']) };
    if (checkpointChecksum(c) !== String(r['checksum'])) {
      damaged++;
      continue;
    }
    bySource.set(source, c);
  }
  return { bySource, damaged };
}

export async function clearCheckpoints(db: Database, scope: string): Promise<void> {
  await db.run('DELETE FROM checkpoints WHERE scope = ?', [scope]);
}
