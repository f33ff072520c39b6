create or replace view analytics_report.mrr_movements_by_customer as
select c.month_start, c.currency, c.user_id, c.movement,
       c.mrr_start_cents, c.mrr_end_cents, c.mrr_end_cents - c.mrr_start_cents as change_cents
from analytics.report_periods p
join analytics.monthly_customer_mrr c on c.month_start = p.period_start
where p.granularity = 'month' and c.movement <> 'unchanged';
comment on view analytics_report.mrr_movements_by_customer is
  'The customers behind analytics_report.mrr_movements: one row per finished month, currency and customer whose MRR moved. Ids and amounts only.';
comment on column analytics_report.mrr_movements_by_customer.month_start is
  'First local day of the calendar month.';
comment on column analytics_report.mrr_movements_by_customer.currency is
  'The subscriptions'' currency.';
comment on column analytics_report.mrr_movements_by_customer.user_id is
  'The customer (platform users.id).';
comment on column analytics_report.mrr_movements_by_customer.movement is
  'new, expansion, contraction, churn or reactivation (see analytics.monthly_customer_mrr).';
comment on column analytics_report.mrr_movements_by_customer.mrr_start_cents is
  'The customer''s MRR in this currency at the month''s first instant (cents, exact).';
comment on column analytics_report.mrr_movements_by_customer.mrr_end_cents is
  'The same at the first instant of the next month.';
comment on column analytics_report.mrr_movements_by_customer.change_cents is
  'mrr_end_cents - mrr_start_cents: positive for new, expansion and reactivation, negative for contraction and churn.';
grant select on analytics_report.mrr_movements_by_customer to analytics_reader;
