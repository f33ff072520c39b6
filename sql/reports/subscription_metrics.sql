-- The API's subscription metrics: analytics_report.business_monthly for any
-- range (without its active users), and the months not stored yet (the
-- current one) computed live, as the subscriptions stand now.
create or replace function analytics.subscription_metrics(p_from date, p_to date)
returns table (
  bucket date, currency text, mrr_cents numeric,
  paying_customers integer, new_customers integer, reactivated_customers integer, churned_customers integer,
  customer_churn_rate numeric,
  active_subscriptions integer, new_subscriptions integer, churned_subscriptions integer, subscription_churn_rate numeric,
  trial_conversion numeric, complete boolean
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  -- months not wholly stored yet (the current one): computed live
  v_live_months date[] := array(select b.bucket from analytics.bucket_span(p_from, p_to, 'month') b
                                where b.last_day > coalesce(v_through, '-infinity'));
begin
  return query
  with months as (select * from analytics.bucket_span(p_from, p_to, 'month')),
  monthly as (
    -- stored months (a month without a row had no subscription activity)
    select m.* from analytics.monthly_subscriptions m
    join months b on b.bucket = m.month_start
    where b.last_day <= v_through
    union all
    select c.* from analytics.compute_monthly_subscriptions(v_live_months) c
    where cardinality(v_live_months) > 0
  ),
  -- MRR per month and currency, stored or live: the end of its movements
  revenue as (
    select m.bucket as month_start, m.currency, m.mrr_end_cents as mrr_cents
    from analytics.mrr_movement_metrics(p_from, p_to) m
  )
  select b.bucket, v.currency, round(coalesce(v.mrr_cents, 0), 2),
         coalesce(r.paying_customers, 0), coalesce(r.new_customers, 0), coalesce(r.reactivated_customers, 0),
         coalesce(r.churned_customers, 0),
         round(r.churned_customers::numeric / nullif(r.customers_at_start, 0), 4),
         coalesce(r.active_subscriptions, 0), coalesce(r.new_subscriptions, 0), coalesce(r.churned_subscriptions, 0),
         round(r.churned_subscriptions::numeric / nullif(r.paying_subscriptions_at_start, 0), 4),
         round(r.trials_converted::numeric / nullif(r.trials_ending, 0), 4),
         b.complete
  from months b
  -- as in business_monthly: the month's currencies, or one row with currency null
  left join revenue v on v.month_start = b.bucket
  left join monthly r on r.month_start = b.bucket
  order by 1, 2;
end
$$;
comment on function analytics.subscription_metrics(p_from date, p_to date) is
  'Per calendar month covering p_from .. p_to and currency (every currency with a customer paying at the month''s start or end; currency null, on a single row, in a month without one): mrr_cents in that currency (monthly recurring revenue, cents), and, platform-wide and the same on each currency row of a month, customers paying at the month''s end, new, reactivated and churned customers, customer_churn_rate = churned / paying at the month''s start (0-1), subscriptions active, new and churned, subscription_churn_rate, trial_conversion = converted / trials ending (0-1); as analytics_report.business_monthly defines them. Months not stored yet (the current one) are computed live.';
revoke execute on function analytics.subscription_metrics(p_from date, p_to date) from public;
grant execute on function analytics.subscription_metrics(p_from date, p_to date) to analytics_reader;
