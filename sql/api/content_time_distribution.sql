create or replace function analytics.content_time_distribution(
  p_from date,
  p_to date,
  p_scenario_id uuid default null,
  p_difficulty_level text default null
)
returns table (from_minutes integer, to_minutes integer, sessions bigint)
language sql stable security definer
set search_path = pg_catalog, analytics, pg_temp
as $$
  -- no filter: one call over every scenario (a null id); else one per scenario
  select t.from_minutes, t.to_minutes, sum(t.sessions)::bigint
  from unnest(coalesce(analytics.content_scenario_ids(p_scenario_id, p_difficulty_level), array[null::uuid])) s(id),
       lateral analytics.time_distribution(p_from, p_to, s.id) t
  group by 1, 2
  order by 1
$$;
comment on function analytics.content_time_distribution(p_from date, p_to date, p_scenario_id uuid, p_difficulty_level text) is
  'time_distribution (5-minute bins of completed sessions'' durations) for p_from .. p_to, optionally one scenario and/or one difficulty level.';
revoke execute on function analytics.content_time_distribution(p_from date, p_to date, p_scenario_id uuid, p_difficulty_level text) from public;
grant execute on function analytics.content_time_distribution(p_from date, p_to date, p_scenario_id uuid, p_difficulty_level text) to analytics_reader;
