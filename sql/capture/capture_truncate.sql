create or replace function analytics.capture_truncate()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_cause text := format('TRUNCATE %I.%I at %s', tg_table_schema, tg_table_name, now());
begin
  -- No rows to look at: everything stored of the source is stale, from its
  -- first stored day (a day early, in case the zone changes before this
  -- commits) through the stored history.
  insert into analytics.invalidation_log (source, at, until, cause)
  select x.source, x.first_day::timestamp at time zone v_zone - interval '1 day', x.until, v_cause
  from (
    select 'activity' as source, (select min(a.day) from analytics.daily_user_activity a) as first_day, timestamptz 'infinity' as until
    where tg_table_name in ('sessions', 'feedback_reports')
    union all
    select 'signups', (select min(u.day) from analytics.daily_signups u), 'infinity'
    where tg_table_name = 'users'
    union all
    select 'subscriptions', (select min(m.month_start) from analytics.monthly_subscriptions m), null
    where tg_table_name = 'subscriptions'
  ) x
  where x.first_day is not null;
  return null;
end
$$;
comment on function analytics.capture_truncate() is
  'Trigger function for TRUNCATE of the platform tables: marks the whole stored history of the source stale, with the cause.';
revoke execute on function analytics.capture_truncate() from public;
