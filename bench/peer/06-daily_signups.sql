-- Peer of analytics.daily_signups: users created per local day (deleted
-- users included), days up to {{through}}.
select (u.created_at at time zone {{zone}})::date as day,
       count(*)::integer as new_users
from public.users u
where u.created_at < ({{through}}::date + 1)::timestamp at time zone {{zone}}
group by 1
