create or replace function analytics.compute_hourly_sessions(p_days date[])
returns setof analytics.hourly_sessions
language sql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
  select day, hour, sessions_started
  from analytics.compute_daily_session_rollups(p_days) where grain = 'hour'
$$;
comment on function analytics.compute_hourly_sessions(p_days date[]) is
  'Rows of analytics.hourly_sessions for the given local days, computed from the platform tables.';
revoke execute on function analytics.compute_hourly_sessions(p_days date[]) from public;
