-- Peer of analytics.weekly_retention: per signup-week cohort (ISO week of
-- users.created_at, local) and week offset, the cohort's users who started
-- a session in week cohort + offset, counting sessions on local days up to
-- {{through}}; no row for an empty cell.
with activity as (
  select distinct s.user_id, date_trunc('week', s.started_at at time zone {{zone}})::date as activity_week
  from public.sessions s
  where s.started_at < ({{through}}::date + 1)::timestamp at time zone {{zone}}
),
cohorts as (
  select u.id as user_id, date_trunc('week', u.created_at at time zone {{zone}})::date as cohort_week
  from public.users u
)
select c.cohort_week, ((a.activity_week - c.cohort_week) / 7)::integer as week_offset, count(*)::integer as retained
from activity a
join cohorts c on c.user_id = a.user_id
where a.activity_week >= c.cohort_week
group by 1, 2
