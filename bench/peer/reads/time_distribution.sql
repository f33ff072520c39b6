-- analytics.time_distribution({{from}}, {{to}}) over the peer's views:
-- completed sessions per 5-minute duration bin, every scenario.
select d.bin_start_minutes as from_minutes, d.bin_start_minutes + 5 as to_minutes, sum(d.sessions)::bigint as sessions
from bench_peer.daily_session_durations d
where d.day between {{from}} and {{to}}
group by d.bin_start_minutes
order by 1
