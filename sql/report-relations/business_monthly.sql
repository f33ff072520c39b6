create or replace view analytics_report.business_monthly as
select p.period_start as month_start, p.period_end as month_end,
       coalesce(u.active_users, 0)::bigint as active_users,
       coalesce(m.active_subscribers, 0) as active_subscribers,
       coalesce(m.new_subscribers, 0) as new_subscribers,
       coalesce(m.churned_subscribers, 0) as churned_subscribers,
       coalesce(m.paying_at_start, 0) as paying_at_start,
       round(m.churned_subscribers::numeric / nullif(m.paying_at_start, 0), 4) as churn_rate,
       round(coalesce(m.mrr_cents, 0), 2) as mrr_cents,
       coalesce(m.trials_ending, 0) as trials_ending,
       coalesce(m.trials_converted, 0) as trials_converted,
       round(m.trials_converted::numeric / nullif(m.trials_ending, 0), 4) as trial_conversion
from analytics.report_periods p
-- a finished month without a row had no subscription activity
left join analytics.monthly_subscriptions m on m.month_start = p.period_start
left join analytics.period_active_users u on u.granularity = 'month' and u.period_start = p.period_start
where p.granularity = 'month';
comment on view analytics_report.business_monthly is
  'Subscription business per finished calendar month (local), zero-filled, derived from subscription timestamps (see analytics.monthly_subscriptions). Mirrors analytics.subscription_metrics() and the month''s active users of analytics.session_metrics(…, ''month'').';
comment on column analytics_report.business_monthly.month_start is
  'First local day of the calendar month.';
comment on column analytics_report.business_monthly.month_end is
  'Last local day of the calendar month.';
comment on column analytics_report.business_monthly.active_users is
  'Distinct users who started a session in the row''s period (count; exact, never a sum of days).';
comment on column analytics_report.business_monthly.active_subscribers is
  'Subscriptions paying at the first instant of the next month (count).';
comment on column analytics_report.business_monthly.new_subscribers is
  'Subscriptions whose paid period starts in the month and that are paying then (count).';
comment on column analytics_report.business_monthly.churned_subscribers is
  'Subscriptions ended in the month after their paid start (count): churn_rate''s numerator.';
comment on column analytics_report.business_monthly.paying_at_start is
  'Subscriptions paying at the first instant of the month (count): churn_rate''s denominator.';
comment on column analytics_report.business_monthly.churn_rate is
  'churned_subscribers / paying_at_start (0-1, 4 decimals); null when paying_at_start is 0.';
comment on column analytics_report.business_monthly.mrr_cents is
  'Monthly recurring revenue of active_subscribers: amount_cents normalised to one month (quarter / 3, year / 12), in cents, 2 decimals. Assumes one currency.';
comment on column analytics_report.business_monthly.trials_ending is
  'Subscriptions whose trial ends in the month (count): trial_conversion''s denominator.';
comment on column analytics_report.business_monthly.trials_converted is
  'Of those, subscriptions not ended by the trial''s end (count): trial_conversion''s numerator.';
comment on column analytics_report.business_monthly.trial_conversion is
  'trials_converted / trials_ending (0-1, 4 decimals); null when trials_ending is 0.';
grant select on analytics_report.business_monthly to analytics_reader;
