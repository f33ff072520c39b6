-- analytics.retention({{from}}, {{to}}) over the peer's views: signup-week
-- cohorts of the ISO weeks containing the range, every offset up to the
-- week of {{to}}, zero-filled, rate = retained / cohort size. The package
-- computes cells of weeks with days not stored yet live from the sessions;
-- here they come from the view, which counts sessions up to {{through}}:
-- the same numbers while no session starts after it (the bench's data).
with weeks as (
  select date_trunc('week', {{from}}::date::timestamp)::date as first_week,
         date_trunc('week', {{to}}::date::timestamp)::date as last_week
),
cohorts as (
  select date_trunc('week', n.day::timestamp)::date as cohort, sum(n.new_users)::bigint as size
  from bench_peer.daily_signups n, weeks w
  where n.day between w.first_week and w.last_week + 6
  group by 1
),
cells as (
  select c.cohort, c.size, k as week_offset
  from cohorts c, weeks w, generate_series(0, (w.last_week - c.cohort) / 7) k
)
select c.cohort, c.size as cohort_size, c.week_offset,
       coalesce(r.retained, 0)::bigint as retained,
       round(coalesce(r.retained, 0)::numeric / nullif(c.size, 0), 4) as rate
from cells c
left join bench_peer.weekly_retention r on r.cohort_week = c.cohort and r.week_offset = c.week_offset
order by 1, 3
