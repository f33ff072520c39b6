-- analytics.user_activity_metrics({{user}}, {{from}}, {{to}}, 'day') over
-- the peer's views: one user's session metrics per local day of the range,
-- zero-filled, from daily_user_activity (through its (user_id, day) index).
select g::date as bucket,
       coalesce(d.sessions_started, 0)::bigint as sessions_started,
       coalesce(d.sessions_completed, 0)::bigint as sessions_completed,
       round(d.sessions_completed::numeric / nullif(d.sessions_finished, 0), 4) as completion_rate,
       round(d.score_sum / nullif(d.scored_sessions, 0), 2) as average_score,
       round(coalesce(d.practice_seconds, 0) / 60.0, 2) as practice_minutes,
       g::date + 1 <= (now() at time zone {{zone}})::date as complete
from generate_series({{from}}::date::timestamp, {{to}}::date::timestamp, interval '1 day') g
left join bench_peer.daily_user_activity d on d.user_id = {{user}}::uuid and d.day = g::date
order by 1
