-- The numbers of finished, stored periods that a refresh changed: a closed
-- period is restated, never silently changed. Written by
-- record_restatements() (from refresh_pending() and set_reporting_timezone()),
-- never updated or deleted by the package.
create table analytics.restatement_log (
  id           bigint generated always as identity primary key,
  metric       text        not null,
  period_start date        not null,
  currency     text,
  old_value    numeric,
  new_value    numeric,
  restated_at  timestamptz not null default now(),
  cause        text        not null
);
create index restatement_log_period_idx on analytics.restatement_log (period_start, metric);
comment on table analytics.restatement_log is
  'One row per number of a finished, already stored period that a refresh changed: the weekly and monthly platform numbers (analytics_report.platform_weekly, platform_monthly), every number of analytics_report.business_monthly, and the movements of analytics_report.mrr_movements. Kept as history: the package never deletes a row (a DBA may). A recomputation that changes nothing adds nothing.';
comment on column analytics.restatement_log.id is
  'Order of recording.';
comment on column analytics.restatement_log.metric is
  'relation.column of the number, e.g. platform_weekly.sessions_started, business_monthly.customer_churn_rate, mrr_movements.churn_cents.';
comment on column analytics.restatement_log.period_start is
  'First local day of the week or month the number belongs to.';
comment on column analytics.restatement_log.currency is
  'The currency of an amount of money; null for a count or rate.';
comment on column analytics.restatement_log.old_value is
  'The number as stored before; null for a rate or mean that had nothing to divide, or a period that did not exist yet (an amount absent in a currency is 0).';
comment on column analytics.restatement_log.new_value is
  'The number as stored after; null as for old_value.';
comment on column analytics.restatement_log.restated_at is
  'When the number was restated: the start of the refresh''s transaction (now()).';
comment on column analytics.restatement_log.cause is
  'Why, as the refresh knew it: late rows of a platform table, a TRUNCATE, a change of the reporting time zone, a forced refresh or a backfill of a range.';
grant select on analytics.restatement_log to analytics_reader;
