/** Reads a truth file and a convene database and scores one against the other. */
import { readFileSync } from 'node:fs';
import { ConveneError, InputError } from '../core/errors.js';
import type { Database } from '../sinks/duckdb/database.js';
import { scoreAgainstTruth, Truth, type EvalFigures } from './eval.logic.js';

export function readTruth(path: string): Truth {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new InputError('INPUT_NOT_FOUND', path, 'no truth file here');
    throw new InputError('INPUT_MALFORMED_JSON', path, `not valid JSON: ${(err as Error).message}`, err);
  }
  const parsed = Truth.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConveneError('TRUTH_INVALID', `${issue?.path.join('.') || '(root)'}: ${issue?.message}`, { subject: path });
  }
  return parsed.data;
}

export async function evaluate(db: Database, truth: Truth): Promise<EvalFigures> {
  const related = new Map<string, string>();
  for (const r of await db.all('SELECT channel_id, ts, kind FROM signals')) related.set(`${r['channel_id']}:${r['ts']}`, String(r['kind']));
  const calendarLinks = new Map<string, string>();
  for (const r of await db.all(
    'SELECT l.channel_id, l.ts, m.calendar_event_id FROM message_links l JOIN meetings m ON m.id = l.meeting_id WHERE m.calendar_event_id IS NOT NULL',
  )) {
    calendarLinks.set(`${r['channel_id']}:${r['ts']}`, String(r['calendar_event_id']));
  }
  const slackOnly = (await db.all(`SELECT channel_id, epoch_ms(start_time) AS start FROM meetings WHERE source = 'slack'`)).map((r) => ({
    channel: r['channel_id'] === null ? null : String(r['channel_id']),
    start: Number(r['start']),
  }));
  return scoreAgainstTruth(truth, { related, calendarLinks, slackOnly });
}
