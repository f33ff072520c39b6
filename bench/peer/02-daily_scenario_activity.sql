-- Peer of analytics.daily_scenario_activity: one row per scenario per local
-- day with a session started, days up to {{through}}, from the raw sessions
-- and their feedback reports.
select (s.started_at at time zone {{zone}})::date as day,
       s.scenario_id,
       count(*)::integer as sessions_started,
       count(*) filter (where s.completion_status = 'completed')::integer as sessions_completed,
       count(*) filter (where s.completion_status <> 'in_progress')::integer as sessions_finished,
       coalesce(sum(s.duration_seconds), 0)::bigint as practice_seconds,
       coalesce(sum(s.duration_seconds) filter (where s.completion_status = 'completed'), 0)::bigint as completed_seconds,
       count(s.duration_seconds) filter (where s.completion_status = 'completed')::integer as completed_timed_sessions,
       count(f.score_raw) filter (where s.completion_status = 'completed')::integer as scored_sessions,
       coalesce(sum(f.score_raw) filter (where s.completion_status = 'completed'), 0) as score_sum
from public.sessions s
left join public.feedback_reports f on f.session_id = s.id
where s.started_at < ({{through}}::date + 1)::timestamp at time zone {{zone}}
group by 1, 2
