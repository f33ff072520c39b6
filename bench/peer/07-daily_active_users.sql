-- Peer of analytics.daily_active_users: distinct users active on d (dau),
-- d-6 .. d (wau) and d-29 .. d (mau) for every local day up to {{through}}
-- with mau > 0, from the raw sessions. The technique of
-- analytics.compute_daily_active_users, rather than spreading every
-- user-day over 30 windows: each (user, active day a) covers a .. a+6 and
-- a .. a+29, cut short where the user's next active day takes over, so a
-- user covers each day at most once, and a running sum of the covers that
-- start minus those that end counts distinct users per day in one pass.
-- Counted per day first (three small aggregates) rather than as four
-- +1/-1 rows per user-day: a third of the time.
with covers as (
  select (s.started_at at time zone {{zone}})::date as day,
         lead((s.started_at at time zone {{zone}})::date)
           over (partition by s.user_id order by (s.started_at at time zone {{zone}})::date) as next_day
  from public.sessions s
  where s.started_at < ({{through}}::date + 1)::timestamp at time zone {{zone}}
  group by s.user_id, 1
),
changes as (
  select c.day, count(*) as started, 0 as wau_ended, 0 as mau_ended from covers c group by c.day
  union all
  select least(c.day + 7, c.next_day), 0, count(*), 0 from covers c group by 1
  union all
  select least(c.day + 30, c.next_day), 0, 0, count(*) from covers c group by 1
),
per_day as (
  select ch.day, sum(ch.started) as started, sum(ch.wau_ended) as wau_ended, sum(ch.mau_ended) as mau_ended
  from changes ch
  group by ch.day
),
running as (
  select d::date as day,
         coalesce(p.started, 0) as dau,
         sum(coalesce(p.started, 0) - coalesce(p.wau_ended, 0)) over w as wau,
         sum(coalesce(p.started, 0) - coalesce(p.mau_ended, 0)) over w as mau
  from generate_series((select min(c.day) from covers c)::timestamp, {{through}}::date::timestamp, interval '1 day') d
  left join per_day p on p.day = d::date
  window w as (order by d)
)
select r.day, r.dau::integer as dau, r.wau::integer as wau, r.mau::integer as mau
from running r
where r.mau > 0   -- like the rollup, no row where there is nothing to count
