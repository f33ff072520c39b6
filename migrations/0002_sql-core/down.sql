-- Reverts the SQL core: removes the triggers and index the package added to
-- the platform tables and every object it created in schema analytics. The
-- role analytics_reader stays (cluster-wide; other databases may use it).

do $$
declare
  v_table text;
begin
  foreach v_table in array array['sessions', 'feedback_reports', 'users', 'subscriptions'] loop
    execute format('drop trigger if exists analytics_log_insert on public.%I', v_table);
    execute format('drop trigger if exists analytics_log_update on public.%I', v_table);
    execute format('drop trigger if exists analytics_log_delete on public.%I', v_table);
  end loop;
end
$$;
drop index if exists public.analytics_sessions_started_at_idx;

revoke all on schema analytics from analytics_reader;
revoke select on all tables in schema analytics from analytics_reader;

drop view if exists analytics.scenarios;
drop function if exists analytics.subscription_metrics(date, date), analytics.retention(date, date),
  analytics.active_users(date, date), analytics.usage_patterns(date, date),
  analytics.time_distribution(date, date, uuid), analytics.scenario_performance(date, date),
  analytics.strength_areas(date, date, uuid), analytics.user_activity_metrics(uuid, date, date, text),
  analytics.session_metrics(date, date, text), analytics.bucket_span(date, date, text),
  analytics.daily_rows(anyelement, date, date), analytics.live_days(date, date),
  analytics.verify(date, date),
  analytics.refresh_monthly(date), analytics.refresh_weekly(date), analytics.refresh_daily(date),
  analytics.refresh_range(date, date), analytics.refresh_pending(date),
  analytics.record_aggregates(date[], date[], date[]),
  analytics.compute_user_progress_snapshots(uuid[], date, date), analytics.compute_monthly_subscriptions(date[]),
  analytics.compute_weekly_retention(date[], date[], date), analytics.compute_period_active_users(text, date[]),
  analytics.compute_daily_active_users(date[]), analytics.compute_daily_signups(date[]),
  analytics.compute_daily_criteria_scores(date[]), analytics.compute_hourly_sessions(date[]),
  analytics.compute_daily_session_durations(date[]), analytics.compute_daily_scenario_activity(date[]),
  analytics.compute_daily_user_activity(date[]), analytics.compute_daily_session_rollups(date[]),
  analytics.session_facts(date[]),
  analytics.invalidate_all(), analytics.clear_rollups(), analytics.log_source_changes(),
  analytics.set_reporting_timezone(text), analytics.reporting_timezone();
drop table if exists analytics.analytics_aggregates, analytics.user_progress_snapshots, analytics.monthly_subscriptions,
  analytics.weekly_retention, analytics.period_active_users, analytics.daily_active_users,
  analytics.daily_signups, analytics.daily_criteria_scores, analytics.hourly_sessions,
  analytics.daily_session_durations, analytics.daily_scenario_activity, analytics.daily_user_activity,
  analytics.invalidation_log, analytics.settings;
