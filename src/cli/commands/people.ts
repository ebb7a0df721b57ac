/**
 * `convene people [--unmatched] [--db FILE] [--format table|json|csv]`: the identity mapping,
 * one row per person: their Slack user, directory entry, people.csv row and calendar email,
 * each with how it was matched (email, name, nickname, initials, people.csv) and the
 * confidence. `--unmatched` lists the identities that joined nobody else, and people who
 * have a directory entry but no Slack user (or the reverse), the ones to look at by hand.
 */
import { existsSync } from 'node:fs';
import { InputError } from '../../core/errors.js';
import { Database } from '../../sinks/duckdb/database.js';
import { formatRows } from '../output.js';

const PEOPLE_SQL = `
WITH ids AS (
  SELECT p.key, p.source, p.external_id, p.email, coalesce(p.name, p.display_name) AS name, p.slack_user_id, p.department,
         p.is_bot, i.person_id, i.confidence, i.reason
  FROM people p LEFT JOIN identities i USING (key)
)
SELECT person_id,
       any_value(name ORDER BY CASE source WHEN 'directory' THEN 0 WHEN 'people_csv' THEN 1 ELSE 2 END) AS name,
       any_value(email) FILTER (WHERE email IS NOT NULL) AS email,
       string_agg(DISTINCT external_id, ', ') FILTER (WHERE source = 'slack') AS slack_user,
       bool_or(source = 'directory') AS in_directory,
       bool_or(source = 'people_csv') AS in_people_csv,
       any_value(department) FILTER (WHERE department IS NOT NULL) AS department,
       string_agg(DISTINCT source || ':' || reason, ', ') AS matched_by,
       round(min(confidence), 2) AS confidence,
       count(*) AS identities
FROM ids WHERE NOT is_bot
GROUP BY person_id`;

export async function runPeople(opts: { db: string; unmatched?: boolean; format: 'table' | 'json' | 'csv' }): Promise<number> {
  if (!existsSync(opts.db)) throw new InputError('INPUT_NOT_FOUND', opts.db, 'no database here; run `convene replay` first or pass --db');
  const db = await Database.open(opts.db, { readOnly: true });
  try {
    const where = opts.unmatched
      ? `WHERE matched_by LIKE '%unmatched%' OR identities = 1 OR slack_user IS NULL OR NOT in_directory`
      : '';
    const { columns, rows } = await db.table(`SELECT * FROM (${PEOPLE_SQL}) ${where} ORDER BY confidence, name, person_id`);
    process.stdout.write(formatRows(columns, rows, opts.format) + '\n');
    return 0;
  } finally {
    db.close();
  }
}
