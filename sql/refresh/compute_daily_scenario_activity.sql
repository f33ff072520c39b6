create or replace function analytics.compute_daily_scenario_activity(p_days date[])
returns setof analytics.daily_scenario_activity
language sql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
  select day, scenario_id, sessions_started, sessions_completed, sessions_finished, practice_seconds,
         completed_seconds, completed_timed_sessions, scored_sessions, score_sum
  from analytics.compute_daily_session_rollups(p_days) where grain = 'scenario'
$$;
comment on function analytics.compute_daily_scenario_activity(p_days date[]) is
  'Rows of analytics.daily_scenario_activity for the given local days, computed from the platform tables.';
revoke execute on function analytics.compute_daily_scenario_activity(p_days date[]) from public;
