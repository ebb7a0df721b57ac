/**
 * Roll-ups of the per-meeting coordination metrics per person and per team, as SQL views over
 * `meetings` and `meeting_metrics` (docs/metrics.md defines every column). They are views, not
 * stored tables, so they always agree with the rows under them. Each statement creates or
 * replaces its view; a schema migration runs them for every database.
 */
export const ROLLUP_VIEWS: readonly string[] = [
  // One row per person on a meeting (a Slack user id, or an email when the person has no Slack account).
  `CREATE OR REPLACE VIEW person_meeting_metrics AS
   WITH attended AS (
     SELECT p.person, x.*
     FROM meetings m
     JOIN meeting_metrics x ON x.meeting_id = m.id,
     unnest(from_json(coalesce(m.participants, '[]'), '["VARCHAR"]')) AS p(person)
   ),
   sent AS (
     SELECT s.user_id AS person, count(*) AS messages_sent,
            count(*) FILTER (WHERE l.kind IN ('propose', 'confirm', 'decline', 'reschedule', 'cancel')) AS scheduling_messages_sent
     FROM message_links l JOIN signals s USING (channel_id, ts)
     WHERE s.user_id IS NOT NULL
     GROUP BY 1
   )
   SELECT a.person,
          count(*) AS meetings,
          sum(CASE WHEN a.cancelled THEN 1 ELSE 0 END) AS cancelled,
          sum(a.reschedules) AS reschedules,
          round(sum(a.attendee_hours / greatest(a.attendees, 1)), 2) AS meeting_hours,
          round(sum(a.attendee_cost / greatest(a.attendees, 1)), 2) AS meeting_cost,
          round(sum(a.coordination_cost_minutes / greatest(a.participants, 1)), 1) AS coordination_minutes,
          coalesce(any_value(sent.messages_sent), 0) AS messages_sent,
          coalesce(any_value(sent.scheduling_messages_sent), 0) AS scheduling_messages_sent,
          median(a.lead_time_ms) AS median_lead_time_ms,
          median(a.time_to_schedule_ms) AS median_time_to_schedule_ms
   FROM attended a LEFT JOIN sent USING (person)
   GROUP BY a.person`,
  // One row per team (directory department) taking part; a meeting of two teams counts for both.
  `CREATE OR REPLACE VIEW team_meeting_metrics AS
   SELECT t.team,
          count(*) AS meetings,
          count(*) FILTER (WHERE json_array_length(x.teams) > 1) AS cross_team_meetings,
          sum(CASE WHEN x.cancelled THEN 1 ELSE 0 END) AS cancelled,
          sum(x.scheduling_messages) AS scheduling_messages,
          sum(x.reschedules) AS reschedules,
          round(sum(x.attendee_hours), 2) AS attendee_hours,
          round(sum(x.attendee_cost), 2) AS attendee_cost,
          round(sum(x.coordination_cost_minutes), 1) AS coordination_cost_minutes,
          round(avg(x.after_hours_share), 3) AS mean_after_hours_share,
          median(x.lead_time_ms) AS median_lead_time_ms,
          median(x.time_to_schedule_ms) AS median_time_to_schedule_ms
   FROM meeting_metrics x,
   unnest(from_json(coalesce(x.teams, '[]'), '["VARCHAR"]')) AS t(team)
   GROUP BY t.team`,
];
