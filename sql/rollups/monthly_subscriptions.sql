create table analytics.monthly_subscriptions (
  month_start                    date    not null primary key,
  active_subscriptions           integer not null,
  new_subscriptions              integer not null,
  churned_subscriptions          integer not null,
  paying_subscriptions_at_start  integer not null,
  trials_ending                  integer not null,
  trials_converted               integer not null,
  customers_at_start             integer not null,
  new_customers                  integer not null,
  reactivated_customers          integer not null,
  churned_customers              integer not null,
  paying_customers               integer not null
);
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
grant select on analytics.monthly_subscriptions to analytics_reader;
