-- Refresh step: the subscription figures of the given complete months.
create or replace function analytics.reconcile_monthly_subscriptions(p_months date[])
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  if cardinality(p_months) > 0 then
    with month_diff as materialized (
      select coalesce(f.month_start, s.month_start) as month_start,
             case when s.month_start is null then 'insert' when f.month_start is null then 'delete' else 'update' end as change,
             f.active_subscriptions, f.new_subscriptions, f.churned_subscriptions, f.paying_subscriptions_at_start,
             f.trials_ending, f.trials_converted, f.customers_at_start, f.new_customers, f.reactivated_customers,
             f.churned_customers, f.paying_customers
      from analytics.compute_monthly_subscriptions(p_months) f
      full join (select * from analytics.monthly_subscriptions a where a.month_start = any(p_months)) s
        on s.month_start = f.month_start
      where row(f.*) is distinct from row(s.*)
    ),
    month_deleted as (
      delete from analytics.monthly_subscriptions t using month_diff d
      where d.change = 'delete' and t.month_start = d.month_start
    ),
    month_updated as (
      update analytics.monthly_subscriptions t
      set active_subscriptions = d.active_subscriptions, new_subscriptions = d.new_subscriptions,
          churned_subscriptions = d.churned_subscriptions, paying_subscriptions_at_start = d.paying_subscriptions_at_start,
          trials_ending = d.trials_ending, trials_converted = d.trials_converted,
          customers_at_start = d.customers_at_start, new_customers = d.new_customers,
          reactivated_customers = d.reactivated_customers, churned_customers = d.churned_customers,
          paying_customers = d.paying_customers
      from month_diff d
      where d.change = 'update' and t.month_start = d.month_start
    )
    insert into analytics.monthly_subscriptions
      (month_start, active_subscriptions, new_subscriptions, churned_subscriptions, paying_subscriptions_at_start,
       trials_ending, trials_converted, customers_at_start, new_customers, reactivated_customers,
       churned_customers, paying_customers)
    select d.month_start, d.active_subscriptions, d.new_subscriptions, d.churned_subscriptions, d.paying_subscriptions_at_start,
           d.trials_ending, d.trials_converted, d.customers_at_start, d.new_customers, d.reactivated_customers,
           d.churned_customers, d.paying_customers
    from month_diff d where d.change = 'insert';
  end if;
end
$$;
comment on function analytics.reconcile_monthly_subscriptions(p_months date[]) is
  'Refresh step: makes the rows of analytics.monthly_subscriptions of the given months (first days; complete months only) equal to their recomputation from public.subscriptions, writing only the rows that come, go or change value.';
revoke execute on function analytics.reconcile_monthly_subscriptions(p_months date[]) from public;
