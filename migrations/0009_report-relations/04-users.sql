-- Per-learner reports and signup cohorts. User ids only: no personal data.

create view analytics_report.user_daily as
select u.day, u.user_id,
       u.sessions_started, u.sessions_completed, u.sessions_finished,
       round(u.sessions_completed::numeric / nullif(u.sessions_finished, 0), 4) as completion_rate,
       u.scored_sessions, u.score_sum,
       round(u.score_sum / nullif(u.scored_sessions, 0), 2) as average_score,
       u.practice_seconds,
       round(u.practice_seconds / 60.0, 2) as practice_minutes,
       u.last_active_at
from analytics.daily_user_activity u;
comment on view analytics_report.user_daily is
  'One learner''s session metrics per local day on which they started a session (no row: no session). Mirrors analytics.user_activity_metrics(user_id, day, day).';

-- Each platform user's latest snapshot by one backward probe of the
-- snapshots' (user_id, snapshot_date) key: every user costs a few pages
-- instead of reading every snapshot, and a filter on user_id reaches the
-- users' primary key. Only users.id is read from the platform table.
create view analytics_report.user_progress as
select u.id as user_id, s.snapshot_date as as_of, s.sessions_completed, s.scored_sessions, s.score_sum,
       round(s.score_sum / nullif(s.scored_sessions, 0), 2) as average_score,
       s.practice_seconds, s.total_practice_time, s.last_active
from public.users u
cross join lateral (
  select * from analytics.user_progress_snapshots p
  where p.user_id = u.id
  order by p.snapshot_date desc
  limit 1
) s;
comment on view analytics_report.user_progress is
  'Spec 1.1 user progress: each learner''s latest stored snapshot (analytics.user_progress_snapshots), cumulative over every stored day up to as_of, the last day they started a session.';

create view analytics_report.retention_weekly as
with cohorts as (
  select p.period_start as cohort_week, n.cohort_size
  from analytics.report_periods p
  cross join lateral (
    select sum(g.new_users)::bigint as cohort_size from analytics.daily_signups g
    where g.day between p.period_start and p.period_end
  ) n
  where p.granularity = 'week' and n.cohort_size > 0
)
select c.cohort_week, k.week_offset, c.cohort_week + 7 * k.week_offset as activity_week,
       c.cohort_size,
       coalesce(r.retained, 0)::bigint as retained,
       round(coalesce(r.retained, 0)::numeric / c.cohort_size, 4) as rate
from cohorts c
-- every finished week from the cohort's own on (a stored cell without a row
-- retained nobody)
cross join lateral pg_catalog.generate_series(
  0, ((select max(p.period_start) from analytics.report_periods p where p.granularity = 'week') - c.cohort_week) / 7) k(week_offset)
left join analytics.weekly_retention r on r.cohort_week = c.cohort_week and r.week_offset = k.week_offset;
comment on view analytics_report.retention_weekly is
  'Signup-week cohorts: for each finished ISO week with signups and each finished week after it, how many of the cohort started a session that week. Mirrors analytics.retention().';
