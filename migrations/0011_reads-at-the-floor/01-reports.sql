-- Reads at the floor (migration 0011, issue 14): the report functions read
-- their stored rows straight from the rollup tables, the way a query over a
-- materialized view would, and compute days that are not stored yet (today)
-- only when the range reaches them. Same columns, same rows as the bodies of
-- migrations 0002 and 0007 (sql/core/05-reports.sql), which the exactness
-- and property tests compare against the platform tables.
--
-- What the old bodies paid on every call, measured on one year at half scale
-- (2.5M sessions; session_metrics by day took 80 ms, retention 54 ms):
-- - daily_rows() returned the stored rows through a dynamic query and a
--   tuplestore that the planner sized at 1,000 rows, so 48,519 scenario-days
--   were copied, sorted (spilling to disk at the default work_mem) and
--   merge-joined to the buckets before being summed;
-- - the compute_*() of the live days ran even with no live day: 8 ms for
--   daily_signups (a scan of every user), 38 ms for weekly retention;
-- - bucket_span() called reporting_timezone() once per bucket (1.8 ms for a
--   year of days), and session_metrics called it three times;
-- - the last stored day, read as a subquery on settings, was unknown to the
--   planner, which then expected 1,000 rows of a year and chose plans for
--   them (no parallel scan for 200,000 duration rows).
--
-- Pattern of every read below, in PL/pgSQL: materialized_through and the
-- live days are read into variables first; the stored days of the range come
-- from the table (day between first and least(last, v_through)), union all
-- the live ones from compute_<rollup>(v_live) under "cardinality(v_live) >
-- 0". plan_cache_mode = force_custom_plan plans each call with those values
-- as constants (as a query over a materialized view is planned): without
-- live days the computation is folded away, and the row estimates of a
-- range are the table's own. Planning costs well under a millisecond here.
-- Both branches name their columns: with "select *" on one side and a
-- function's row type on the other, the union is not flattened, and every
-- stored row passes through an extra projection (14 of 42 ms for a year of
-- duration bins).
--
-- "Today" is analytics.local_today() everywhere, as in the refresh: the
-- session setting analytics.clock moves the reports' today with it.

create or replace function analytics.live_days(p_from date, p_to date)
returns date[]
language sql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
  select coalesce(array_agg(d::date order by d), '{}')
  from analytics.settings s,
       generate_series(greatest(p_from, coalesce(s.materialized_through + 1, p_from)),
                       least(p_to, analytics.local_today()),
                       interval '1 day') d
$$;
comment on function analytics.live_days(date, date) is 'Local days of p_from .. p_to that are not stored yet (after materialized_through, up to local_today()): read live.';

create or replace function analytics.bucket_span(p_from date, p_to date, p_granularity text)
returns table (bucket date, first_day date, last_day date, complete boolean)
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_step interval;
  v_today date;
begin
  if p_granularity is null or p_granularity not in ('day', 'week', 'month') then
    raise exception 'granularity "%": expected day, week or month', p_granularity using errcode = 'invalid_parameter_value';
  end if;
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'date range % .. %: expected two dates with from <= to', p_from, p_to using errcode = 'invalid_parameter_value';
  end if;
  v_step := ('1 ' || p_granularity)::interval;
  v_today := analytics.local_today();
  return query
  select b::date, b::date, (b + v_step - interval '1 day')::date, (b + v_step)::date <= v_today
  from generate_series(date_trunc(p_granularity, p_from::timestamp), date_trunc(p_granularity, p_to::timestamp), v_step) b;
end
$$;
comment on function analytics.bucket_span(date, date, text) is
  'The day / ISO week / month buckets covering p_from .. p_to: first and last local day of each, and whether it is over (complete: it ended before local_today()).';

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

