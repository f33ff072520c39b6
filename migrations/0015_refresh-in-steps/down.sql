-- Down of migration 0015. The migration first re-applies refresh_pending()
-- of 0012 (migrations/0012_session-updates-keep-criteria/03-refresh.sql),
-- which calls none of the steps dropped here.
drop function analytics.take_invalidations(date, text);
drop function analytics.reconcile_session_rollups(date[], boolean);
drop function analytics.reconcile_daily_criteria_scores(date[]);
drop function analytics.reconcile_daily_active_users(date[]);
drop function analytics.reconcile_period_active_users(date[], date[]);
drop function analytics.reconcile_user_progress_snapshots(uuid[], date, date);
drop function analytics.reconcile_platform_progress_snapshots(uuid[], date);
drop function analytics.reconcile_daily_signups(date[]);
drop function analytics.reconcile_weekly_retention(date[], date[], date);
drop function analytics.reconcile_monthly_subscriptions(date[]);
comment on function analytics.install_capture_triggers() is
  'Creates (or re-creates) the change-capture triggers on public.sessions, feedback_reports, users and subscriptions, enabled ALWAYS. Run by migration 0006; run it again when doctor reports a missing trigger.';
comment on column analytics.analytics_aggregates.data is
  'The bucket''s sums and counts; the keys are documented in the README catalogue.';
