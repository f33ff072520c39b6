create or replace function analytics.invalidate_all(p_cause text default 'the whole history was invalidated')
returns void
language sql
set search_path = pg_catalog, analytics, pg_temp
as $$
  -- From the first instant of each source, or its first stored day if that
  -- is earlier (a day early, as in mark_truncated), through the history.
  with zone as (select analytics.reporting_timezone() as name)
  insert into analytics.invalidation_log (source, at, until, cause)
  select x.source, x.first_at, x.until, p_cause
  from zone, lateral (
    select 'activity' as source, timestamptz 'infinity' as until,
           least((select min(s.started_at) from public.sessions s),
                 (select min(a.day) from analytics.daily_user_activity a)::timestamp at time zone zone.name - interval '1 day') as first_at
    union all
    select 'signups', 'infinity',
           least((select min(u.created_at) from public.users u),
                 (select min(d.day) from analytics.daily_signups d)::timestamp at time zone zone.name - interval '1 day')
    union all
    select 'subscriptions', null,
           least((select min(least(s.started_at, s.trial_ends_at, s.ended_at)) from public.subscriptions s),
                 (select min(m.month_start) from analytics.monthly_subscriptions m)::timestamp at time zone zone.name - interval '1 day')
  ) x
  where x.first_at is not null
$$;
comment on function analytics.invalidate_all(p_cause text) is
  'Marks the whole history stale (every source from its first row or first stored day on), with the cause shown in refresh_status: the next refresh recomputes everything.';
revoke execute on function analytics.invalidate_all(p_cause text) from public;
