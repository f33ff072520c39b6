create or replace view analytics_report.restatements as
select r.metric, r.period_start, r.currency, r.old_value, r.new_value, r.restated_at, r.cause
from analytics.restatement_log r;
comment on view analytics_report.restatements is
  'Restatements of closed periods: each number of a finished, already stored week or month that a later refresh changed, with the old and the new value, when and why. Covers platform_weekly, platform_monthly, business_monthly and mrr_movements. A period restated twice has two rows.';
comment on column analytics_report.restatements.metric is
  'relation.column of the number (a relation of analytics_report), e.g. business_monthly.mrr_cents.';
comment on column analytics_report.restatements.period_start is
  'First local day of the week or month.';
comment on column analytics_report.restatements.currency is
  'The currency of an amount of money; null for a count or rate.';
comment on column analytics_report.restatements.old_value is
  'The number before; null for a rate with nothing to divide or a period not stored before (an amount absent in a currency is 0).';
comment on column analytics_report.restatements.new_value is
  'The number after; null as for old_value.';
comment on column analytics_report.restatements.restated_at is
  'When it was restated (the refresh''s transaction start).';
comment on column analytics_report.restatements.cause is
  'Why, as the refresh knew it: late rows of a platform table, a TRUNCATE, a zone change, a forced refresh or a backfill.';
grant select on analytics_report.restatements to analytics_reader;
