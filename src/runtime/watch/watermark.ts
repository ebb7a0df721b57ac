/**
 * The watch watermark: the newest message time seen, minus the allowed lateness. It never goes
 * back. A meeting whose end and last linked message are behind it is final (the
 * `meeting_finality` view); a message that arrives with a time behind the previous watermark is
 * late, and the meetings it is linked to are re-derived (every tick derives again from all
 * stored messages) and reported.
 */
import type { Database } from '../../sinks/duckdb/database.js';

export interface WatermarkReport {
  /** Milliseconds since the epoch; null while no message is stored. */
  watermark: number | null;
  previous: number | null;
  /** Messages this run stored for the first time with a time behind the previous watermark. */
  lateMessages: number;
  /** Meetings those late messages are linked to: derived again by this run with them. */
  touchedMeetings: string[];
  /** Meetings whose metrics are final now. */
  finalMeetings: number;
}

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : v === null || v === undefined ? null : Number(v));

/** Moves the watermark after run `runId` and records it in `runs.watermark`. */
export async function advanceWatermark(db: Database, runId: string, allowedLatenessMs: number): Promise<WatermarkReport> {
  const prevRow = await db.all(`SELECT max(watermark) AS w FROM runs WHERE run_id <> ? AND status <> 'rolled_back'`, [runId]);
  const previous = ms(prevRow[0]?.['w']);
  const newest = ms((await db.all('SELECT max(time) AS t FROM messages'))[0]?.['t']);
  const candidate = newest === null ? null : newest - allowedLatenessMs;
  const watermark = candidate === null ? previous : previous === null ? candidate : Math.max(previous, candidate);

  let lateMessages = 0;
  let touchedMeetings: string[] = [];
  if (previous !== null) {
    // New rows only: a message this run wrote that replaced nothing (history.ts keeps what a run replaced).
    const late = `SELECT m.channel_id, m.ts FROM messages m
       WHERE m.run_id = ? AND m.time < ?::TIMESTAMPTZ
         AND NOT EXISTS (SELECT 1 FROM history_messages h WHERE h.replaced_by = ? AND h.channel_id = m.channel_id AND h.ts = m.ts)`;
    const at = new Date(previous).toISOString();
    lateMessages = Number((await db.all(`SELECT count(*) AS n FROM (${late})`, [runId, at, runId]))[0]?.['n'] ?? 0);
    if (lateMessages > 0) {
      const rows = await db.all(`SELECT DISTINCT l.meeting_id FROM message_links l JOIN (${late}) x ON x.channel_id = l.channel_id AND x.ts = l.ts ORDER BY 1`, [runId, at, runId]);
      touchedMeetings = rows.map((r) => String(r['meeting_id']));
    }
  }
  if (watermark !== null) await db.run('UPDATE runs SET watermark = ?::TIMESTAMPTZ WHERE run_id = ?', [new Date(watermark).toISOString(), runId]);
  const finalMeetings = Number((await db.all('SELECT count(*) FILTER (final) AS n FROM meeting_finality'))[0]?.['n'] ?? 0);
  return { watermark, previous, lateMessages, touchedMeetings, finalMeetings };
}
