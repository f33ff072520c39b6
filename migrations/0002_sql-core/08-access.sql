-- Roles and grants. analytics_reader (for DBAs and BI tools) may read the
-- analytics schema and run the report functions; it has no access to the
-- platform tables, and nothing in schema analytics holds personal data
-- (user ids only, never emails). Roles are cluster-wide: created once, never
-- dropped by a migration.

do $$
begin
  create role analytics_reader nologin;
exception when duplicate_object then
  null;  -- another database of the cluster created it
end
$$;
comment on role analytics_reader is 'Read-only access to schema analytics (@oet-praxis/analytics); no access to platform tables.';

grant usage on schema analytics to analytics_reader;
grant select on all tables in schema analytics to analytics_reader;

-- Functions are executable by PUBLIC by default: keep that for the report
-- functions only. Refresh and compute functions are for the package's owner.
revoke execute on all functions in schema analytics from public;
grant execute on function
  analytics.session_metrics(date, date, text),
  analytics.user_activity_metrics(uuid, date, date, text),
  analytics.strength_areas(date, date, uuid),
  analytics.scenario_performance(date, date),
  analytics.time_distribution(date, date, uuid),
  analytics.usage_patterns(date, date),
  analytics.active_users(date, date),
  analytics.retention(date, date),
  analytics.subscription_metrics(date, date),
  analytics.reporting_timezone(),
  analytics.live_days(date, date),
  analytics.bucket_span(date, date, text),
  analytics.daily_rows(anyelement, date, date)
to analytics_reader;
