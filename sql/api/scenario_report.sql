create or replace function analytics.scenario_report(
  p_from date,
  p_to date,
  p_scenario_id uuid default null,
  p_difficulty_level text default null,
  p_limit integer default null
)
returns table (
  scenario_id uuid, title text, difficulty_level text, usage_count bigint, sessions_completed bigint,
  completion_rate numeric, average_score numeric, average_completion_time numeric
)
language sql stable security definer
set search_path = pg_catalog, analytics, pg_temp
as $$
  select p.*
  from analytics.scenario_performance(p_from, p_to) p
  where p_scenario_id is null and p_difficulty_level is null
     or p.scenario_id = any(analytics.content_scenario_ids(p_scenario_id, p_difficulty_level))
  order by p.usage_count desc, p.scenario_id
  limit p_limit
$$;
comment on function analytics.scenario_report(p_from date, p_to date, p_scenario_id uuid, p_difficulty_level text, p_limit integer) is
  'scenario_performance for p_from .. p_to, optionally one scenario and/or one difficulty level, most used first, at most p_limit rows (null: all). popular_scenarios is this with a limit.';
revoke execute on function analytics.scenario_report(p_from date, p_to date, p_scenario_id uuid, p_difficulty_level text, p_limit integer) from public;
grant execute on function analytics.scenario_report(p_from date, p_to date, p_scenario_id uuid, p_difficulty_level text, p_limit integer) to analytics_reader;
