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
comment on function analytics.time_distribution(p_from date, p_to date, p_scenario_id uuid) is
  'Histogram of completed sessions'' durations (5-minute bins, [from_minutes, to_minutes)) for sessions started on p_from .. p_to, optionally for one scenario; empty bins are omitted.';
revoke execute on function analytics.time_distribution(p_from date, p_to date, p_scenario_id uuid) from public;
grant execute on function analytics.time_distribution(p_from date, p_to date, p_scenario_id uuid) to analytics_reader;
