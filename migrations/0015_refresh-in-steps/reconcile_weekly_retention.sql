-- Refresh step: the retention cells of the given signup cohorts (whose
-- members changed) and of the given activity weeks (whose active users
-- changed, or which are new), derived from the stored daily_user_activity
-- (derive_weekly_retention), so the session rollups are reconciled first.
create or replace function analytics.reconcile_weekly_retention(p_cohorts date[], p_activity_weeks date[], p_through date)
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  if cardinality(p_cohorts) + cardinality(p_activity_weeks) > 0 then
    with retention_diff as materialized (
      select coalesce(f.cohort_week, s.cohort_week) as cohort_week, coalesce(f.week_offset, s.week_offset) as week_offset,
             case when s.cohort_week is null then 'insert' when f.cohort_week is null then 'delete' else 'update' end as change,
             f.retained
      from analytics.derive_weekly_retention(p_cohorts, p_activity_weeks, p_through) f
      full join (select * from analytics.weekly_retention a
                 where a.cohort_week = any(p_cohorts) or a.cohort_week + a.week_offset * 7 = any(p_activity_weeks)) s
        on s.cohort_week = f.cohort_week and s.week_offset = f.week_offset
      where row(f.*) is distinct from row(s.*)
    ),
    retention_deleted as (
      delete from analytics.weekly_retention t using retention_diff d
      where d.change = 'delete' and t.cohort_week = d.cohort_week and t.week_offset = d.week_offset
    ),
    retention_updated as (
      update analytics.weekly_retention t
      set retained = d.retained
      from retention_diff d
      where d.change = 'update' and t.cohort_week = d.cohort_week and t.week_offset = d.week_offset
    )
    insert into analytics.weekly_retention (cohort_week, week_offset, retained)
    select d.cohort_week, d.week_offset, d.retained from retention_diff d where d.change = 'insert';
  end if;
end
$$;
comment on function analytics.reconcile_weekly_retention(p_cohorts date[], p_activity_weeks date[], p_through date) is
  'Refresh step: makes the rows of analytics.weekly_retention of the given cohort weeks, and the cells that fall in the given activity weeks, equal to their derivation from public.users and the stored analytics.daily_user_activity up to p_through, writing only the rows that come, go or change value.';
revoke execute on function analytics.reconcile_weekly_retention(p_cohorts date[], p_activity_weeks date[], p_through date) from public;
