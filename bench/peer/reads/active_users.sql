-- analytics.active_users({{from}}, {{to}}) over the peer's views: dau, wau,
-- mau and stickiness (dau / mau) per local day of the range, zero-filled.
select g::date as day,
       coalesce(d.dau, 0) as dau,
       coalesce(d.wau, 0) as wau,
       coalesce(d.mau, 0) as mau,
       round(d.dau::numeric / nullif(d.mau, 0), 4) as stickiness
from generate_series({{from}}::date::timestamp, {{to}}::date::timestamp, interval '1 day') g
left join bench_peer.daily_active_users d on d.day = g::date
order by 1
