-- Peer of analytics.daily_session_durations: completed sessions with a
-- duration per local day, scenario and 5-minute bin (floor(d / 300) * 5),
-- days up to {{through}}; no row for an empty bin.
select (s.started_at at time zone {{zone}})::date as day,
       s.scenario_id,
       s.duration_seconds / 300 * 5 as bin_start_minutes,
       count(*)::integer as sessions
from public.sessions s
where s.started_at < ({{through}}::date + 1)::timestamp at time zone {{zone}}
  and s.completion_status = 'completed'
  and s.duration_seconds is not null
group by 1, 2, 3
