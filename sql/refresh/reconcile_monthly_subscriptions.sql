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
             f.active_subscribers, f.new_subscribers, f.churned_subscribers, f.mrr_cents,
             f.paying_at_start, f.trials_ending, f.trials_converted
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
      set active_subscribers = d.active_subscribers, new_subscribers = d.new_subscribers,
          churned_subscribers = d.churned_subscribers, mrr_cents = d.mrr_cents,
          paying_at_start = d.paying_at_start, trials_ending = d.trials_ending, trials_converted = d.trials_converted
      from month_diff d
      where d.change = 'update' and t.month_start = d.month_start
    )
    insert into analytics.monthly_subscriptions
      (month_start, active_subscribers, new_subscribers, churned_subscribers, mrr_cents,
       paying_at_start, trials_ending, trials_converted)
    select d.month_start, d.active_subscribers, d.new_subscribers, d.churned_subscribers, d.mrr_cents,
           d.paying_at_start, d.trials_ending, d.trials_converted
    from month_diff d where d.change = 'insert';
  end if;
end
$$;
comment on function analytics.reconcile_monthly_subscriptions(p_months date[]) is
  'Refresh step: makes the rows of analytics.monthly_subscriptions of the given months (first days; complete months only) equal to their recomputation from public.subscriptions, writing only the rows that come, go or change value.';
revoke execute on function analytics.reconcile_monthly_subscriptions(p_months date[]) from public;
