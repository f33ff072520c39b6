-- Refresh step: dau/wau/mau of the given days. The refresh passes the days
-- whose rolling windows moved: the 30 days from each day whose set of active
-- users changed, or that is stored for the first time. The rolling counts
-- are computed from daily_user_activity for the days up to
-- settings.materialized_through, and from the platform tables after it, so
-- the session rollups of those windows are reconciled, and marked stored,
-- first.
create or replace function analytics.reconcile_daily_active_users(p_days date[])
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  with active_diff as materialized (
    select coalesce(f.day, s.day) as day,
           case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
           f.dau, f.wau, f.mau
    from analytics.compute_daily_active_users(p_days) f
    full join (select * from analytics.daily_active_users a where a.day = any(p_days)) s on s.day = f.day
    where row(f.*) is distinct from row(s.*)
  ),
  active_deleted as (
    delete from analytics.daily_active_users t using active_diff d
    where d.change = 'delete' and t.day = any(p_days) and t.day = d.day
  ),
  active_updated as (
    update analytics.daily_active_users t
    set dau = d.dau, wau = d.wau, mau = d.mau
    from active_diff d
    where d.change = 'update' and t.day = any(p_days) and t.day = d.day
  )
  insert into analytics.daily_active_users (day, dau, wau, mau)
  select d.day, d.dau, d.wau, d.mau from active_diff d where d.change = 'insert';
end
$$;
comment on function analytics.reconcile_daily_active_users(p_days date[]) is
  'Refresh step: makes the rows of analytics.daily_active_users of the given local days equal to compute_daily_active_users() of them, writing only the rows that come, go or change value.';
revoke execute on function analytics.reconcile_daily_active_users(p_days date[]) from public;
