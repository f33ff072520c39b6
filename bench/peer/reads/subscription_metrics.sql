-- analytics.subscription_metrics({{from}}, {{to}}) over the peer's views:
-- per calendar month covering the range and currency, as
-- analytics_report.business_monthly shapes it. Months not wholly stored (not
-- ended by {{through}}) are computed live from public.subscriptions, as the
-- package does, by the peer's own definition
-- (bench/peer/10-monthly_subscriptions.sql, cut at the end of the range's
-- last month, substituted by bench/peer.ts). The peer has no per-customer
-- MRR view (the eleven views are the outputs the package had before MRR
-- went per currency): each month's MRR per currency is summed here from the
-- subscriptions paying at the month's end.
with months as (
  select b::date as bucket, (b + interval '1 month') at time zone {{zone}} as ends_at,
         (b + interval '1 month')::date <= (now() at time zone {{zone}})::date as complete
  from generate_series(date_trunc('month', {{from}}::date::timestamp), date_trunc('month', {{to}}::date::timestamp),
                       interval '1 month') b
),
monthly as (
  select m.* from bench_peer.monthly_subscriptions m
  where m.month_start < date_trunc('month', ({{through}}::date + 1)::timestamp)::date
  union all
  select l.* from ({{live_monthly_subscriptions}}
  ) l
  where l.month_start >= date_trunc('month', ({{through}}::date + 1)::timestamp)::date
),
revenue as (
  -- a currency appears in a month when a customer pays in it at the month's
  -- start or end; its MRR is the end's
  select b.bucket, s.currency,
         coalesce(sum(s.amount_cents::numeric / case s.billing_interval when 'quarter' then 3 when 'year' then 12 else 1 end)
                    filter (where coalesce(s.trial_ends_at, s.started_at) <= b.ends_at
                              and (s.ended_at is null or b.ends_at < s.ended_at)), 0) as mrr_cents
  from months b
  join public.subscriptions s
    on coalesce(s.trial_ends_at, s.started_at) <= b.ends_at
   and (s.ended_at is null or (b.ends_at - interval '1 month') < s.ended_at)
  group by b.bucket, s.currency
  having bool_or(coalesce(s.trial_ends_at, s.started_at) <= (b.ends_at - interval '1 month')
                 or (coalesce(s.trial_ends_at, s.started_at) <= b.ends_at and (s.ended_at is null or b.ends_at < s.ended_at)))
)
select b.bucket, v.currency, round(coalesce(v.mrr_cents, 0), 2) as mrr_cents,
       coalesce(r.paying_customers, 0) as paying_customers,
       coalesce(r.new_customers, 0) as new_customers,
       coalesce(r.reactivated_customers, 0) as reactivated_customers,
       coalesce(r.churned_customers, 0) as churned_customers,
       round(r.churned_customers::numeric / nullif(r.customers_at_start, 0), 4) as customer_churn_rate,
       coalesce(r.active_subscriptions, 0) as active_subscriptions,
       coalesce(r.new_subscriptions, 0) as new_subscriptions,
       coalesce(r.churned_subscriptions, 0) as churned_subscriptions,
       round(r.churned_subscriptions::numeric / nullif(r.paying_subscriptions_at_start, 0), 4) as subscription_churn_rate,
       round(r.trials_converted::numeric / nullif(r.trials_ending, 0), 4) as trial_conversion,
       b.complete
from months b
left join revenue v on v.bucket = b.bucket
left join monthly r on r.month_start = b.bucket
order by 1, 2
