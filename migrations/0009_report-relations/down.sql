-- Reverts migration 0009. The schema is dropped without CASCADE: a view a
-- DBA built on a report relation stops the migration (with PostgreSQL's
-- message naming it) instead of vanishing.
drop view analytics_report.retention_weekly, analytics_report.user_progress, analytics_report.user_daily,
          analytics_report.duration_histogram_daily, analytics_report.usage_hourly, analytics_report.criteria_daily,
          analytics_report.scenario_weekly, analytics_report.scenario_daily,
          analytics_report.business_monthly, analytics_report.platform_monthly, analytics_report.platform_weekly,
          analytics_report.platform_daily;
drop schema analytics_report;
drop view analytics.platform_periods;
drop view analytics.report_periods;
drop index analytics.daily_scenario_activity_scenario_id_day_idx;
drop function analytics.user_known(uuid);
