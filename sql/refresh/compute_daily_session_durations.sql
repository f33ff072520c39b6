create or replace function analytics.compute_daily_session_durations(p_days date[])
returns setof analytics.daily_session_durations
language sql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
  select day, scenario_id, bin_start_minutes, sessions_started
  from analytics.compute_daily_session_rollups(p_days) where grain = 'duration'
$$;
comment on function analytics.compute_daily_session_durations(p_days date[]) is
  'Rows of analytics.daily_session_durations for the given local days, computed from the platform tables.';
revoke execute on function analytics.compute_daily_session_durations(p_days date[]) from public;
