create or replace function analytics.clear_rollups()
returns void
language sql
set search_path = pg_catalog, analytics, pg_temp
as $$
  -- DELETE, not TRUNCATE: readers keep reading while it runs.
  delete from analytics.daily_user_activity;
  delete from analytics.daily_scenario_activity;
  delete from analytics.daily_session_durations;
  delete from analytics.hourly_sessions;
  delete from analytics.daily_criteria_scores;
  delete from analytics.daily_signups;
  delete from analytics.daily_active_users;
  delete from analytics.period_active_users;
  delete from analytics.weekly_retention;
  delete from analytics.monthly_subscriptions;
  delete from analytics.monthly_customer_mrr;
  delete from analytics.user_progress_snapshots;
  delete from analytics.invalidation_log;
$$;
comment on function analytics.clear_rollups() is
  'Empties every rollup and the invalidation log (analytics_aggregates, the record of past outputs, is kept). Used when the reporting time zone changes; follow with invalidate_all() and a refresh.';
revoke execute on function analytics.clear_rollups() from public;
