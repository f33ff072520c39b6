-- analytics.session_metrics({{from}}, {{to}}, {{granularity}}) over the
-- peer's views: per day / ISO week / month bucket covering the range,
-- zero-filled, sums from daily_scenario_activity and daily_signups; active
-- users from daily_active_users (days), period_active_users (whole stored
-- weeks and months) or distinct users of daily_user_activity (a period not
-- wholly stored). Like the package, rates and means come from sums.
with spans as (
  select b::date as bucket,
         (b + ('1 ' || {{granularity}})::interval - interval '1 day')::date as last_day,
         (b + ('1 ' || {{granularity}})::interval)::date <= (now() at time zone {{zone}})::date as complete
  from generate_series(date_trunc({{granularity}}, {{from}}::date::timestamp), date_trunc({{granularity}}, {{to}}::date::timestamp),
                       ('1 ' || {{granularity}})::interval) b
),
activity as (
  select date_trunc({{granularity}}, a.day::timestamp)::date as bucket,
         sum(a.sessions_started) as started, sum(a.sessions_completed) as completed,
         sum(a.sessions_finished) as finished, sum(a.practice_seconds) as seconds,
         sum(a.scored_sessions) as scored, sum(a.score_sum) as score_sum
  from bench_peer.daily_scenario_activity a
  where a.day between (select min(s.bucket) from spans s) and (select max(s.last_day) from spans s)
  group by 1
),
signups as (
  select date_trunc({{granularity}}, n.day::timestamp)::date as bucket, sum(n.new_users) as new_users
  from bench_peer.daily_signups n
  where n.day between (select min(s.bucket) from spans s) and (select max(s.last_day) from spans s)
  group by 1
),
active as (
  select d.day as bucket, d.dau::bigint as users
  from bench_peer.daily_active_users d
  where {{granularity}} = 'day'
    and d.day between (select min(s.bucket) from spans s) and (select max(s.last_day) from spans s)
  union all
  select p.period_start, p.active_users::bigint
  from bench_peer.period_active_users p
  join spans s on s.bucket = p.period_start
  where p.granularity = {{granularity}}
  union all
  select s.bucket, count(distinct u.user_id)
  from spans s
  join bench_peer.daily_user_activity u on u.day between s.bucket and s.last_day
  where {{granularity}} <> 'day' and s.last_day > {{through}}::date
  group by s.bucket
)
select s.bucket,
       coalesce(a.started, 0)::bigint as sessions_started,
       coalesce(a.completed, 0)::bigint as sessions_completed,
       round(a.completed::numeric / nullif(a.finished, 0), 4) as completion_rate,
       round(a.score_sum / nullif(a.scored, 0), 2) as average_score,
       round(coalesce(a.seconds, 0) / 60.0, 2) as practice_minutes,
       coalesce(u.users, 0)::bigint as active_users,
       coalesce(n.new_users, 0)::bigint as new_users,
       s.complete
from spans s
left join activity a using (bucket)
left join signups n using (bucket)
left join active u using (bucket)
order by s.bucket
