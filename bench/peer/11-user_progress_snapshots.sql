-- Peer of analytics.user_progress_snapshots: one row per user per local day
-- (up to {{through}}) on which the user started a session, cumulative as of
-- the end of that day: running sums over the user's days, from the raw
-- sessions and their feedback reports.
with days as (
  select s.user_id,
         (s.started_at at time zone {{zone}})::date as day,
         count(*) filter (where s.completion_status = 'completed') as completed,
         count(f.score_raw) filter (where s.completion_status = 'completed') as scored,
         coalesce(sum(f.score_raw) filter (where s.completion_status = 'completed'), 0) as score_sum,
         coalesce(sum(s.duration_seconds), 0) as practice_seconds,
         max(greatest(s.started_at, s.ended_at)) as last_active_at
  from public.sessions s
  left join public.feedback_reports f on f.session_id = s.id
  where s.started_at < ({{through}}::date + 1)::timestamp at time zone {{zone}}
  group by 1, 2
),
cumulative as (
  select d.user_id, d.day,
         sum(d.completed) over w as completed,
         sum(d.scored) over w as scored,
         sum(d.score_sum) over w as score_sum,
         sum(d.practice_seconds) over w as practice_seconds,
         max(d.last_active_at) over w as last_active
  from days d
  window w as (partition by d.user_id order by d.day)
)
select c.user_id,
       c.day as snapshot_date,
       c.completed::integer as sessions_completed,
       c.score_sum / nullif(c.scored, 0) as average_score,
       round(c.practice_seconds / 60.0)::integer as total_practice_time,
       c.last_active,
       c.scored::integer as scored_sessions,
       c.score_sum,
       c.practice_seconds::bigint as practice_seconds
from cumulative c
