-- Refresh step: the strength areas of the given days. The refresh passes
-- only the days whose feedback reports may have changed, and those stored
-- for the first time: the (day, criterion) sums are the costliest rollup to
-- recompute (every report contributes one value per criterion).
create or replace function analytics.reconcile_daily_criteria_scores(p_days date[])
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  if cardinality(p_days) > 0 then
    with criteria_diff as materialized (
      select coalesce(f.day, s.day) as day, coalesce(f.criterion, s.criterion) as criterion,
             case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
             f.reports, f.score_sum
      from analytics.compute_daily_criteria_scores(p_days) f
      full join (select * from analytics.daily_criteria_scores a where a.day = any(p_days)) s
        on s.day = f.day and s.criterion = f.criterion
      where row(f.*) is distinct from row(s.*)
    ),
    criteria_deleted as (
      delete from analytics.daily_criteria_scores t using criteria_diff d
      where d.change = 'delete' and t.day = any(p_days) and t.day = d.day and t.criterion = d.criterion
    ),
    criteria_updated as (
      update analytics.daily_criteria_scores t
      set reports = d.reports, score_sum = d.score_sum
      from criteria_diff d
      where d.change = 'update' and t.day = any(p_days) and t.day = d.day and t.criterion = d.criterion
    )
    insert into analytics.daily_criteria_scores (day, criterion, reports, score_sum)
    select d.day, d.criterion, d.reports, d.score_sum from criteria_diff d where d.change = 'insert';
  end if;
end
$$;
comment on function analytics.reconcile_daily_criteria_scores(p_days date[]) is
  'Refresh step: makes the rows of analytics.daily_criteria_scores of the given local days equal to their recomputation from the platform tables, writing only the rows that come, go or change value.';
revoke execute on function analytics.reconcile_daily_criteria_scores(p_days date[]) from public;
