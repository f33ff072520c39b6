-- analytics.usage_patterns({{from}}, {{to}}) over the peer's views: sessions
-- started per ISO weekday and local hour, all 168 cells (summed per cell
-- first, then zero-filled).
with cells as (
  select extract(isodow from x.day)::integer as weekday, x.hour::integer as hour, sum(x.sessions_started) as sessions
  from bench_peer.hourly_sessions x
  where x.day between {{from}} and {{to}}
  group by 1, 2
)
select w as weekday, h as hour, coalesce(c.sessions, 0)::bigint as sessions
from generate_series(1, 7) w
cross join generate_series(0, 23) h
left join cells c on c.weekday = w and c.hour = h
order by w, h
