-- Refresh step: distinct active users of the given complete weeks and
-- months, derived from the stored daily_user_activity (derive_period_active_users),
-- so the session rollups of those periods are reconciled first. The refresh
-- passes the periods of the days whose set of active users changed, or that
-- are stored for the first time.
create or replace function analytics.reconcile_period_active_users(p_weeks date[], p_months date[])
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  with period_diff as materialized (
    select coalesce(f.granularity, s.granularity) as granularity, coalesce(f.period_start, s.period_start) as period_start,
           case when s.period_start is null then 'insert' when f.period_start is null then 'delete' else 'update' end as change,
           f.active_users
    from (select * from analytics.derive_period_active_users('week', p_weeks)
          union all
          select * from analytics.derive_period_active_users('month', p_months)) f
    full join (select * from analytics.period_active_users a
               where (a.granularity = 'week' and a.period_start = any(p_weeks))
                  or (a.granularity = 'month' and a.period_start = any(p_months))) s
      on s.granularity = f.granularity and s.period_start = f.period_start
    where row(f.*) is distinct from row(s.*)
  ),
  period_deleted as (
    delete from analytics.period_active_users t using period_diff d
    where d.change = 'delete' and t.granularity = d.granularity and t.period_start = d.period_start
  ),
  period_updated as (
    update analytics.period_active_users t
    set active_users = d.active_users
    from period_diff d
    where d.change = 'update' and t.granularity = d.granularity and t.period_start = d.period_start
  )
  insert into analytics.period_active_users (granularity, period_start, active_users)
  select d.granularity, d.period_start, d.active_users from period_diff d where d.change = 'insert';
end
$$;
comment on function analytics.reconcile_period_active_users(p_weeks date[], p_months date[]) is
  'Refresh step: makes the rows of analytics.period_active_users of the given weeks (Monday starts) and months (first days) equal to their derivation from the stored analytics.daily_user_activity, writing only the rows that come, go or change value. Pass complete periods only.';
revoke execute on function analytics.reconcile_period_active_users(p_weeks date[], p_months date[]) from public;
