create or replace function analytics.session_facts(p_days date[])
returns table (
  day date, hour smallint, user_id uuid, scenario_id uuid, completion_status text,
  duration_seconds integer, active_until timestamptz, score_raw numeric, criteria_scores jsonb
)
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_from timestamptz := (select min(d) from unnest(p_days) d)::timestamp at time zone v_zone;
  v_to timestamptz := ((select max(d) from unnest(p_days) d) + 1)::timestamp at time zone v_zone;
begin
  return query
  select
    (s.started_at at time zone v_zone)::date,
    extract(hour from s.started_at at time zone v_zone)::smallint,
    s.user_id, s.scenario_id, s.completion_status, s.duration_seconds,
    greatest(s.started_at, s.ended_at),
    f.score_raw, f.criteria_scores
  from public.sessions s
  left join public.feedback_reports f on f.session_id = s.id
  where s.started_at >= v_from and s.started_at < v_to     -- index range first,
    and (s.started_at at time zone v_zone)::date = any(p_days);  -- then the exact days
end
$$;
comment on function analytics.session_facts(p_days date[]) is
  'One row per session started on the given local days, with its feedback report''s score and criteria (a report belongs to its session''s bucket). Internal building block.';
revoke execute on function analytics.session_facts(p_days date[]) from public;
