-- The last step of a refresh that recomputed finished, stored periods:
-- compares their numbers with the snapshot taken before (p_before, rows of
-- period_numbers() as JSON) and records each one that changed, in the
-- periods the snapshot holds (a week or month with no number in it was not
-- stored before: it is stored now, not restated). An amount of money absent
-- in a currency is 0 there; a rate without a row stays null.
create or replace function analytics.record_restatements(p_before jsonb, p_weeks date[], p_months date[], p_causes jsonb)
returns integer
language sql
set search_path = pg_catalog, analytics, pg_temp
as $$
  with before as (
    select * from pg_catalog.jsonb_to_recordset(p_before)
      as b(metric text, period_start date, currency text, value numeric, source text)
  ),
  after as (
    select * from analytics.period_numbers(p_weeks, p_months)
  ),
  pairs as (
    select coalesce(a.metric, b.metric) as metric, coalesce(a.period_start, b.period_start) as period_start,
           coalesce(a.currency, b.currency) as currency, coalesce(a.source, b.source) as source,
           coalesce(b.value, case when a.currency is not null then 0 end) as old_value,
           coalesce(a.value, case when b.currency is not null then 0 end) as new_value
    from before b
    full join after a
      on a.metric = b.metric and a.period_start = b.period_start and coalesce(a.currency, '') = coalesce(b.currency, '')
  ),
  recorded as (
    insert into analytics.restatement_log (metric, period_start, currency, old_value, new_value, cause)
    select p.metric, p.period_start, p.currency, p.old_value, p.new_value,
           coalesce(p_causes ->> p.source, p_causes ->> '*', 'recomputed by a refresh')
    from pairs p
    where p.old_value is distinct from p.new_value
      -- of a period stored before: one that was not is stored, not restated
      and exists (select from before s
                  where s.period_start = p.period_start
                    and (s.metric like 'platform\_weekly.%') = (p.metric like 'platform\_weekly.%'))
    order by p.period_start, p.metric, p.currency
    returning 1
  )
  select count(*)::integer from recorded
$$;
comment on function analytics.record_restatements(p_before jsonb, p_weeks date[], p_months date[], p_causes jsonb) is
  'Refresh step: records in analytics.restatement_log every number of the given finished weeks and months that differs from p_before (rows of analytics.period_numbers() taken before the refresh, as JSON), with the cause of its source from p_causes (an object source -> text; key * for every source). Returns how many it recorded.';
revoke execute on function analytics.record_restatements(p_before jsonb, p_weeks date[], p_months date[], p_causes jsonb) from public;
