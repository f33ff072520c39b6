-- MRR movements per customer, measured between month boundaries: a
-- customer's MRR in a currency at the month's first instant against the
-- first instant of the next month. A plan change within the month (one
-- subscription ends, another starts) is the difference of the two: an
-- expansion or a contraction, not a churn and a new customer. A customer
-- who starts and stops paying within one month pays at neither instant and
-- has no movement. "Paying at T" is subscription_terms()'s: paid start
-- (trial end, else start) <= T < ended_at.
create or replace function analytics.compute_monthly_customer_mrr(p_months date[])
returns setof analytics.monthly_customer_mrr
language plpgsql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  return query
  with customers as (
    select m.month_start, s.currency, s.user_id,
           coalesce(sum(s.monthly_cents) filter (where s.paid_from <= m.starts_at and (s.ended_at is null or m.starts_at < s.ended_at)), 0) as mrr_start,
           coalesce(sum(s.monthly_cents) filter (where s.paid_from <= m.ends_at and (s.ended_at is null or m.ends_at < s.ended_at)), 0) as mrr_end,
           -- paid for some time before the month: a comeback is a reactivation
           bool_or(s.paid_from < m.starts_at and (s.ended_at is null or s.paid_from < s.ended_at)) as paid_before
    from analytics.month_instants(p_months) m
    join analytics.subscription_terms() s on s.paid_from <= m.ends_at
    group by m.month_start, s.currency, s.user_id
  )
  select c.month_start, c.currency, c.user_id, c.mrr_start, c.mrr_end,
         case when c.mrr_start = 0 then case when c.paid_before then 'reactivation' else 'new' end
              when c.mrr_end = 0 then 'churn'
              when c.mrr_end > c.mrr_start then 'expansion'
              when c.mrr_end < c.mrr_start then 'contraction'
              else 'unchanged' end
  from customers c
  where c.mrr_start > 0 or c.mrr_end > 0;
end
$$;
comment on function analytics.compute_monthly_customer_mrr(p_months date[]) is
  'Rows of analytics.monthly_customer_mrr for the given month starts, computed from the platform subscriptions'' timestamps, amounts and currencies.';
revoke execute on function analytics.compute_monthly_customer_mrr(p_months date[]) from public;
