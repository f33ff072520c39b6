create or replace view analytics_report.retention_weekly as
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
comment on column analytics_report.retention_weekly.cohort_week is
  'Monday of the ISO week (local) in which the cohort''s users were created.';
comment on column analytics_report.retention_weekly.week_offset is
  'Weeks after the cohort week (0 = the signup week itself).';
comment on column analytics_report.retention_weekly.activity_week is
  'Monday of the week the row counts activity in: cohort_week + 7 * week_offset.';
comment on column analytics_report.retention_weekly.cohort_size is
  'Users created in the cohort week, deleted ones included (count): rate''s denominator.';
comment on column analytics_report.retention_weekly.retained is
  'Cohort users who started a session in activity_week (count): rate''s numerator.';
comment on column analytics_report.retention_weekly.rate is
  'retained / cohort_size (0-1, 4 decimals).';
grant select on analytics_report.retention_weekly to analytics_reader;
