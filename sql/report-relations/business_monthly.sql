-- One row per month and currency: MRR is never added across currencies.
-- The counts do not depend on money and are platform-wide, the same on
-- every currency row of a month.
create or replace view analytics_report.business_monthly as
select p.period_start as month_start, p.period_end as month_end, r.currency,
       round(coalesce(r.mrr_cents, 0), 2) as mrr_cents,
       coalesce(u.active_users, 0)::bigint as active_users,
       coalesce(m.paying_customers, 0) as paying_customers,
       coalesce(m.new_customers, 0) as new_customers,
       coalesce(m.reactivated_customers, 0) as reactivated_customers,
       coalesce(m.churned_customers, 0) as churned_customers,
       coalesce(m.customers_at_start, 0) as customers_at_start,
       round(m.churned_customers::numeric / nullif(m.customers_at_start, 0), 4) as customer_churn_rate,
       coalesce(m.active_subscriptions, 0) as active_subscriptions,
       coalesce(m.new_subscriptions, 0) as new_subscriptions,
       coalesce(m.churned_subscriptions, 0) as churned_subscriptions,
       coalesce(m.paying_subscriptions_at_start, 0) as paying_subscriptions_at_start,
       round(m.churned_subscriptions::numeric / nullif(m.paying_subscriptions_at_start, 0), 4) as subscription_churn_rate,
       coalesce(m.trials_ending, 0) as trials_ending,
       coalesce(m.trials_converted, 0) as trials_converted,
       round(m.trials_converted::numeric / nullif(m.trials_ending, 0), 4) as trial_conversion
from analytics.report_periods p
-- the month's currencies: those with a customer paying at either of its
-- instants; a month without one keeps a single row, currency null (lateral,
-- so that a filter on month_start reaches the rollup's key)
left join lateral (select x.currency, sum(x.mrr_end_cents) as mrr_cents
                   from analytics.monthly_customer_mrr x
                   where x.month_start = p.period_start
                   group by x.currency) r on true
-- a finished month without a row had no subscription activity
left join analytics.monthly_subscriptions m on m.month_start = p.period_start
left join analytics.period_active_users u on u.granularity = 'month' and u.period_start = p.period_start
where p.granularity = 'month';
comment on view analytics_report.business_monthly is
  'Subscription business per finished calendar month (local) and currency, zero-filled: one row per month for every currency with a customer paying at the month''s start or end (currency null, on a single row, in a month without one). mrr_cents is the currency''s own; every other column is platform-wide, the same on each currency row of a month: never add them across rows. Derived from subscription timestamps (see analytics.monthly_subscriptions and analytics.monthly_customer_mrr). Mirrors analytics.subscription_metrics() and the month''s active users of analytics.session_metrics(…, ''month'').';
comment on column analytics_report.business_monthly.month_start is
  'First local day of the calendar month.';
comment on column analytics_report.business_monthly.month_end is
  'Last local day of the calendar month.';
comment on column analytics_report.business_monthly.currency is
  'The currency of mrr_cents, as the platform writes it; null only in a month without a paying customer at its start or end.';
comment on column analytics_report.business_monthly.mrr_cents is
  'Monthly recurring revenue in this currency at the first instant of the next month: amount_cents normalised to one month (quarter / 3, year / 12), in cents, 2 decimals. Equals mrr_end_cents of analytics_report.mrr_movements.';
comment on column analytics_report.business_monthly.active_users is
  'Distinct users who started a session in the month (count; exact, never a sum of days). Platform-wide.';
comment on column analytics_report.business_monthly.paying_customers is
  'Customers (users) with a subscription paying at the first instant of the next month, in any currency (count). Platform-wide.';
comment on column analytics_report.business_monthly.new_customers is
  'Customers paying at the month''s end, not at its start, who had never paid before (count). Platform-wide.';
comment on column analytics_report.business_monthly.reactivated_customers is
  'Customers paying at the month''s end, not at its start, who had paid before (count). Platform-wide.';
comment on column analytics_report.business_monthly.churned_customers is
  'Customers paying at the month''s start and not at its end (count): a customer who changes plan or currency is not one. customer_churn_rate''s numerator. Platform-wide.';
comment on column analytics_report.business_monthly.customers_at_start is
  'Customers paying at the first instant of the month (count): customer_churn_rate''s denominator. customers_at_start + new_customers + reactivated_customers - churned_customers = paying_customers. Platform-wide.';
comment on column analytics_report.business_monthly.customer_churn_rate is
  'churned_customers / customers_at_start (0-1, 4 decimals); null when customers_at_start is 0. Platform-wide.';
comment on column analytics_report.business_monthly.active_subscriptions is
  'Subscriptions paying at the first instant of the next month (count of subscriptions: a customer with two counts twice). Platform-wide.';
comment on column analytics_report.business_monthly.new_subscriptions is
  'Subscriptions whose paid period starts in the month and that are paying then (count of subscriptions: a plan change counts one). Platform-wide.';
comment on column analytics_report.business_monthly.churned_subscriptions is
  'Subscriptions ended in the month after their paid start (count of subscriptions: a plan change counts one): subscription_churn_rate''s numerator. Platform-wide.';
comment on column analytics_report.business_monthly.paying_subscriptions_at_start is
  'Subscriptions paying at the first instant of the month (count): subscription_churn_rate''s denominator. Platform-wide.';
comment on column analytics_report.business_monthly.subscription_churn_rate is
  'churned_subscriptions / paying_subscriptions_at_start (0-1, 4 decimals); null when paying_subscriptions_at_start is 0. Platform-wide.';
comment on column analytics_report.business_monthly.trials_ending is
  'Subscriptions whose trial ends in the month (count): trial_conversion''s denominator. Platform-wide.';
comment on column analytics_report.business_monthly.trials_converted is
  'Of those, subscriptions not ended by the trial''s end (count): trial_conversion''s numerator. Platform-wide.';
comment on column analytics_report.business_monthly.trial_conversion is
  'trials_converted / trials_ending (0-1, 4 decimals); null when trials_ending is 0. Platform-wide.';
grant select on analytics_report.business_monthly to analytics_reader;
