-- Reverts sql/scheduler/refresh-buckets.sql. pg-boss's schema is not
-- touched: drop it by hand (DROP SCHEMA analytics_jobs CASCADE) once no
-- worker runs.
drop view if exists analytics.refresh_status;
drop function if exists analytics.record_refresh_failure(text, date[], timestamptz, text, text),
  analytics.refresh_buckets(text, date[], text, boolean), analytics.due_buckets(),
  analytics.bucket_is_fresh(text, date), analytics.bucket_end(text, date);
drop table if exists analytics.refresh_runs;
