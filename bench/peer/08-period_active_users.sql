-- Peer of analytics.period_active_users: distinct users who started a
-- session in each whole ISO week and calendar month (local) that has ended by
-- {{through}}; no row for a period without one.
with user_periods as (
  select distinct g.granularity, date_trunc(g.granularity, s.started_at at time zone {{zone}})::date as period_start, s.user_id
  from (values ('week'), ('month')) g (granularity)
  join public.sessions s
    -- complete periods only: sessions before the start of the period
    -- that contains the day after {{through}}
    on s.started_at < date_trunc(g.granularity, ({{through}}::date + 1)::timestamp) at time zone {{zone}}
)
select p.granularity, p.period_start, count(*)::integer as active_users
from user_periods p
group by 1, 2
