-- Refresh step: new users of the given days.
create or replace function analytics.reconcile_daily_signups(p_days date[])
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  if cardinality(p_days) > 0 then
    with signup_diff as materialized (
      select coalesce(f.day, s.day) as day,
             case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
             f.new_users
      from analytics.compute_daily_signups(p_days) f
      full join (select * from analytics.daily_signups a where a.day = any(p_days)) s on s.day = f.day
      where row(f.*) is distinct from row(s.*)
    ),
    signup_deleted as (
      delete from analytics.daily_signups t using signup_diff d
      where d.change = 'delete' and t.day = any(p_days) and t.day = d.day
    ),
    signup_updated as (
      update analytics.daily_signups t
      set new_users = d.new_users
      from signup_diff d
      where d.change = 'update' and t.day = any(p_days) and t.day = d.day
    )
    insert into analytics.daily_signups (day, new_users)
    select d.day, d.new_users from signup_diff d where d.change = 'insert';
  end if;
end
$$;
comment on function analytics.reconcile_daily_signups(p_days date[]) is
  'Refresh step: makes the rows of analytics.daily_signups of the given local days equal to their recomputation from public.users, writing only the rows that come, go or change value.';
revoke execute on function analytics.reconcile_daily_signups(p_days date[]) from public;
