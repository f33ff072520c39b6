-- analytics.scenario_performance({{from}}, {{to}}) over the peer's views:
-- content metrics per scenario with sessions started in the range, most
-- used first, with the platform's scenario title and difficulty.
select a.scenario_id, sc.title, sc.difficulty_level,
       sum(a.sessions_started)::bigint as usage_count,
       sum(a.sessions_completed)::bigint as sessions_completed,
       round(sum(a.sessions_completed)::numeric / nullif(sum(a.sessions_finished), 0), 4) as completion_rate,
       round(sum(a.score_sum) / nullif(sum(a.scored_sessions), 0), 2) as average_score,
       round(sum(a.completed_seconds)::numeric / nullif(sum(a.completed_timed_sessions), 0), 1) as average_completion_time
from bench_peer.daily_scenario_activity a
left join public.scenarios sc on sc.id = a.scenario_id
where a.day between {{from}} and {{to}}
group by a.scenario_id, sc.title, sc.difficulty_level
order by 4 desc, 1
