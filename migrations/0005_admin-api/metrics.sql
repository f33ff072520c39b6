-- The admin API's metrics, as SQL a DBA can run: every endpoint of
-- /admin/analytics reads exactly one of these functions (or a report function
-- of sql/core/05-reports.sql), and the CSV export copies the same call. They
-- add the API's filters and shapes on top of the report functions; nothing
-- here reads a platform row that leaves the database un-aggregated.

create function analytics.csv_text(p_value text)
returns text
language sql immutable parallel safe
set search_path = pg_catalog
as $$
  -- OWASP CSV injection: a spreadsheet runs a cell that begins with one of
  -- these as a formula; a leading quote makes it plain text.
  select case when left(p_value, 1) in ('=', '+', '-', '@', E'\t', E'\r') then '''' || p_value else p_value end
$$;
comment on function analytics.csv_text(text) is
  'A text cell made safe for spreadsheets (OWASP CSV injection): prefixed with a quote when it begins with =, +, -, @, tab or carriage return. Used for the text columns of CSV exports only, so numbers stay numbers.';

create function analytics.content_scenario_ids(p_scenario_id uuid, p_difficulty_level text)
returns uuid[]
language sql stable security definer
set search_path = pg_catalog
as $$
  select case
    when p_difficulty_level is null then case when p_scenario_id is null then null else array[p_scenario_id] end
    else array(select s.id from public.scenarios s
               where s.difficulty_level = p_difficulty_level and (p_scenario_id is null or s.id = p_scenario_id))
  end
$$;
comment on function analytics.content_scenario_ids(uuid, text) is
  'Scenarios a content filter selects (one scenario id, a difficulty level, or both); null when there is no filter, meaning every scenario.';

create function analytics.metric_series(
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
set search_path = pg_catalog, analytics
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
comment on function analytics.metric_series(text, date, date, text, uuid, uuid, text) is
  'One metric as a time series: a row per day / ISO week / month bucket covering p_from .. p_to (bucket = its first day), zero-filled for counts, null for a rate or mean with nothing to divide, complete = the bucket is over. Platform-wide: active_users, new_users, sessions_started, sessions_completed, completion_rate (0-1), average_score (0-500), practice_time (minutes). With p_user_id: that user''s sessions_started .. practice_time, and score_progression (the user''s average_score). With p_scenario_id and/or p_difficulty_level: the session metrics of those scenarios.';

create function analytics.scenario_report(
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
set search_path = pg_catalog, analytics
as $$
  select p.*
  from analytics.scenario_performance(p_from, p_to) p
  where p_scenario_id is null and p_difficulty_level is null
     or p.scenario_id = any(analytics.content_scenario_ids(p_scenario_id, p_difficulty_level))
  order by p.usage_count desc, p.scenario_id
  limit p_limit
$$;
comment on function analytics.scenario_report(date, date, uuid, text, integer) is
  'scenario_performance for p_from .. p_to, optionally one scenario and/or one difficulty level, most used first, at most p_limit rows (null: all). popular_scenarios is this with a limit.';

create function analytics.content_time_distribution(
  p_from date,
  p_to date,
  p_scenario_id uuid default null,
  p_difficulty_level text default null
)
returns table (from_minutes integer, to_minutes integer, sessions bigint)
language sql stable security definer
set search_path = pg_catalog, analytics
as $$
  -- no filter: one call over every scenario (a null id); else one per scenario
  select t.from_minutes, t.to_minutes, sum(t.sessions)::bigint
  from unnest(coalesce(analytics.content_scenario_ids(p_scenario_id, p_difficulty_level), array[null::uuid])) s(id),
       lateral analytics.time_distribution(p_from, p_to, s.id) t
  group by 1, 2
  order by 1
$$;
comment on function analytics.content_time_distribution(date, date, uuid, text) is
  'time_distribution (5-minute bins of completed sessions'' durations) for p_from .. p_to, optionally one scenario and/or one difficulty level.';

create view analytics.metric_freshness as
select c.endpoint, c.metric, r.granularity, r.last_bucket, r.last_success_at, r.last_error, r.last_error_at, r.pending_buckets, r.lag
from (values
  ('users', 'active_users', 'day'), ('users', 'new_users', 'day'), ('users', 'sessions_started', 'day'),
  ('users', 'sessions_completed', 'day'), ('users', 'completion_rate', 'day'), ('users', 'average_score', 'day'),
  ('users', 'practice_time', 'day'), ('users', 'retention', 'week'), ('users', 'strength_areas', 'day'),
  ('users', 'score_progression', 'day'),
  ('content', 'popular_scenarios', 'day'), ('content', 'completion_rates', 'day'), ('content', 'average_scores', 'day'),
  ('content', 'time_distribution', 'day'), ('content', 'scenario_performance', 'day'),
  ('business', 'active_users', 'day'), ('business', 'subscriptions', 'month'), ('business', 'usage_patterns', 'day'),
  ('business', 'retention', 'week')
) as c (endpoint, metric, granularity)
join analytics.refresh_status r using (granularity);
comment on view analytics.metric_freshness is
  'Freshness of every metric of the admin API (GET /admin/analytics/freshness): the refresh_status of the interval whose buckets store it. Days after the stored ones are read live, so a lag delays late changes to stored days, not today''s numbers.';
comment on column analytics.metric_freshness.endpoint is 'API endpoint: users, content or business.';
comment on column analytics.metric_freshness.metric is 'Metric name, as the metric= query parameter takes it.';
comment on column analytics.metric_freshness.granularity is 'Refresh interval that stores the metric: day, week or month.';
comment on column analytics.metric_freshness.last_bucket is 'refresh_status.last_bucket of that interval.';
comment on column analytics.metric_freshness.last_success_at is 'refresh_status.last_success_at of that interval.';
comment on column analytics.metric_freshness.last_error is 'refresh_status.last_error of that interval.';
comment on column analytics.metric_freshness.last_error_at is 'refresh_status.last_error_at of that interval.';
comment on column analytics.metric_freshness.pending_buckets is 'refresh_status.pending_buckets of that interval.';
comment on column analytics.metric_freshness.lag is 'refresh_status.lag of that interval.';

revoke execute on function
  analytics.csv_text(text),
  analytics.content_scenario_ids(uuid, text),
  analytics.metric_series(text, date, date, text, uuid, uuid, text),
  analytics.scenario_report(date, date, uuid, text, integer),
  analytics.content_time_distribution(date, date, uuid, text)
from public;
grant execute on function
  analytics.csv_text(text),
  analytics.content_scenario_ids(uuid, text),
  analytics.metric_series(text, date, date, text, uuid, uuid, text),
  analytics.scenario_report(date, date, uuid, text, integer),
  analytics.content_time_distribution(date, date, uuid, text)
to analytics_reader;
grant select on analytics.metric_freshness to analytics_reader;
