-- One user's activity by day read like a query over a materialized view
-- (migration 0013, issue 14): one year by day for the busiest user took
-- 2.5 ms against 1.3 ms for the same rows as one query (pgbench, half
-- scale). What the difference was, measured apart with pgbench:
-- - the range's bounds were the min/max of bucket_span(), a set of 365 rows
--   built in PL/pgSQL to be reduced to two dates (0.35 ms): bucket_bounds()
--   computes them, and checks the arguments, for both;
-- - the rows were grouped per bucket and merge-joined to bucket_span()'s
--   rows, sorted first, though a day is its own bucket (0.8 ms): by day,
--   the stored days (and today's, when the range reaches it) are joined to
--   the series of days as they are; weeks and months are summed as before.

create function analytics.bucket_bounds(p_from date, p_to date, p_granularity text, out first_day date, out last_day date)
language plpgsql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_granularity is null or p_granularity not in ('day', 'week', 'month') then
    raise exception 'granularity "%": expected day, week or month', p_granularity using errcode = 'invalid_parameter_value';
  end if;
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'date range % .. %: expected two dates with from <= to', p_from, p_to using errcode = 'invalid_parameter_value';
  end if;
  first_day := date_trunc(p_granularity, p_from::timestamp)::date;
  last_day := (date_trunc(p_granularity, p_to::timestamp) + ('1 ' || p_granularity)::interval - interval '1 day')::date;
end
$$;
comment on function analytics.bucket_bounds(date, date, text) is
  'The first local day of the first day / ISO week / month bucket of p_from .. p_to and the last day of the last one; raises invalid_parameter_value for another granularity or a range that is not from <= to.';
revoke execute on function analytics.bucket_bounds(date, date, text) from public;
grant execute on function analytics.bucket_bounds(date, date, text) to analytics_reader;

create or replace function analytics.bucket_span(p_from date, p_to date, p_granularity text)
returns table (bucket date, first_day date, last_day date, complete boolean)
language plpgsql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_first date;
  v_last date;
  v_step interval;
  v_today date := analytics.local_today();
begin
  select b.first_day, b.last_day into v_first, v_last from analytics.bucket_bounds(p_from, p_to, p_granularity) b;
  v_step := ('1 ' || p_granularity)::interval;
  return query
  select b::date, b::date, (b + v_step - interval '1 day')::date, (b + v_step)::date <= v_today
  from generate_series(v_first::timestamp, (v_last + 1)::timestamp - v_step, v_step) b;
end
$$;

-- One user's days of p_from .. p_to: the stored ones up to p_through and
-- the live ones (p_live) computed from the platform tables. A SQL function
-- with a body parsed at creation (BEGIN ATOMIC) and no SET clause, so the
-- planner inlines it into the query that calls it and sees the index range
-- (a set-returning function it cannot inline would hand it 1,000 guessed
-- rows in a tuplestore).
-- Both branches name their columns, so the union is flattened (see
-- sql/read-floor/01-reports.sql).
create function analytics.user_days(p_user_id uuid, p_from date, p_to date, p_through date, p_live date[])
returns table (
  day date, sessions_started integer, sessions_completed integer, sessions_finished integer,
  practice_seconds bigint, scored_sessions integer, score_sum numeric
)
language sql stable parallel restricted
begin atomic
  select d.day, d.sessions_started, d.sessions_completed, d.sessions_finished, d.practice_seconds, d.scored_sessions, d.score_sum
  from analytics.daily_user_activity d
  where d.user_id = p_user_id and d.day between p_from and least(p_to, p_through)
  union all
  select d.day, d.sessions_started, d.sessions_completed, d.sessions_finished, d.practice_seconds, d.scored_sessions, d.score_sum
  from analytics.compute_daily_user_activity(p_live) d
  where cardinality(p_live) > 0 and d.user_id = p_user_id;
end;
comment on function analytics.user_days(uuid, date, date, date, date[]) is
  'One user''s days of analytics.daily_user_activity (its sums) for p_from .. p_to: stored days up to p_through, and the days p_live (not stored yet) computed live. Inlined into user_activity_metrics().';
revoke execute on function analytics.user_days(uuid, date, date, date, date[]) from public;

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
  v_today date := analytics.local_today();
  v_first date;
  v_last date;
  v_live date[];
begin
  select b.first_day, b.last_day into v_first, v_last from analytics.bucket_bounds(p_from, p_to, p_granularity) b;
  v_live := analytics.live_days(v_first, v_last);
  -- by day: each stored or live day as it is, joined to the series of days
  -- (grouping and merge-joining the rows to bucket_span() cost more than
  -- reading them; one query for all three granularities was 1.3x slower)
  if p_granularity = 'day' then
    return query
    select g::date, coalesce(d.sessions_started, 0)::bigint, coalesce(d.sessions_completed, 0)::bigint,
           round(d.sessions_completed::numeric / nullif(d.sessions_finished, 0), 4),
           round(d.score_sum / nullif(d.scored_sessions, 0), 2),
           round(coalesce(d.practice_seconds, 0) / 60.0, 2),
           g::date < v_today
    from generate_series(v_first::timestamp, v_last::timestamp, interval '1 day') g
    left join analytics.user_days(p_user_id, v_first, v_last, v_through, v_live) d on d.day = g::date
    order by 1;
    return;
  end if;
  -- weeks and months: the days summed per bucket
  return query
  with activity as (
    select date_trunc(p_granularity, d.day::timestamp)::date as bucket,
           sum(d.sessions_started) as started, sum(d.sessions_completed) as completed,
           sum(d.sessions_finished) as finished, sum(d.practice_seconds) as seconds,
           sum(d.scored_sessions) as scored, sum(d.score_sum) as score_sum
    from analytics.user_days(p_user_id, v_first, v_last, v_through, v_live) d
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
