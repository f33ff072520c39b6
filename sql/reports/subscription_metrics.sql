create or replace function analytics.subscription_metrics(p_from date, p_to date)
returns table (
  bucket date, active_subscribers integer, new_subscribers integer, churned_subscribers integer,
  mrr_cents numeric, churn_rate numeric, trial_conversion numeric, complete boolean
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
  )
  select b.bucket, coalesce(r.active_subscribers, 0), coalesce(r.new_subscribers, 0), coalesce(r.churned_subscribers, 0),
         round(coalesce(r.mrr_cents, 0), 2),
         round(r.churned_subscribers::numeric / nullif(r.paying_at_start, 0), 4),
         round(r.trials_converted::numeric / nullif(r.trials_ending, 0), 4),
         b.complete
  from months b
  left join monthly r on r.month_start = b.bucket
  order by 1;
end
$$;
comment on function analytics.subscription_metrics(p_from date, p_to date) is
  'Per calendar month covering p_from .. p_to: active_subscribers, new_subscribers, churned_subscribers, mrr_cents (monthly recurring revenue, cents), churn_rate = churned / paying at month start (0-1), trial_conversion = converted / trials ending (0-1); months not stored yet (the current one) are computed live.';
revoke execute on function analytics.subscription_metrics(p_from date, p_to date) from public;
grant execute on function analytics.subscription_metrics(p_from date, p_to date) to analytics_reader;
