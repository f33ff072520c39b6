create or replace function analytics.user_activity_metrics(p_user_id uuid, p_from date, p_to date, p_granularity text default 'day')
returns table (
  bucket date, sessions_started bigint, sessions_completed bigint, completion_rate numeric,
  average_score numeric, practice_minutes numeric, complete boolean
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_today date := analytics.local_today();
  v_first date;
  v_last date;
  v_live date[];
begin
  select b.first_day, b.last_day into v_first, v_last from analytics.bucket_bounds(p_from, p_to, p_granularity) b;
  v_live := analytics.live_days(v_first, v_last);
  -- by day: each stored or live day as it is, joined to the series of days
  -- (grouping and merge-joining the rows to bucket_span() cost more than
  -- reading them; one query for all three granularities was 1.3x slower)
  if p_granularity = 'day' then
    return query
    select g::date, coalesce(d.sessions_started, 0)::bigint, coalesce(d.sessions_completed, 0)::bigint,
           round(d.sessions_completed::numeric / nullif(d.sessions_finished, 0), 4),
           round(d.score_sum / nullif(d.scored_sessions, 0), 2),
           round(coalesce(d.practice_seconds, 0) / 60.0, 2),
           g::date < v_today
    from generate_series(v_first::timestamp, v_last::timestamp, interval '1 day') g
    left join analytics.user_days(p_user_id, v_first, v_last, v_through, v_live) d on d.day = g::date
    order by 1;
    return;
  end if;
  -- weeks and months: the days summed per bucket
  return query
  with activity as (
    select date_trunc(p_granularity, d.day::timestamp)::date as bucket,
           sum(d.sessions_started) as started, sum(d.sessions_completed) as completed,
           sum(d.sessions_finished) as finished, sum(d.practice_seconds) as seconds,
           sum(d.scored_sessions) as scored, sum(d.score_sum) as score_sum
    from analytics.user_days(p_user_id, v_first, v_last, v_through, v_live) d
    group by 1
  )
  select s.bucket, coalesce(a.started, 0)::bigint, coalesce(a.completed, 0)::bigint,
         round(a.completed::numeric / nullif(a.finished, 0), 4),
         round(a.score_sum / nullif(a.scored, 0), 2),
         round(coalesce(a.seconds, 0) / 60.0, 2),
         s.complete
  from analytics.bucket_span(p_from, p_to, p_granularity) s left join activity a using (bucket)
  order by s.bucket;
end
$$;
comment on function analytics.user_activity_metrics(p_user_id uuid, p_from date, p_to date, p_granularity text) is
  'One user''s session metrics per bucket covering p_from .. p_to, zero-filled (same meanings as session_metrics). score_progression is this function''s average_score with granularity week.';
revoke execute on function analytics.user_activity_metrics(p_user_id uuid, p_from date, p_to date, p_granularity text) from public;
grant execute on function analytics.user_activity_metrics(p_user_id uuid, p_from date, p_to date, p_granularity text) to analytics_reader;
