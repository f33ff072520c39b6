-- A TRUNCATE leaves no rows to look at: everything stored of its source is
-- stale, from its first stored day (a day early, in case the zone changes
-- before this commits) through the stored history. Called by the trigger
-- capture_truncate() and, in logical mode, by consume_capture().
create or replace function analytics.mark_truncated(p_table text, p_cause text)
returns void
language sql
set search_path = pg_catalog, analytics, pg_temp
as $$
  with zone as (select analytics.reporting_timezone() as name)
  insert into analytics.invalidation_log (source, at, until, cause)
  select x.source, x.first_day::timestamp at time zone zone.name - interval '1 day', x.until, p_cause
  from zone, lateral (
    select 'activity' as source, (select min(a.day) from analytics.daily_user_activity a) as first_day, timestamptz 'infinity' as until
    where p_table in ('sessions', 'feedback_reports')
    union all
    select 'signups', (select min(u.day) from analytics.daily_signups u), 'infinity'
    where p_table = 'users'
    union all
    select 'subscriptions', (select min(m.month_start) from analytics.monthly_subscriptions m), null
    where p_table = 'subscriptions'
  ) x
  where x.first_day is not null
$$;
comment on function analytics.mark_truncated(p_table text, p_cause text) is
  'Marks the whole stored history of what a platform table (sessions, feedback_reports, users or subscriptions, without schema) feeds stale, with the cause shown in refresh_status: what a TRUNCATE of it makes stale.';
revoke execute on function analytics.mark_truncated(p_table text, p_cause text) from public;
