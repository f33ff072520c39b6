create or replace function analytics.strength_areas(p_from date, p_to date, p_user_id uuid default null)
returns table (criterion text, average_score numeric, reports bigint)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_live date[] := analytics.live_days(p_from, p_to);
begin
  if p_user_id is null then
    return query
    select c.criterion, round(sum(c.score_sum) / sum(c.reports), 3), sum(c.reports)::bigint
    from (select c.criterion, c.score_sum, c.reports from analytics.daily_criteria_scores c
          where c.day between p_from and least(p_to, v_through)
          union all
          select c.criterion, c.score_sum, c.reports from analytics.compute_daily_criteria_scores(v_live) c
          where cardinality(v_live) > 0) c
    group by c.criterion
    order by c.criterion;
  else
    -- One user's reports are few and indexed by user: read them directly
    -- rather than keep a per-user, per-criterion rollup nine times the size
    -- of daily_user_activity for a report read one user at a time.
    return query
    select e.key, round(avg(e.value::numeric), 3), count(*)::bigint
    from public.sessions s
    join public.feedback_reports f on f.session_id = s.id,
         jsonb_each(f.criteria_scores) e
    where s.user_id = p_user_id
      and s.started_at >= p_from::timestamp at time zone analytics.reporting_timezone()
      and s.started_at < (p_to + 1)::timestamp at time zone analytics.reporting_timezone()
      and jsonb_typeof(e.value) = 'number'
    group by e.key
    order by e.key;
  end if;
end
$$;
comment on function analytics.strength_areas(p_from date, p_to date, p_user_id uuid) is
  'Mean score per feedback criterion over the reports of sessions started on p_from .. p_to, platform-wide or for one user: criterion, average_score (criterion''s own scale), reports (count).';
revoke execute on function analytics.strength_areas(p_from date, p_to date, p_user_id uuid) from public;
grant execute on function analytics.strength_areas(p_from date, p_to date, p_user_id uuid) to analytics_reader;
