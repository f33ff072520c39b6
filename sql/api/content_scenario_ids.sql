create or replace function analytics.content_scenario_ids(p_scenario_id uuid, p_difficulty_level text)
returns uuid[]
language sql stable security definer
set search_path = pg_catalog, pg_temp
as $$
  select case
    when p_difficulty_level is null then case when p_scenario_id is null then null else array[p_scenario_id] end
    else array(select s.id from public.scenarios s
               where s.difficulty_level = p_difficulty_level and (p_scenario_id is null or s.id = p_scenario_id))
  end
$$;
comment on function analytics.content_scenario_ids(p_scenario_id uuid, p_difficulty_level text) is
  'Scenarios a content filter selects (one scenario id, a difficulty level, or both); null when there is no filter, meaning every scenario.';
revoke execute on function analytics.content_scenario_ids(p_scenario_id uuid, p_difficulty_level text) from public;
grant execute on function analytics.content_scenario_ids(p_scenario_id uuid, p_difficulty_level text) to analytics_reader;
