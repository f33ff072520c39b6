-- Refresh step: each customer's MRR and movement of the given complete
-- months, per currency.
create or replace function analytics.reconcile_monthly_customer_mrr(p_months date[])
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  if cardinality(p_months) > 0 then
    with customer_diff as materialized (
      select coalesce(f.month_start, s.month_start) as month_start, coalesce(f.currency, s.currency) as currency,
             coalesce(f.user_id, s.user_id) as user_id,
             case when s.month_start is null then 'insert' when f.month_start is null then 'delete' else 'update' end as change,
             f.mrr_start_cents, f.mrr_end_cents, f.movement
      from analytics.compute_monthly_customer_mrr(p_months) f
      full join (select * from analytics.monthly_customer_mrr a where a.month_start = any(p_months)) s
        on s.month_start = f.month_start and s.currency = f.currency and s.user_id = f.user_id
      where row(f.*) is distinct from row(s.*)
    ),
    customer_deleted as (
      delete from analytics.monthly_customer_mrr t using customer_diff d
      where d.change = 'delete' and t.month_start = any(p_months)
        and t.month_start = d.month_start and t.currency = d.currency and t.user_id = d.user_id
    ),
    customer_updated as (
      update analytics.monthly_customer_mrr t
      set mrr_start_cents = d.mrr_start_cents, mrr_end_cents = d.mrr_end_cents, movement = d.movement
      from customer_diff d
      where d.change = 'update' and t.month_start = any(p_months)
        and t.month_start = d.month_start and t.currency = d.currency and t.user_id = d.user_id
    )
    insert into analytics.monthly_customer_mrr (month_start, currency, user_id, mrr_start_cents, mrr_end_cents, movement)
    select d.month_start, d.currency, d.user_id, d.mrr_start_cents, d.mrr_end_cents, d.movement
    from customer_diff d where d.change = 'insert';
  end if;
end
$$;
comment on function analytics.reconcile_monthly_customer_mrr(p_months date[]) is
  'Refresh step: makes the rows of analytics.monthly_customer_mrr of the given months (first days; complete months only) equal to their recomputation from public.subscriptions, writing only the rows that come, go or change value.';
revoke execute on function analytics.reconcile_monthly_customer_mrr(p_months date[]) from public;
