-- The four session rollups straight from the sessions and their reports, in
-- one statement whose join the planner sees. Reading them through
-- session_facts() (sql/refresh/session_facts.sql), a set-returning function,
-- would copy every session with its criteria_scores (which no rollup here
-- reads) into a tuplestore and hide the join from the planner: one day's
-- facts would cost a hash of every report, and a rebuild's grouping would
-- be planned for 1,000 input rows.
create or replace function analytics.compute_daily_session_rollups(p_days date[])
returns table (
  grain text, day date, user_id uuid, scenario_id uuid, hour smallint, bin_start_minutes integer,
  sessions_started integer, sessions_completed integer, sessions_finished integer, practice_seconds bigint,
  completed_seconds bigint, completed_timed_sessions integer, scored_sessions integer, score_sum numeric,
  last_active_at timestamptz
)
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_from timestamptz := (select pg_catalog.min(d) from pg_catalog.unnest(p_days) d)::timestamp at time zone v_zone;
  v_to timestamptz := ((select pg_catalog.max(d) from pg_catalog.unnest(p_days) d) + 1)::timestamp at time zone v_zone;
begin
  return query
  with facts as (
    select (s.started_at at time zone v_zone)::date as day,
           extract(hour from s.started_at at time zone v_zone)::smallint as hour,
           s.user_id, s.scenario_id, s.completion_status, s.duration_seconds,
           greatest(s.started_at, s.ended_at) as active_until,
           r.score_raw,
           -- 5-minute bin of a completed session's duration; null for the others
           case when s.completion_status = 'completed' then s.duration_seconds / 300 * 5 end as bin
    from public.sessions s
    left join public.feedback_reports r on r.session_id = s.id
    where s.started_at >= v_from and s.started_at < v_to         -- index range first,
      and (s.started_at at time zone v_zone)::date = any(p_days)  -- then the exact days
  )
  select
    case grouping(f.user_id, f.scenario_id, f.hour, f.bin)
      when 7 then 'user' when 11 then 'scenario' when 10 then 'duration' else 'hour' end,
    f.day, f.user_id, f.scenario_id, f.hour, f.bin,
    pg_catalog.count(*)::integer,
    pg_catalog.count(*) filter (where f.completion_status = 'completed')::integer,
    pg_catalog.count(*) filter (where f.completion_status <> 'in_progress')::integer,
    coalesce(pg_catalog.sum(f.duration_seconds), 0)::bigint,
    coalesce(pg_catalog.sum(f.duration_seconds) filter (where f.completion_status = 'completed'), 0)::bigint,
    pg_catalog.count(f.duration_seconds) filter (where f.completion_status = 'completed')::integer,
    pg_catalog.count(*) filter (where f.completion_status = 'completed' and f.score_raw is not null)::integer,
    coalesce(pg_catalog.sum(f.score_raw) filter (where f.completion_status = 'completed'), 0),
    pg_catalog.max(f.active_until)
  from facts f
  group by grouping sets ((f.day, f.user_id), (f.day, f.scenario_id), (f.day, f.scenario_id, f.bin), (f.day, f.hour))
  having grouping(f.user_id, f.scenario_id, f.hour, f.bin) <> 10 or f.bin is not null;
end
$$;
comment on function analytics.compute_daily_session_rollups(p_days date[]) is
  'Rows of the four daily session rollups for the given local days in one pass over the sessions and their reports, tagged by grain: user (daily_user_activity), scenario (daily_scenario_activity), duration (daily_session_durations), hour (hourly_sessions).';
revoke execute on function analytics.compute_daily_session_rollups(p_days date[]) from public;
