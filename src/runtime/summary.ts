/**
 * The figures a person wants after a run: what was read, what was found, how coordination
 * went. Read from the database, so they describe its whole content.
 */
import type { Database } from '../sinks/duckdb/database.js';

export interface Summary {
  /** The newest run, and the components that did not succeed in it (their results are missing or degraded). */
  lastRun: { runId: string; status: string; degraded: Array<{ name: string; status: string; reason: string | null }> } | null;
  records: Record<string, number>;
  problems: number;
  meetings: { total: number; calendar: number; huddles: number; adhoc: number };
  messagesLinked: number;
  signals: number;
  medianTimeToScheduleMs: number | null;
  medianLeadTimeMs: number | null;
  busiestChannels: Array<{ channel: string; name: string; messages: number; meetings: number }>;
  meetingsPerDay: Array<{ day: string; calendar: number; slack: number }>;
  costByTeam: Array<{ team: string; minutes: number; meetings: number }>;
  timeToSchedule: Array<{ bucket: string; meetings: number }>;
  topMeetings: Array<{ id: string; title: string; start: string; kind: string; messages: number; cost: number }>;
}

const n = (v: unknown): number => Number(v ?? 0);

export async function summarize(db: Database): Promise<Summary> {
  const records: Record<string, number> = {};
  for (const t of ['messages', 'channels', 'people', 'calendar_events', 'drive_files']) {
    records[t] = n((await db.all(`SELECT count(*) AS n FROM ${t}`))[0]?.['n']);
  }
  const problems = n((await db.all('SELECT count(*) AS n FROM input_problems'))[0]?.['n']);
  const last = (await db.all(`SELECT run_id, status, json_extract(counts, '$.components') AS components FROM runs WHERE status <> 'running' ORDER BY started_at DESC LIMIT 1`))[0];
  const components = last?.['components'] ? (JSON.parse(String(last['components'])) as Array<{ name: string; status: string; reason: string | null }>) : [];
  const lastRun = last ? { runId: String(last['run_id']), status: String(last['status']), degraded: components.filter((c) => c.status !== 'succeeded') } : null;
  const m = (await db.all(
    `SELECT count(*) AS total, count(*) FILTER (source = 'calendar') AS calendar, count(*) FILTER (kind = 'huddle') AS huddles, count(*) FILTER (kind = 'adhoc') AS adhoc FROM meetings`,
  ))[0] ?? {};
  const linked = n((await db.all('SELECT count(*) AS n FROM message_links'))[0]?.['n']);
  const signals = n((await db.all('SELECT count(*) AS n FROM signals'))[0]?.['n']);
  const med = (await db.all('SELECT median(time_to_schedule_ms) AS tts, median(lead_time_ms) AS lead FROM meeting_metrics'))[0] ?? {};
  // DMs and group DMs are named after their members, channels after themselves.
  const busiest = await db.all(
    `WITH member_names AS (
       SELECT c.id, c.kind, string_agg(coalesce(nullif(p.display_name, ''), p.name, u.m), ', ' ORDER BY u.m) AS names
         FROM channels c, LATERAL (SELECT unnest(CAST(c.members AS VARCHAR[])) AS m) u
         LEFT JOIN people p ON p.key = 'slack:' || u.m
        WHERE c.kind IN ('im', 'mpim') GROUP BY c.id, c.kind)
     SELECT l.channel_id,
            coalesce(CASE mn.kind WHEN 'im' THEN 'DM ' || mn.names WHEN 'mpim' THEN 'group DM ' || mn.names END, '#' || c.name, l.channel_id) AS name,
            count(*) AS messages, count(DISTINCT l.meeting_id) AS meetings
       FROM message_links l LEFT JOIN channels c ON c.id = l.channel_id LEFT JOIN member_names mn ON mn.id = l.channel_id
      GROUP BY ALL ORDER BY messages DESC, l.channel_id LIMIT 5`,
  );
  const perDay = await db.all(
    `SELECT strftime(start_time, '%Y-%m-%d') AS day, count(*) FILTER (source = 'calendar') AS calendar, count(*) FILTER (source = 'slack') AS slack
       FROM meetings GROUP BY day ORDER BY day`,
  );
  // A meeting's team: the department of its organizer, or of its first participant, when known.
  const byTeam = await db.all(
    `WITH owner AS (
       SELECT m.id, coalesce(m.organizer, json_extract_string(m.participants, '$[0]')) AS who FROM meetings m),
     dept AS (
       SELECT o.id, min(p.department) AS team FROM owner o
         LEFT JOIN people p ON p.department IS NOT NULL AND (lower(p.email) = lower(o.who) OR p.slack_user_id = o.who OR p.external_id = o.who)
        GROUP BY o.id)
     SELECT coalesce(d.team, 'unknown') AS team, round(sum(x.coordination_cost_minutes), 1) AS minutes, count(*) AS meetings
       FROM meeting_metrics x JOIN dept d ON d.id = x.meeting_id GROUP BY ALL ORDER BY minutes DESC LIMIT 12`,
  );
  const tts = await db.all(
    `SELECT CASE WHEN time_to_schedule_ms < 3600000 THEN '< 1 h' WHEN time_to_schedule_ms < 14400000 THEN '1–4 h'
                 WHEN time_to_schedule_ms < 86400000 THEN '4–24 h' WHEN time_to_schedule_ms < 259200000 THEN '1–3 days' ELSE '> 3 days' END AS bucket,
            count(*) AS meetings, min(time_to_schedule_ms) AS o
       FROM meeting_metrics WHERE time_to_schedule_ms IS NOT NULL GROUP BY bucket ORDER BY o`,
  );
  const top = await db.all(
    `SELECT m.id, coalesce(m.title, '(untitled)') AS title, strftime(m.start_time, '%Y-%m-%d %H:%M') AS start, m.kind, x.messages, x.coordination_cost_minutes AS cost
       FROM meetings m JOIN meeting_metrics x ON x.meeting_id = m.id ORDER BY x.coordination_cost_minutes DESC, m.id LIMIT 25`,
  );
  return {
    lastRun,
    records,
    problems,
    meetings: { total: n(m['total']), calendar: n(m['calendar']), huddles: n(m['huddles']), adhoc: n(m['adhoc']) },
    messagesLinked: linked,
    signals,
    medianTimeToScheduleMs: med['tts'] === null || med['tts'] === undefined ? null : n(med['tts']),
    medianLeadTimeMs: med['lead'] === null || med['lead'] === undefined ? null : n(med['lead']),
    busiestChannels: busiest.map((r) => ({ channel: String(r['channel_id']), name: String(r['name']), messages: n(r['messages']), meetings: n(r['meetings']) })),
    meetingsPerDay: perDay.map((r) => ({ day: String(r['day']), calendar: n(r['calendar']), slack: n(r['slack']) })),
    costByTeam: byTeam.map((r) => ({ team: String(r['team']), minutes: n(r['minutes']), meetings: n(r['meetings']) })),
    timeToSchedule: tts.map((r) => ({ bucket: String(r['bucket']), meetings: n(r['meetings']) })),
    topMeetings: top.map((r) => ({ id: String(r['id']), title: String(r['title']), start: String(r['start']), kind: String(r['kind']), messages: n(r['messages']), cost: n(r['cost']) })),
  };
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return 'n/a';
  const minutes = Math.round(ms / 60000);
  if (Math.abs(minutes) < 120) return `${minutes} min`;
  const hours = ms / 3600000;
  if (Math.abs(hours) < 48) return `${hours.toFixed(1)} h`;
  return `${(hours / 24).toFixed(1)} days`;
}

