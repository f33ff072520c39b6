-- Migration 0018, once: analytics.monthly_subscriptions loses mrr_cents (MRR
-- is per currency, in analytics.monthly_customer_mrr), its subscription
-- counts take names that say they count subscriptions, and it gains the
-- customer counts, zero until the next refresh fills them (the stored
-- months are marked stale below).
alter table analytics.monthly_subscriptions drop column mrr_cents;
alter table analytics.monthly_subscriptions rename column active_subscribers to active_subscriptions;
alter table analytics.monthly_subscriptions rename column new_subscribers to new_subscriptions;
alter table analytics.monthly_subscriptions rename column churned_subscribers to churned_subscriptions;
alter table analytics.monthly_subscriptions rename column paying_at_start to paying_subscriptions_at_start;
alter table analytics.monthly_subscriptions
  add column customers_at_start integer not null default 0,
  add column new_customers integer not null default 0,
  add column reactivated_customers integer not null default 0,
  add column churned_customers integer not null default 0,
  add column paying_customers integer not null default 0;
alter table analytics.monthly_subscriptions
  alter column customers_at_start drop default,
  alter column new_customers drop default,
  alter column reactivated_customers drop default,
  alter column churned_customers drop default,
  alter column paying_customers drop default;
comment on table analytics.monthly_subscriptions is
  'Subscription and customer counts per complete local calendar month, platform-wide (whatever the currency), derived from subscription timestamps only (never from status), so history is reproducible. No money: MRR is per currency, in analytics.monthly_customer_mrr. Paid period starts at coalesce(trial_ends_at, started_at); a subscription is paying at instant T when paid start <= T < coalesce(ended_at, infinity); a customer (platform user) is paying at T when one of their subscriptions is. customers_at_start + new_customers + reactivated_customers - churned_customers = paying_customers.';
comment on column analytics.monthly_subscriptions.month_start is
  'First local day of the month.';
comment on column analytics.monthly_subscriptions.active_subscriptions is
  'Subscriptions paying at the first instant of the next month (count of subscriptions, not customers).';
comment on column analytics.monthly_subscriptions.new_subscriptions is
  'Subscriptions whose paid start falls in the month and that are paying at that start (count of subscriptions: a plan change is one).';
comment on column analytics.monthly_subscriptions.churned_subscriptions is
  'Subscriptions whose ended_at falls in the month, after their paid start (count of subscriptions: a plan change is one).';
comment on column analytics.monthly_subscriptions.paying_subscriptions_at_start is
  'Subscriptions paying at the first instant of the month (count): the subscription churn rate''s denominator.';
comment on column analytics.monthly_subscriptions.trials_ending is
  'Subscriptions whose trial_ends_at falls in the month (count).';
comment on column analytics.monthly_subscriptions.trials_converted is
  'Of those, subscriptions with ended_at null or after trial_ends_at (count).';
comment on column analytics.monthly_subscriptions.customers_at_start is
  'Customers (users) paying at the first instant of the month (count): the customer churn rate''s denominator.';
comment on column analytics.monthly_subscriptions.new_customers is
  'Customers paying at the first instant of the next month, not at the month''s, who had never paid before (count).';
comment on column analytics.monthly_subscriptions.reactivated_customers is
  'Customers paying at the first instant of the next month, not at the month''s, who had paid before (count).';
comment on column analytics.monthly_subscriptions.churned_customers is
  'Customers paying at the month''s first instant and not at the next month''s (count): a customer who moves to another plan or currency is not one.';
comment on column analytics.monthly_subscriptions.paying_customers is
  'Customers paying at the first instant of the next month (count).';
insert into analytics.invalidation_log (source, at, cause)
select 'subscriptions', min(least(x.started_at, x.trial_ends_at, x.ended_at)), 'migration 0018_revenue-per-currency: customer counts of the stored months'
from public.subscriptions x
where (select s.materialized_through from analytics.settings s) is not null
having count(*) > 0;