create or replace function analytics.user_activity_metrics(p_user_id uuid, p_from date, p_to date, p_granularity text default 'day')
returns table (
  bucket date, sessions_started bigint, sessions_completed bigint, completion_rate numeric,
  average_score numeric, practice_minutes numeric, complete boolean
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
begin
  select min(b.first_day), max(b.last_day) into v_first, v_last from analytics.bucket_span(p_from, p_to, p_granularity) b;
  v_live := analytics.live_days(v_first, v_last);
  return query
  with activity as (
    select date_trunc(p_granularity, d.day::timestamp)::date as bucket,
           sum(d.sessions_started) as started, sum(d.sessions_completed) as completed,
           sum(d.sessions_finished) as finished, sum(d.practice_seconds) as seconds,
           sum(d.scored_sessions) as scored, sum(d.score_sum) as score_sum
    from (select d.day, d.sessions_started, d.sessions_completed, d.sessions_finished, d.practice_seconds, d.scored_sessions, d.score_sum
          from analytics.daily_user_activity d
          where d.user_id = p_user_id and d.day between v_first and least(v_last, v_through)
          union all
          select d.day, d.sessions_started, d.sessions_completed, d.sessions_finished, d.practice_seconds, d.scored_sessions, d.score_sum
          from analytics.compute_daily_user_activity(v_live) d
          where cardinality(v_live) > 0 and d.user_id = p_user_id) d
    group by 1
  )
  select s.bucket, coalesce(a.started, 0)::bigint, coalesce(a.completed, 0)::bigint,
         round(a.completed::numeric / nullif(a.finished, 0), 4),
         round(a.score_sum / nullif(a.scored, 0), 2),
         round(coalesce(a.seconds, 0) / 60.0, 2),
         s.complete
  from analytics.bucket_span(p_from, p_to, p_granularity) s left join activity a using (bucket)
  order by s.bucket;
end
$$;

create or replace function analytics.strength_areas(p_from date, p_to date, p_user_id uuid default null)
returns table (criterion text, average_score numeric, reports bigint)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_live date[] := analytics.live_days(p_from, p_to);
begin
  if p_user_id is null then
    return query
    select c.criterion, round(sum(c.score_sum) / sum(c.reports), 3), sum(c.reports)::bigint
    from (select c.criterion, c.score_sum, c.reports from analytics.daily_criteria_scores c
          where c.day between p_from and least(p_to, v_through)
          union all
          select c.criterion, c.score_sum, c.reports from analytics.compute_daily_criteria_scores(v_live) c
          where cardinality(v_live) > 0) c
    group by c.criterion
    order by c.criterion;
  else
    -- One user's reports are few and indexed by user: read them directly
    -- rather than keep a per-user, per-criterion rollup nine times the size
    -- of daily_user_activity for a report read one user at a time.
    return query
    select e.key, round(avg(e.value::numeric), 3), count(*)::bigint
    from public.sessions s
    join public.feedback_reports f on f.session_id = s.id,
         jsonb_each(f.criteria_scores) e
    where s.user_id = p_user_id
      and s.started_at >= p_from::timestamp at time zone analytics.reporting_timezone()
      and s.started_at < (p_to + 1)::timestamp at time zone analytics.reporting_timezone()
      and jsonb_typeof(e.value) = 'number'
    group by e.key
    order by e.key;
  end if;
end
$$;

create or replace function analytics.scenario_performance(p_from date, p_to date)
returns table (
  scenario_id uuid, title text, difficulty_level text, usage_count bigint, sessions_completed bigint,
  completion_rate numeric, average_score numeric, average_completion_time numeric
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_live date[] := analytics.live_days(p_from, p_to);
begin
  return query
  select a.scenario_id, sc.title, sc.difficulty_level,
         sum(a.sessions_started)::bigint,
         sum(a.sessions_completed)::bigint,
         round(sum(a.sessions_completed)::numeric / nullif(sum(a.sessions_finished), 0), 4),
         round(sum(a.score_sum) / nullif(sum(a.scored_sessions), 0), 2),
         round(sum(a.completed_seconds)::numeric / nullif(sum(a.completed_timed_sessions), 0), 1)
  from (select a.scenario_id, a.sessions_started, a.sessions_completed, a.sessions_finished, a.score_sum, a.scored_sessions,
               a.completed_seconds, a.completed_timed_sessions
        from analytics.daily_scenario_activity a where a.day between p_from and least(p_to, v_through)
        union all
        select a.scenario_id, a.sessions_started, a.sessions_completed, a.sessions_finished, a.score_sum, a.scored_sessions,
               a.completed_seconds, a.completed_timed_sessions
        from analytics.compute_daily_scenario_activity(v_live) a where cardinality(v_live) > 0) a
  left join public.scenarios sc on sc.id = a.scenario_id
  group by a.scenario_id, sc.title, sc.difficulty_level
  order by 4 desc, 1;
end
$$;

create or replace function analytics.time_distribution(p_from date, p_to date, p_scenario_id uuid default null)
returns table (from_minutes integer, to_minutes integer, sessions bigint)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_live date[] := analytics.live_days(p_from, p_to);
begin
  return query
  select d.bin_start_minutes, d.bin_start_minutes + 5, sum(d.sessions)::bigint
  from (select d.scenario_id, d.bin_start_minutes, d.sessions
        from analytics.daily_session_durations d where d.day between p_from and least(p_to, v_through)
        union all
        select d.scenario_id, d.bin_start_minutes, d.sessions
        from analytics.compute_daily_session_durations(v_live) d where cardinality(v_live) > 0) d
  where p_scenario_id is null or d.scenario_id = p_scenario_id
  group by d.bin_start_minutes
  order by 1;
end
$$;

create or replace function analytics.usage_patterns(p_from date, p_to date)
returns table (weekday integer, hour integer, sessions bigint)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_live date[] := analytics.live_days(p_from, p_to);
begin
  return query
  with cells as (
    -- summed per cell first: 24 rows a day become 168 before the grid join
    select extract(isodow from x.day)::integer as weekday, x.hour::integer as hour, sum(x.sessions_started) as sessions
    from (select x.day, x.hour, x.sessions_started from analytics.hourly_sessions x where x.day between p_from and least(p_to, v_through)
          union all
          select x.day, x.hour, x.sessions_started from analytics.compute_hourly_sessions(v_live) x where cardinality(v_live) > 0) x
    group by 1, 2
  )
  select w, h, coalesce(c.sessions, 0)::bigint
  from generate_series(1, 7) w
  cross join generate_series(0, 23) h
  left join cells c on c.weekday = w and c.hour = h
  order by w, h;
end
$$;

create or replace function analytics.active_users(p_from date, p_to date)
returns table (day date, dau integer, wau integer, mau integer, stickiness numeric)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_live date[] := analytics.live_days(p_from, p_to);
begin
  return query
  select g::date, coalesce(d.dau, 0), coalesce(d.wau, 0), coalesce(d.mau, 0),
         round(d.dau::numeric / nullif(d.mau, 0), 4)
  from generate_series(p_from, p_to, interval '1 day') g
  left join (select d.day, d.dau, d.wau, d.mau from analytics.daily_active_users d where d.day between p_from and least(p_to, v_through)
             union all
             select d.day, d.dau, d.wau, d.mau from analytics.compute_daily_active_users(v_live) d where cardinality(v_live) > 0) d
    on d.day = g::date
  order by 1;
end
$$;

create or replace function analytics.retention(p_from date, p_to date)
returns table (cohort date, cohort_size bigint, week_offset integer, retained bigint, rate numeric)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_through date := (select s.materialized_through from analytics.settings s);
  v_first_week date := date_trunc('week', p_from::timestamp)::date;
  v_last_week date := date_trunc('week', p_to::timestamp)::date;
  v_live date[] := analytics.live_days(v_first_week, v_last_week + 6);
  -- weeks with days not stored yet: their cells are computed live
  v_live_weeks date[] := array(select distinct date_trunc('week', d::timestamp)::date from unnest(v_live) d order by 1);
begin
  return query
  with cohorts as (
    select date_trunc('week', n.day::timestamp)::date as cohort, sum(n.new_users)::bigint as size
    from (select n.day, n.new_users from analytics.daily_signups n where n.day between v_first_week and least(v_last_week + 6, v_through)
          union all
          select n.day, n.new_users from analytics.compute_daily_signups(v_live) n where cardinality(v_live) > 0) n
    group by 1
  ),
  cells as (
    select c.cohort, c.size, k as week_offset
    from cohorts c, generate_series(0, (v_last_week - c.cohort) / 7) k
  ),
  live_activity as (
    -- who was active in each live week: its stored days (the live weeks are
    -- the last ones, so every stored day from the first one's Monday on)
    -- and its live days
    select distinct a.user_id, date_trunc('week', a.day::timestamp)::date as week
    from (select a.user_id, a.day from analytics.daily_user_activity a where a.day between v_live_weeks[1] and v_through
          union all
          select a.user_id, a.day from analytics.compute_daily_user_activity(v_live) a) a
    where cardinality(v_live) > 0
  ),
  retained as (
    select r.cohort_week, r.week_offset, r.retained from analytics.weekly_retention r
    where r.cohort_week between v_first_week and v_last_week
      and not (r.cohort_week + r.week_offset * 7 = any(v_live_weeks))
    union all
    -- the live weeks' cells: their active users by signup week
    select date_trunc('week', u.created_at at time zone v_zone)::date, ((a.week - date_trunc('week', u.created_at at time zone v_zone)::date) / 7)::integer,
           count(*)::integer
    from live_activity a
    join public.users u on u.id = a.user_id
    where date_trunc('week', u.created_at at time zone v_zone)::date between v_first_week and least(v_last_week, a.week)
    group by 1, 2
  )
  select c.cohort, c.size, c.week_offset, coalesce(r.retained, 0)::bigint,
         round(coalesce(r.retained, 0)::numeric / nullif(c.size, 0), 4)
  from cells c
  left join retained r on r.cohort_week = c.cohort and r.week_offset = c.week_offset
  order by 1, 3;
end
$$;

create or replace function analytics.subscription_metrics(p_from date, p_to date)
returns table (
  bucket date, active_subscribers integer, new_subscribers integer, churned_subscribers integer,
  mrr_cents numeric, churn_rate numeric, trial_conversion numeric, complete boolean
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  -- months not wholly stored yet (the current one): computed live
  v_live_months date[] := array(select b.bucket from analytics.bucket_span(p_from, p_to, 'month') b
                                where b.last_day > coalesce(v_through, '-infinity'));
begin
  return query
  with months as (select * from analytics.bucket_span(p_from, p_to, 'month')),
  monthly as (
    -- stored months (a month without a row had no subscription activity)
    select m.* from analytics.monthly_subscriptions m
    join months b on b.bucket = m.month_start
    where b.last_day <= v_through
    union all
    select c.* from analytics.compute_monthly_subscriptions(v_live_months) c
    where cardinality(v_live_months) > 0
  )
  select b.bucket, coalesce(r.active_subscribers, 0), coalesce(r.new_subscribers, 0), coalesce(r.churned_subscribers, 0),
         round(coalesce(r.mrr_cents, 0), 2),
         round(r.churned_subscribers::numeric / nullif(r.paying_at_start, 0), 4),
         round(r.trials_converted::numeric / nullif(r.trials_ending, 0), 4),
         b.complete
  from months b
  left join monthly r on r.month_start = b.bucket
  order by 1;
end
$$;

-- A query that merely names a PARALLEL UNSAFE function (the default) is
-- planned without parallel workers, even when the call is folded away: the
-- planner judges the query as written. The live computations and
-- bucket_span() only read, so they are marked PARALLEL RESTRICTED: a read
-- of a year can scan its rollup with parallel workers, as the same query
-- over a materialized view does, while these functions, when they do run,
-- run in the leader (RESTRICTED rather than SAFE: nothing is gained by
-- running a computation of today in a worker, and it is the weaker promise).
-- 42 -> 28 ms for a year of duration bins. (compute_daily_signups()
-- gets a new body, PARALLEL RESTRICTED too, in 02-compute-signups.sql.)
alter function analytics.bucket_span(date, date, text) parallel restricted;
alter function analytics.compute_daily_scenario_activity(date[]) parallel restricted;
alter function analytics.compute_daily_user_activity(date[]) parallel restricted;
alter function analytics.compute_daily_session_durations(date[]) parallel restricted;
alter function analytics.compute_hourly_sessions(date[]) parallel restricted;
alter function analytics.compute_daily_criteria_scores(date[]) parallel restricted;
alter function analytics.compute_daily_active_users(date[]) parallel restricted;
alter function analytics.compute_monthly_subscriptions(date[]) parallel restricted;
