-- The first step of a refresh: what the change capture logged, as local days.
-- Consumes (deletes) the log rows this transaction can see that start on a
-- day up to p_through, read as local days of p_zone, the zone that holds
-- now (the caller holds the refresh lock, which set_reporting_timezone()
-- takes too): a row's own day or range, and for a feedback report the day
-- its session starts on now. Rows of later days stay for a later refresh:
-- days after p_through are not stored, so they need nothing yet.
create or replace function analytics.take_invalidations(
  p_through date, p_zone text,
  out activity_days date[], out report_days date[], out signup_days date[], out subscriptions_from date,
  out causes jsonb)
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  with taken as (
    delete from analytics.invalidation_log l
    where l.at < (p_through + 1)::timestamp at time zone p_zone
    returning l.source, l.at, l.until, l.session_id, l.reports_unchanged, l.cause
  ),
  -- why, per source: a marked range's cause, or the table of a row change
  why as (
    select t.source, string_agg(distinct coalesce(t.cause, case
             when t.source = 'signups' then 'late rows of public.users'
             when t.source = 'subscriptions' then 'late rows of public.subscriptions'
             when t.session_id is not null then 'late rows of public.feedback_reports'
             else 'late rows of public.sessions' end), '; ') as causes
    from taken t
    group by t.source
  ),
  days as (
    select t.source, d::date as day, not t.reports_unchanged as reports
    from taken t,
         pg_catalog.generate_series((t.at at time zone p_zone)::date,
                         least(coalesce((t.until at time zone p_zone)::date, (t.at at time zone p_zone)::date), p_through),
                         interval '1 day') d
    union
    select 'activity', (s.started_at at time zone p_zone)::date, true
    from taken t join public.sessions s on s.id = t.session_id
  )
  select array_agg(distinct days.day) filter (where days.source = 'activity' and days.day <= p_through),
         array_agg(distinct days.day) filter (where days.source = 'activity' and days.reports and days.day <= p_through),
         coalesce(array_agg(distinct days.day) filter (where days.source = 'signups' and days.day <= p_through), '{}'),
         min(days.day) filter (where days.source = 'subscriptions'),
         (select jsonb_object_agg(w.source, w.causes) from why w)
  into activity_days, report_days, signup_days, subscriptions_from, causes
  from days;
end
$$;
comment on function analytics.take_invalidations(p_through date, p_zone text) is
  'Refresh step: deletes the rows of analytics.invalidation_log that start on a local day (in p_zone) up to p_through, and returns what they make stale: the days of session activity (null when none), those of them whose feedback reports may have changed, the signup days (empty when none), the first day of changed subscriptions (null when none), and the causes per source (an object source -> text: a marked range''s cause, or the platform table of late rows; null when nothing was taken). Days after p_through are left out, and log rows starting after it stay.';
revoke execute on function analytics.take_invalidations(p_through date, p_zone text) from public;
