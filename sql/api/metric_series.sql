create or replace function analytics.metric_series(
  p_metric text,
  p_from date,
  p_to date,
  p_granularity text default 'day',
  p_user_id uuid default null,
  p_scenario_id uuid default null,
  p_difficulty_level text default null
)
returns table (bucket date, value numeric, complete boolean)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_scenarios uuid[] := analytics.content_scenario_ids(p_scenario_id, p_difficulty_level);
  v_first date;
  v_last date;
begin
  if p_user_id is not null then
    if p_metric is null or p_metric not in ('sessions_started', 'sessions_completed', 'completion_rate', 'average_score', 'practice_time', 'score_progression') then
      raise exception 'metric "%": for one user, expected sessions_started, sessions_completed, completion_rate, average_score, practice_time or score_progression', p_metric
        using errcode = 'invalid_parameter_value';
    end if;
    if v_scenarios is not null then
      raise exception 'a user''s metrics cannot be filtered by scenario' using errcode = 'invalid_parameter_value';
    end if;
    return query
    select u.bucket,
           case p_metric
             when 'sessions_started' then u.sessions_started::numeric
             when 'sessions_completed' then u.sessions_completed::numeric
             when 'completion_rate' then u.completion_rate
             when 'practice_time' then u.practice_minutes
             else u.average_score  -- average_score, score_progression
           end,
           u.complete
    from analytics.user_activity_metrics(p_user_id, p_from, p_to, p_granularity) u;
  elsif v_scenarios is null then
    if p_metric is null or p_metric not in ('active_users', 'new_users', 'sessions_started', 'sessions_completed', 'completion_rate', 'average_score', 'practice_time') then
      raise exception 'metric "%": expected active_users, new_users, sessions_started, sessions_completed, completion_rate, average_score or practice_time', p_metric
        using errcode = 'invalid_parameter_value';
    end if;
    return query
    select m.bucket,
           case p_metric
             when 'active_users' then m.active_users::numeric
             when 'new_users' then m.new_users::numeric
             when 'sessions_started' then m.sessions_started::numeric
             when 'sessions_completed' then m.sessions_completed::numeric
             when 'completion_rate' then m.completion_rate
             when 'average_score' then m.average_score
             else m.practice_minutes
           end,
           m.complete
    from analytics.session_metrics(p_from, p_to, p_granularity) m;
  else
    if p_metric is null or p_metric not in ('sessions_started', 'sessions_completed', 'completion_rate', 'average_score', 'practice_time') then
      raise exception 'metric "%": for a scenario filter, expected sessions_started, sessions_completed, completion_rate, average_score or practice_time', p_metric
        using errcode = 'invalid_parameter_value';
    end if;
    select min(b.first_day), max(b.last_day) into v_first, v_last from analytics.bucket_span(p_from, p_to, p_granularity) b;
    -- The same sums as session_metrics, over the selected scenarios only.
    return query
    with spans as (select * from analytics.bucket_span(p_from, p_to, p_granularity)),
    activity as (
      select s.bucket, sum(a.sessions_started) as started, sum(a.sessions_completed) as completed,
             sum(a.sessions_finished) as finished, sum(a.practice_seconds) as seconds,
             sum(a.scored_sessions) as scored, sum(a.score_sum) as score_sum
      from analytics.daily_rows(null::analytics.daily_scenario_activity, v_first, v_last) a
      join spans s on s.bucket = date_trunc(p_granularity, a.day::timestamp)::date
      where a.scenario_id = any(v_scenarios)
      group by s.bucket
    )
    select s.bucket,
           case p_metric
             when 'sessions_started' then coalesce(a.started, 0)::numeric
             when 'sessions_completed' then coalesce(a.completed, 0)::numeric
             when 'completion_rate' then round(a.completed::numeric / nullif(a.finished, 0), 4)
             when 'average_score' then round(a.score_sum / nullif(a.scored, 0), 2)
             else round(coalesce(a.seconds, 0) / 60.0, 2)
           end,
           s.complete
    from spans s left join activity a using (bucket)
    order by s.bucket;
  end if;
end
$$;
comment on function analytics.metric_series(p_metric text, p_from date, p_to date, p_granularity text, p_user_id uuid, p_scenario_id uuid, p_difficulty_level text) is
  'One metric as a time series: a row per day / ISO week / month bucket covering p_from .. p_to (bucket = its first day), zero-filled for counts, null for a rate or mean with nothing to divide, complete = the bucket is over. Platform-wide: active_users, new_users, sessions_started, sessions_completed, completion_rate (0-1), average_score (0-500), practice_time (minutes). With p_user_id: that user''s sessions_started .. practice_time, and score_progression (the user''s average_score). With p_scenario_id and/or p_difficulty_level: the session metrics of those scenarios.';
revoke execute on function analytics.metric_series(p_metric text, p_from date, p_to date, p_granularity text, p_user_id uuid, p_scenario_id uuid, p_difficulty_level text) from public;
grant execute on function analytics.metric_series(p_metric text, p_from date, p_to date, p_granularity text, p_user_id uuid, p_scenario_id uuid, p_difficulty_level text) to analytics_reader;
