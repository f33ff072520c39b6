create or replace function analytics.session_metrics(p_from date, p_to date, p_granularity text default 'day')
returns table (
  bucket date, sessions_started bigint, sessions_completed bigint, completion_rate numeric,
  average_score numeric, practice_minutes numeric, active_users bigint, new_users bigint, complete boolean
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_first date;
  v_last date;
  v_live date[];
  -- first day of the first week/month not wholly stored (periods are stored
  -- once they end; a stored period without a row had no active user)
  v_unstored_from date;
begin
  select min(b.first_day), max(b.last_day),
         coalesce(min(b.first_day) filter (where b.last_day > coalesce(v_through, '-infinity')), max(b.last_day) + 1)
  into v_first, v_last, v_unstored_from
  from analytics.bucket_span(p_from, p_to, p_granularity) b;
  v_live := analytics.live_days(v_first, v_last);
  return query
  with spans as (select * from analytics.bucket_span(p_from, p_to, p_granularity)),
  activity as (
    -- summed per day first (by the stored column), then per bucket: the
    -- bucket's date_trunc() then runs once a day, not once a scenario-day
    -- (a year of weeks: 37 -> 17 ms)
    select date_trunc(p_granularity, a.day::timestamp)::date as bucket,
           sum(a.started) as started, sum(a.completed) as completed, sum(a.finished) as finished,
           sum(a.seconds) as seconds, sum(a.scored) as scored, sum(a.score_sum) as score_sum
    from (select a.day, sum(a.sessions_started) as started, sum(a.sessions_completed) as completed,
                 sum(a.sessions_finished) as finished, sum(a.practice_seconds) as seconds,
                 sum(a.scored_sessions) as scored, sum(a.score_sum) as score_sum
          from analytics.daily_scenario_activity a
          where a.day between v_first and least(v_last, v_through)
          group by a.day
          union all
          select a.day, a.sessions_started, a.sessions_completed, a.sessions_finished, a.practice_seconds, a.scored_sessions, a.score_sum
          from analytics.compute_daily_scenario_activity(v_live) a
          where cardinality(v_live) > 0) a
    group by 1
  ),
  signups as (
    select date_trunc(p_granularity, n.day::timestamp)::date as bucket, sum(n.new_users) as new_users
    from (select n.day, n.new_users from analytics.daily_signups n where n.day between v_first and least(v_last, v_through)
          union all
          select n.day, n.new_users from analytics.compute_daily_signups(v_live) n where cardinality(v_live) > 0) n
    group by 1
  ),
  active as (
    -- days: the stored (or live) dau; weeks and months: the stored distinct
    -- count of a whole period, else distinct users over the period's days
    select d.day as bucket, d.dau::bigint as users
    from (select d.day, d.dau from analytics.daily_active_users d where d.day between v_first and least(v_last, v_through)
          union all
          select d.day, d.dau from analytics.compute_daily_active_users(v_live) d where cardinality(v_live) > 0) d
    where p_granularity = 'day'
    union all
    select p.period_start, p.active_users::bigint
    from analytics.period_active_users p
    where p_granularity <> 'day' and p.granularity = p_granularity and p.period_start between v_first and v_unstored_from - 1
    union all
    select date_trunc(p_granularity, u.day::timestamp)::date, count(distinct u.user_id)
    from (select u.day, u.user_id from analytics.daily_user_activity u where u.day between v_unstored_from and least(v_last, v_through)
          union all
          select u.day, u.user_id from analytics.compute_daily_user_activity(v_live) u
          where cardinality(v_live) > 0 and u.day >= v_unstored_from) u
    where p_granularity <> 'day'
    group by 1
  )
  select s.bucket,
         coalesce(a.started, 0)::bigint,
         coalesce(a.completed, 0)::bigint,
         round(a.completed::numeric / nullif(a.finished, 0), 4),
         round(a.score_sum / nullif(a.scored, 0), 2),
         round(coalesce(a.seconds, 0) / 60.0, 2),
         coalesce(u.users, 0)::bigint,
         coalesce(n.new_users, 0)::bigint,
         s.complete
  from spans s
  left join activity a using (bucket)
  left join signups n using (bucket)
  left join active u using (bucket)
  order by s.bucket;
end
$$;
comment on function analytics.session_metrics(p_from date, p_to date, p_granularity text) is
  'Platform session metrics per bucket (day, week or month) covering p_from .. p_to, zero-filled: sessions started / completed (counts), completion_rate (completed / not in_progress, 0-1, null when none), average_score (mean score_raw of completed scored sessions, 0-500, null when none), practice_minutes (sum of durations), active_users (distinct over the whole bucket), new_users, complete (bucket is over).';
revoke execute on function analytics.session_metrics(p_from date, p_to date, p_granularity text) from public;
grant execute on function analytics.session_metrics(p_from date, p_to date, p_granularity text) to analytics_reader;
