-- Down of migration 0013. The migration first re-applies the report
-- functions of 0011 (sql/read-floor/01-reports.sql: bucket_span,
-- user_activity_metrics, retention), which no longer call bucket_bounds().
drop function if exists analytics.user_days(uuid, date, date, date, date[]);
drop function if exists analytics.bucket_bounds(date, date, text);
drop index if exists public.analytics_users_created_at_idx;
comment on function analytics.retention(date, date) is
  'Signup-week cohorts of the ISO weeks containing p_from .. p_to (whole weeks): for every offset up to the week of p_to, retained = cohort users with a session in week cohort + offset, rate = retained / cohort_size (0-1). Weeks with days not stored yet are computed live.';