export function formatSummary(s: Summary): string {
  const lines = [
    ...(s.lastRun && s.lastRun.degraded.length > 0
      ? [`last run ${s.lastRun.runId} ended ${s.lastRun.status}: ${s.lastRun.degraded.map((c) => `${c.name} ${c.status}`).join(', ')} — its results are incomplete`]
      : []),
    `records read      ${Object.entries(s.records).map(([k, v]) => `${v} ${k.replace('_', ' ')}`).join(', ')}`,
    `input problems    ${s.problems}${s.problems ? ' (see: convene query "SELECT * FROM input_problems")' : ''}`,
    `meetings found    ${s.meetings.total} (${s.meetings.calendar} on calendars, ${s.meetings.huddles} huddles, ${s.meetings.adhoc} ad hoc calls)`,
    `messages linked   ${s.messagesLinked} of ${s.signals} meeting-related messages`,
    `time to schedule  median ${formatDuration(s.medianTimeToScheduleMs)} (first proposal → first confirmation)`,
    `lead time         median ${formatDuration(s.medianLeadTimeMs)} (first scheduling message → meeting start)`,
    'busiest coordination channels:',
    ...s.busiestChannels.map((c) => `  ${c.name.padEnd(36)} ${String(c.messages).padStart(6)} messages about ${c.meetings} meetings`),
  ];
  return lines.join('\n');
}
