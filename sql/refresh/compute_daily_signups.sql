-- New users of the given local days. A range test on the raw created_at
-- comes first: analytics_users_created_at_idx on users (created_at)
-- (sql/capture/platform_indexes.sql) serves it, and it rejects most users
-- before the conversion of each one's created_at to a local date picks the
-- exact days. A report that reaches today calls this for its live day.
create or replace function analytics.compute_daily_signups(p_days date[])
returns setof analytics.daily_signups
language plpgsql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
  -- the days' bounds as instants: constants to the planner, so the cheap
  -- range test runs before the conversion of each row
  v_from timestamptz := (select min(d) from unnest(p_days) d)::timestamp at time zone v_zone;
  v_to timestamptz := ((select max(d) from unnest(p_days) d) + 1)::timestamp at time zone v_zone;
begin
  return query
  select (u.created_at at time zone v_zone)::date, count(*)::integer
  from public.users u
  where u.created_at >= v_from and u.created_at < v_to         -- a cheap range first,
    and (u.created_at at time zone v_zone)::date = any(p_days)  -- then the exact days
  group by 1;
end
$$;
comment on function analytics.compute_daily_signups(p_days date[]) is
  'Rows of analytics.daily_signups for the given local days, computed from the platform tables.';
revoke execute on function analytics.compute_daily_signups(p_days date[]) from public;
