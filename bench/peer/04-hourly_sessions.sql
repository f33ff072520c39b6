-- Peer of analytics.hourly_sessions: sessions started per local day and
-- local hour, days up to {{through}}.
select (s.started_at at time zone {{zone}})::date as day,
       extract(hour from s.started_at at time zone {{zone}})::smallint as hour,
       count(*)::integer as sessions_started
from public.sessions s
where s.started_at < ({{through}}::date + 1)::timestamp at time zone {{zone}}
group by 1, 2
