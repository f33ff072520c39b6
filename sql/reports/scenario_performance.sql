create or replace function analytics.scenario_performance(p_from date, p_to date)
returns table (
  scenario_id uuid, title text, difficulty_level text, usage_count bigint, sessions_completed bigint,
  completion_rate numeric, average_score numeric, average_completion_time numeric
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_live date[] := analytics.live_days(p_from, p_to);
begin
  return query
  select a.scenario_id, sc.title, sc.difficulty_level,
         sum(a.sessions_started)::bigint,
         sum(a.sessions_completed)::bigint,
         round(sum(a.sessions_completed)::numeric / nullif(sum(a.sessions_finished), 0), 4),
         round(sum(a.score_sum) / nullif(sum(a.scored_sessions), 0), 2),
         round(sum(a.completed_seconds)::numeric / nullif(sum(a.completed_timed_sessions), 0), 1)
  from (select a.scenario_id, a.sessions_started, a.sessions_completed, a.sessions_finished, a.score_sum, a.scored_sessions,
               a.completed_seconds, a.completed_timed_sessions
        from analytics.daily_scenario_activity a where a.day between p_from and least(p_to, v_through)
        union all
        select a.scenario_id, a.sessions_started, a.sessions_completed, a.sessions_finished, a.score_sum, a.scored_sessions,
               a.completed_seconds, a.completed_timed_sessions
        from analytics.compute_daily_scenario_activity(v_live) a where cardinality(v_live) > 0) a
  left join public.scenarios sc on sc.id = a.scenario_id
  group by a.scenario_id, sc.title, sc.difficulty_level
  order by 4 desc, 1;
end
$$;
comment on function analytics.scenario_performance(p_from date, p_to date) is
  'Content metrics per scenario with sessions started on p_from .. p_to, most used first: usage_count (sessions started), sessions_completed, completion_rate (0-1), average_score (0-500), average_completion_time (mean duration of completed sessions, seconds), title and difficulty_level.';
revoke execute on function analytics.scenario_performance(p_from date, p_to date) from public;
grant execute on function analytics.scenario_performance(p_from date, p_to date) to analytics_reader;
