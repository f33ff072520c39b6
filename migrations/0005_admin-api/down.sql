-- Reverts sql/api/metrics.sql.
drop view if exists analytics.metric_freshness;
drop function if exists analytics.content_time_distribution(date, date, uuid, text),
  analytics.scenario_report(date, date, uuid, text, integer),
  analytics.metric_series(text, date, date, text, uuid, uuid, text),
  analytics.content_scenario_ids(uuid, text),
  analytics.csv_text(text);
