-- Criteria: the nine criteria of the OET's assessment are read as columns
-- of one row per day, and only keys outside them are expanded. Expanding
-- every report with jsonb_each() into a row per criterion and grouping
-- those (nine rows per report) would be the dearest step of a rebuild; it
-- looks cheap in benchmarks only where reports share one criteria object
-- and PostgreSQL reuses the expansion (Memoize), which real reports, each
-- its own object, do not allow. The result is the same for any object: a
-- key counts where its value is a JSON number, whatever the key.
create or replace function analytics.compute_daily_criteria_scores(p_days date[])
returns setof analytics.daily_criteria_scores
language plpgsql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_from timestamptz := (select pg_catalog.min(d) from pg_catalog.unnest(p_days) d)::timestamp at time zone v_zone;
  v_to timestamptz := ((select pg_catalog.max(d) from pg_catalog.unnest(p_days) d) + 1)::timestamp at time zone v_zone;
  v_known constant text[] := array['intelligibility', 'fluency', 'appropriateness', 'grammar_expression',
    'relationship_building', 'patient_perspective', 'structure', 'information_gathering', 'information_giving'];
begin
  return query
  with reports as (
    select (s.started_at at time zone v_zone)::date as day,
           r.criteria_scores -> 'intelligibility' as c1, r.criteria_scores -> 'fluency' as c2,
           r.criteria_scores -> 'appropriateness' as c3, r.criteria_scores -> 'grammar_expression' as c4,
           r.criteria_scores -> 'relationship_building' as c5, r.criteria_scores -> 'patient_perspective' as c6,
           r.criteria_scores -> 'structure' as c7, r.criteria_scores -> 'information_gathering' as c8,
           r.criteria_scores -> 'information_giving' as c9,
           r.criteria_scores - v_known as other
    from public.feedback_reports r
    join public.sessions s on s.id = r.session_id
    where s.started_at >= v_from and s.started_at < v_to
      and (s.started_at at time zone v_zone)::date = any(p_days)
  ),
  per_day as (
    select r.day,
           pg_catalog.count(*) filter (where pg_catalog.jsonb_typeof(r.c1) = 'number') as n1,
           pg_catalog.sum(r.c1::numeric) filter (where pg_catalog.jsonb_typeof(r.c1) = 'number') as s1,
           pg_catalog.count(*) filter (where pg_catalog.jsonb_typeof(r.c2) = 'number') as n2,
           pg_catalog.sum(r.c2::numeric) filter (where pg_catalog.jsonb_typeof(r.c2) = 'number') as s2,
           pg_catalog.count(*) filter (where pg_catalog.jsonb_typeof(r.c3) = 'number') as n3,
           pg_catalog.sum(r.c3::numeric) filter (where pg_catalog.jsonb_typeof(r.c3) = 'number') as s3,
           pg_catalog.count(*) filter (where pg_catalog.jsonb_typeof(r.c4) = 'number') as n4,
           pg_catalog.sum(r.c4::numeric) filter (where pg_catalog.jsonb_typeof(r.c4) = 'number') as s4,
           pg_catalog.count(*) filter (where pg_catalog.jsonb_typeof(r.c5) = 'number') as n5,
           pg_catalog.sum(r.c5::numeric) filter (where pg_catalog.jsonb_typeof(r.c5) = 'number') as s5,
           pg_catalog.count(*) filter (where pg_catalog.jsonb_typeof(r.c6) = 'number') as n6,
           pg_catalog.sum(r.c6::numeric) filter (where pg_catalog.jsonb_typeof(r.c6) = 'number') as s6,
           pg_catalog.count(*) filter (where pg_catalog.jsonb_typeof(r.c7) = 'number') as n7,
           pg_catalog.sum(r.c7::numeric) filter (where pg_catalog.jsonb_typeof(r.c7) = 'number') as s7,
           pg_catalog.count(*) filter (where pg_catalog.jsonb_typeof(r.c8) = 'number') as n8,
           pg_catalog.sum(r.c8::numeric) filter (where pg_catalog.jsonb_typeof(r.c8) = 'number') as s8,
           pg_catalog.count(*) filter (where pg_catalog.jsonb_typeof(r.c9) = 'number') as n9,
           pg_catalog.sum(r.c9::numeric) filter (where pg_catalog.jsonb_typeof(r.c9) = 'number') as s9,
           -- reports with other keys are rare: kept whole, expanded below
           pg_catalog.array_agg(r.other) filter (where r.other <> '{}'::jsonb) as others
    from reports r
    group by r.day
  )
  select p.day, k.criterion, k.reports::integer, k.score_sum
  from per_day p
  cross join lateral (values
    (v_known[1], p.n1, p.s1), (v_known[2], p.n2, p.s2), (v_known[3], p.n3, p.s3),
    (v_known[4], p.n4, p.s4), (v_known[5], p.n5, p.s5), (v_known[6], p.n6, p.s6),
    (v_known[7], p.n7, p.s7), (v_known[8], p.n8, p.s8), (v_known[9], p.n9, p.s9)) k(criterion, reports, score_sum)
  where k.reports > 0
  union all
  select p.day, e.key, pg_catalog.count(*)::integer, pg_catalog.sum(e.value::numeric)
  from per_day p, pg_catalog.unnest(p.others) o, pg_catalog.jsonb_each(o) e
  where pg_catalog.jsonb_typeof(e.value) = 'number'
  group by p.day, e.key;
end
$$;
comment on function analytics.compute_daily_criteria_scores(p_days date[]) is
  'Rows of analytics.daily_criteria_scores for the given local days, computed from the platform tables: the nine OET criteria read as columns, any other numeric key of criteria_scores expanded.';
revoke execute on function analytics.compute_daily_criteria_scores(p_days date[]) from public;
