-- The API's MRR movements: analytics_report.mrr_movements for any range, and
-- the months not stored yet (the current one) computed live, as the
-- subscriptions stand now (a cancellation that takes effect at the month's
-- end already shows as churn).
create or replace function analytics.mrr_movement_metrics(p_from date, p_to date)
returns table (
  bucket date, currency text, mrr_start_cents numeric, new_cents numeric, expansion_cents numeric,
  contraction_cents numeric, churn_cents numeric, reactivation_cents numeric, mrr_end_cents numeric, complete boolean
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_live_months date[] := array(select b.bucket from analytics.bucket_span(p_from, p_to, 'month') b
                                where b.last_day > coalesce(v_through, '-infinity'));
begin
  return query
  with months as (select * from analytics.bucket_span(p_from, p_to, 'month')),
  customers as (
    select c.* from analytics.monthly_customer_mrr c
    join months b on b.bucket = c.month_start
    where b.last_day <= v_through
    union all
    select c.* from analytics.compute_monthly_customer_mrr(v_live_months) c
    where cardinality(v_live_months) > 0
  )
  select b.bucket, c.currency,
         round(sum(c.mrr_start_cents), 2),
         round(coalesce(sum(c.mrr_end_cents) filter (where c.movement = 'new'), 0), 2),
         round(coalesce(sum(c.mrr_end_cents - c.mrr_start_cents) filter (where c.movement = 'expansion'), 0), 2),
         round(coalesce(sum(c.mrr_start_cents - c.mrr_end_cents) filter (where c.movement = 'contraction'), 0), 2),
         round(coalesce(sum(c.mrr_start_cents) filter (where c.movement = 'churn'), 0), 2),
         round(coalesce(sum(c.mrr_end_cents) filter (where c.movement = 'reactivation'), 0), 2),
         round(sum(c.mrr_end_cents), 2),
         b.complete
  from months b
  join customers c on c.month_start = b.bucket
  group by b.bucket, c.currency, b.complete
  order by 1, 2;
end
$$;
comment on function analytics.mrr_movement_metrics(p_from date, p_to date) is
  'Per calendar month covering p_from .. p_to and currency with a paying customer: MRR at the start, new, expansion, contraction, churn and reactivation (positive, in cents, rounded to 2 decimals) and MRR at the end, as analytics_report.mrr_movements defines them; months not stored yet (the current one) are computed live from the subscriptions as they stand, and are not complete.';
revoke execute on function analytics.mrr_movement_metrics(p_from date, p_to date) from public;
grant execute on function analytics.mrr_movement_metrics(p_from date, p_to date) to analytics_reader;
