create or replace function analytics.refresh_daily(p_day date)
returns jsonb
language sql
set search_path = pg_catalog, analytics, pg_temp
as $$ select analytics.refresh_range(p_day, p_day) $$;
comment on function analytics.refresh_daily(p_day date) is
  'Recomputes one local day (user progress, session and content rollups, rolling active users). Idempotent and transactional.';
revoke execute on function analytics.refresh_daily(p_day date) from public;
