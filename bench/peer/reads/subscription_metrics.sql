-- analytics.subscription_metrics({{from}}, {{to}}) over the peer's views:
-- per calendar month covering the range, zero-filled. Months not wholly
-- stored (not ended by {{through}}) are computed live from
-- public.subscriptions, as the package does, by the peer's own definition
-- (bench/peer/10-monthly_subscriptions.sql, cut at the end of the range's
-- last month, substituted by bench/peer.ts).
with months as (
  select b::date as bucket, (b + interval '1 month')::date <= (now() at time zone {{zone}})::date as complete
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
)
select b.bucket,
       coalesce(r.active_subscribers, 0) as active_subscribers,
       coalesce(r.new_subscribers, 0) as new_subscribers,
       coalesce(r.churned_subscribers, 0) as churned_subscribers,
       round(coalesce(r.mrr_cents, 0), 2) as mrr_cents,
       round(r.churned_subscribers::numeric / nullif(r.paying_at_start, 0), 4) as churn_rate,
       round(r.trials_converted::numeric / nullif(r.trials_ending, 0), 4) as trial_conversion,
       b.complete
from months b
left join monthly r on r.month_start = b.bucket
order by 1
