-- Peer of analytics.daily_user_activity: one row per user per local day on
-- which the user started a session, days up to {{through}}, straight from
-- the raw sessions and their feedback reports (at most one a session).
select (s.started_at at time zone {{zone}})::date as day,
       s.user_id,
       count(*)::integer as sessions_started,
       count(*) filter (where s.completion_status = 'completed')::integer as sessions_completed,
       count(*) filter (where s.completion_status <> 'in_progress')::integer as sessions_finished,
       coalesce(sum(s.duration_seconds), 0)::bigint as practice_seconds,
       count(f.score_raw) filter (where s.completion_status = 'completed')::integer as scored_sessions,
       coalesce(sum(f.score_raw) filter (where s.completion_status = 'completed'), 0) as score_sum,
       max(greatest(s.started_at, s.ended_at)) as last_active_at
from public.sessions s
left join public.feedback_reports f on f.session_id = s.id
where s.started_at < ({{through}}::date + 1)::timestamp at time zone {{zone}}
group by 1, 2
