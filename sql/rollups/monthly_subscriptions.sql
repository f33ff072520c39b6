create table analytics.monthly_subscriptions (
  month_start          date    not null primary key,
  active_subscribers   integer not null,
  new_subscribers      integer not null,
  churned_subscribers  integer not null,
  mrr_cents            numeric not null,
  paying_at_start      integer not null,
  trials_ending        integer not null,
  trials_converted     integer not null
);
comment on table analytics.monthly_subscriptions is
  'Subscription metrics per complete local calendar month, derived from subscription timestamps only (never from status), so history is reproducible. Paid period starts at coalesce(trial_ends_at, started_at); a subscription is paying at instant T when paid start <= T < coalesce(ended_at, infinity).';
comment on column analytics.monthly_subscriptions.month_start is
  'First local day of the month.';
comment on column analytics.monthly_subscriptions.active_subscribers is
  'Subscriptions paying at the first instant of the next month (count).';
comment on column analytics.monthly_subscriptions.new_subscribers is
  'Subscriptions whose paid start falls in the month and that are paying at that start (count).';
comment on column analytics.monthly_subscriptions.churned_subscribers is
  'Subscriptions whose ended_at falls in the month, after their paid start (count).';
comment on column analytics.monthly_subscriptions.mrr_cents is
  'Monthly recurring revenue of active_subscribers: amount_cents normalised to one month (quarter / 3, year / 12), in cents (exact, may have a fraction). Assumes one currency.';
comment on column analytics.monthly_subscriptions.paying_at_start is
  'Subscriptions paying at the first instant of the month (count): the churn-rate denominator.';
comment on column analytics.monthly_subscriptions.trials_ending is
  'Subscriptions whose trial_ends_at falls in the month (count).';
comment on column analytics.monthly_subscriptions.trials_converted is
  'Of those, subscriptions with ended_at null or after trial_ends_at (count).';
grant select on analytics.monthly_subscriptions to analytics_reader;
