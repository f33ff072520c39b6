create or replace view analytics_report.mrr_movements as
select p.period_start as month_start, p.period_end as month_end, c.currency,
       sum(c.mrr_start_cents) as mrr_start_cents,
       coalesce(sum(c.mrr_end_cents) filter (where c.movement = 'new'), 0) as new_cents,
       coalesce(sum(c.mrr_end_cents - c.mrr_start_cents) filter (where c.movement = 'expansion'), 0) as expansion_cents,
       coalesce(sum(c.mrr_start_cents - c.mrr_end_cents) filter (where c.movement = 'contraction'), 0) as contraction_cents,
       coalesce(sum(c.mrr_start_cents) filter (where c.movement = 'churn'), 0) as churn_cents,
       coalesce(sum(c.mrr_end_cents) filter (where c.movement = 'reactivation'), 0) as reactivation_cents,
       sum(c.mrr_end_cents) as mrr_end_cents,
       count(*) filter (where c.mrr_start_cents > 0) as customers_start,
       count(*) filter (where c.movement = 'new') as new_customers,
       count(*) filter (where c.movement = 'churn') as churned_customers,
       count(*) filter (where c.movement = 'reactivation') as reactivated_customers,
       count(*) filter (where c.mrr_end_cents > 0) as customers_end
from analytics.report_periods p
join analytics.monthly_customer_mrr c on c.month_start = p.period_start
where p.granularity = 'month'
group by p.period_start, p.period_end, c.currency;
comment on view analytics_report.mrr_movements is
  'Monthly recurring revenue per finished calendar month (local) and currency, and its movements by customer (see analytics.monthly_customer_mrr): mrr_start_cents + new_cents + expansion_cents - contraction_cents - churn_cents + reactivation_cents = mrr_end_cents, exactly, in every row. Money is never added across currencies; a month and currency without a paying customer has no row.';
comment on column analytics_report.mrr_movements.month_start is
  'First local day of the calendar month.';
comment on column analytics_report.mrr_movements.month_end is
  'Last local day of the calendar month.';
comment on column analytics_report.mrr_movements.currency is
  'The subscriptions'' currency, as the platform writes it.';
comment on column analytics_report.mrr_movements.mrr_start_cents is
  'MRR at the month''s first instant: amount_cents normalised to one month (quarter / 3, year / 12), in cents, exact.';
comment on column analytics_report.mrr_movements.new_cents is
  'MRR at the month''s end of customers who paid nothing at its start and had never paid in this currency before (positive).';
comment on column analytics_report.mrr_movements.expansion_cents is
  'MRR gained by customers paying more at the month''s end than at its start (positive).';
comment on column analytics_report.mrr_movements.contraction_cents is
  'MRR lost by customers paying less, but not nothing, at the month''s end than at its start (positive).';
comment on column analytics_report.mrr_movements.churn_cents is
  'MRR at the month''s start of customers paying nothing at its end (positive).';
comment on column analytics_report.mrr_movements.reactivation_cents is
  'MRR at the month''s end of customers who paid nothing at its start but had paid in this currency before (positive).';
comment on column analytics_report.mrr_movements.mrr_end_cents is
  'MRR at the first instant of the next month.';
comment on column analytics_report.mrr_movements.customers_start is
  'Customers (users) paying at the month''s first instant (count).';
comment on column analytics_report.mrr_movements.new_customers is
  'Customers counted in new_cents (count).';
comment on column analytics_report.mrr_movements.churned_customers is
  'Customers counted in churn_cents (count): a customer who moves to another plan is not one.';
comment on column analytics_report.mrr_movements.reactivated_customers is
  'Customers counted in reactivation_cents (count).';
comment on column analytics_report.mrr_movements.customers_end is
  'Customers paying at the first instant of the next month (count).';
grant select on analytics_report.mrr_movements to analytics_reader;
