create or replace function analytics.reporting_timezone()
returns text
language sql stable
set search_path = pg_catalog, analytics, pg_temp
as $$ select reporting_timezone from analytics.settings $$;
comment on function analytics.reporting_timezone() is
  'The reporting time zone (IANA name) that buckets are computed in.';
revoke execute on function analytics.reporting_timezone() from public;
grant execute on function analytics.reporting_timezone() to analytics_reader;
