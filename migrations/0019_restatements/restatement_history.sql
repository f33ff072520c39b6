-- The API's restatements: analytics_report.restatements of the periods that
-- start in p_from .. p_to, oldest period first and, per number, in the
-- order they were recorded.
create or replace function analytics.restatement_history(p_from date, p_to date)
returns table (
  period_start date, metric text, currency text, old_value numeric, new_value numeric, restated_at timestamptz, cause text
)
language sql stable security definer
set search_path = pg_catalog, analytics, pg_temp
as $$
  select r.period_start, r.metric, r.currency, r.old_value, r.new_value, r.restated_at, r.cause
  from analytics.restatement_log r
  where r.period_start between p_from and p_to
  order by r.period_start, r.metric, r.currency, r.id
$$;
comment on function analytics.restatement_history(p_from date, p_to date) is
  'The restatements (analytics_report.restatements) of the weeks and months starting in p_from .. p_to: period_start, metric (relation.column), currency (money only), old_value, new_value, restated_at, cause; by period, metric and currency, then in the order recorded.';
revoke execute on function analytics.restatement_history(p_from date, p_to date) from public;
grant execute on function analytics.restatement_history(p_from date, p_to date) to analytics_reader;
