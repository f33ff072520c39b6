create or replace function analytics.local_today()
returns date
language sql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
  select (coalesce(nullif(current_setting('analytics.clock', true), '')::timestamptz, now())
          at time zone analytics.reporting_timezone())::date
$$;
comment on function analytics.local_today() is
  'Today in the reporting zone: the refresh stores days up to the day before. The session setting analytics.clock (an ISO timestamp) replaces now(), so a test or a DBA can ask what a refresh would do on another date.';
revoke execute on function analytics.local_today() from public;
grant execute on function analytics.local_today() to analytics_reader;
