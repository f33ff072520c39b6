-- A fresh install of the package as it is now, from the current definitions:
-- what `praxis-analytics migrate` runs, in one transaction, on a database
-- that has none of it yet (on one installed by an earlier release it applies
-- the released migrations instead; test/upgrade-path-*.test.ts require both
-- to end in the same catalog). Readable as a psql script:
--   psql -v ON_ERROR_STOP=1 --single-transaction -f sql/install.sql
-- after node-pg-migrate's bookkeeping table exists (migrate makes it).
-- Function bodies are checked when they run, not here, so functions may come
-- in any order; tables come before them and views after.
set local check_function_bodies = off;

-- schemas and the reader role
\ir access/schemas.sql
\ir access/analytics_reader.sql

-- tables
\ir rollups/settings.sql
\ir rollups/analytics_aggregates.sql
\ir rollups/daily_active_users.sql
\ir rollups/daily_criteria_scores.sql
\ir rollups/daily_scenario_activity.sql
\ir rollups/daily_session_durations.sql
\ir rollups/daily_signups.sql
\ir rollups/daily_user_activity.sql
\ir rollups/hourly_sessions.sql
\ir rollups/monthly_customer_mrr.sql
\ir rollups/monthly_subscriptions.sql
\ir rollups/period_active_users.sql
\ir rollups/restatement_log.sql
\ir rollups/user_progress_snapshots.sql
\ir rollups/weekly_retention.sql
\ir capture/invalidation_log.sql
\ir capture/capture_state.sql
\ir scheduler/refresh_runs.sql

-- functions
\ir rollups/adopt_reporting_timezone.sql
\ir rollups/clear_rollups.sql
\ir rollups/local_today.sql
\ir rollups/reporting_timezone.sql
\ir rollups/set_reporting_timezone.sql
\ir capture/capture_feedback_reports.sql
\ir capture/capture_sessions.sql
\ir capture/capture_subscriptions.sql
\ir capture/capture_truncate.sql
\ir capture/capture_users.sql
\ir capture/captured_columns.sql
\ir capture/consume_capture.sql
\ir capture/install_capture_triggers.sql
\ir capture/invalidate_all.sql
\ir capture/log_decoded_changes.sql
\ir capture/logical_slot_name.sql
\ir capture/mark_truncated.sql
\ir capture/prepare_logical_capture.sql
\ir capture/replace_logical_slot.sql
\ir capture/restart_logical_capture.sql
\ir capture/use_logical_capture.sql
\ir capture/use_trigger_capture.sql
\ir scheduler/bucket_end.sql
\ir scheduler/bucket_is_fresh.sql
\ir scheduler/due_buckets.sql
\ir scheduler/record_refresh_failure.sql
\ir scheduler/refresh_buckets.sql
\ir refresh/compute_daily_active_users.sql
\ir refresh/compute_daily_criteria_scores.sql
\ir refresh/compute_daily_scenario_activity.sql
\ir refresh/compute_daily_session_durations.sql
\ir refresh/compute_daily_session_rollups.sql
\ir refresh/compute_daily_signups.sql
\ir refresh/compute_daily_user_activity.sql
\ir refresh/compute_hourly_sessions.sql
\ir refresh/compute_monthly_customer_mrr.sql
\ir refresh/compute_monthly_subscriptions.sql
\ir refresh/compute_period_active_users.sql
\ir refresh/compute_user_progress_snapshots.sql
\ir refresh/compute_weekly_retention.sql
\ir refresh/derive_period_active_users.sql
\ir refresh/derive_weekly_retention.sql
\ir refresh/month_instants.sql
\ir refresh/pending_days.sql
\ir refresh/period_numbers.sql
\ir refresh/recompute_daily_active_users.sql
\ir refresh/recompute_user_progress_snapshots.sql
\ir refresh/reconcile_daily_active_users.sql
\ir refresh/reconcile_daily_criteria_scores.sql
\ir refresh/reconcile_daily_signups.sql
\ir refresh/reconcile_monthly_customer_mrr.sql
\ir refresh/reconcile_monthly_subscriptions.sql
\ir refresh/reconcile_period_active_users.sql
\ir refresh/reconcile_platform_progress_snapshots.sql
\ir refresh/reconcile_session_rollups.sql
\ir refresh/reconcile_user_progress_snapshots.sql
\ir refresh/reconcile_weekly_retention.sql
\ir refresh/record_aggregates.sql
\ir refresh/record_restatements.sql
\ir refresh/refresh_daily.sql
\ir refresh/refresh_monthly.sql
\ir refresh/refresh_pending.sql
\ir refresh/refresh_range.sql
\ir refresh/refresh_weekly.sql
\ir refresh/session_facts.sql
\ir refresh/subscription_terms.sql
\ir refresh/take_invalidations.sql
\ir refresh/verify.sql
\ir reports/active_users.sql
\ir reports/bucket_bounds.sql
\ir reports/bucket_span.sql
\ir reports/daily_rows.sql
\ir reports/live_days.sql
\ir reports/mrr_movement_metrics.sql
\ir reports/retention.sql
\ir reports/scenario_performance.sql
\ir reports/session_metrics.sql
\ir reports/strength_areas.sql
\ir reports/subscription_metrics.sql
\ir reports/time_distribution.sql
\ir reports/usage_patterns.sql
\ir reports/user_activity_metrics.sql
\ir report-relations/user_known.sql
\ir api/content_scenario_ids.sql
\ir api/content_time_distribution.sql
\ir api/csv_text.sql
\ir api/metric_series.sql
\ir api/restatement_history.sql
\ir api/scenario_report.sql
-- bound to what it reads when created (BEGIN ATOMIC): after it
\ir reports/user_days.sql

-- views, each after the views it reads
\ir rollups/scenarios.sql
\ir scheduler/refresh_status.sql
\ir api/metric_freshness.sql
\ir report-relations/report_periods.sql
\ir report-relations/platform_periods.sql
\ir report-relations/business_monthly.sql
\ir report-relations/criteria_daily.sql
\ir report-relations/duration_histogram_daily.sql
\ir report-relations/platform_daily.sql
\ir report-relations/platform_monthly.sql
\ir report-relations/mrr_movements.sql
\ir report-relations/mrr_movements_by_customer.sql
\ir report-relations/platform_weekly.sql
\ir report-relations/restatements.sql
\ir report-relations/retention_weekly.sql
\ir report-relations/scenario_daily.sql
\ir report-relations/scenario_weekly.sql
\ir report-relations/usage_hourly.sql
\ir report-relations/user_daily.sql
\ir report-relations/user_progress.sql

-- on the platform: its indexes, the capture triggers, and the marks of its history
\ir capture/platform_indexes.sql
\ir capture/first_marks.sql
