-- Migration 0014, once: marks that are right in every zone, for whatever an
-- earlier release left stale or unmarked.
--
-- Releases up to 0013 wrote their first marks of the history (migration
-- 0002) as days, before the reporting zone was chosen; 0006 turned each into
-- the instant of its day's UTC midnight. Activity days are recomputed
-- contiguously from the first mark, but signup days only where a mark falls,
-- so a database installed by `migrate` in a zone other than UTC lost every
-- signup day whose signups all fall before the UTC date changes (before
-- 11:00 in a Sydney summer, before 16:00 in Los Angeles); and west of UTC its
-- history began a day before the platform's first day. Everything written
-- since 0006 (capture triggers, invalidate_all) is an instant, right in any
-- zone.
--
-- Each mark below is what the capture triggers log for a row: the start of
-- the row's 15-minute bin, which is on the row's local day in every zone
-- (every offset is a multiple of 15 minutes), or a subscription's earliest
-- timestamp. Not ranges: a backfill consumes a range with its first chunk,
-- and the users of later days would be marked nowhere.

-- Nothing stored (a first install, or an install never refreshed): the log
-- is rebuilt as the triggers would have written it had they been there when
-- the platform's rows were written. A write committed meanwhile keeps its own
-- mark, or is marked twice.
delete from analytics.invalidation_log
where (select s.materialized_through from analytics.settings s) is null;

insert into analytics.invalidation_log (source, at)
select distinct 'activity', date_bin('15 minutes', x.started_at, timestamptz '2000-01-01 00:00+00')
from public.sessions x
where (select s.materialized_through from analytics.settings s) is null;

insert into analytics.invalidation_log (source, at)
select 'subscriptions', min(least(x.started_at, x.trial_ends_at, x.ended_at))
from public.subscriptions x
where (select s.materialized_through from analytics.settings s) is null
having count(*) > 0;

-- Stored history: each stored day whose stored signups differ from the
-- platform's users of that local day, in the zone the history is stored in
-- (a correct install marks nothing here).
with zone as (
  select s.reporting_timezone as name, s.materialized_through as stored from analytics.settings s
),
counted as (
  select (u.created_at at time zone zone.name)::date as day, count(*)::integer as new_users
  from public.users u, zone
  where u.created_at < (zone.stored + 1)::timestamp at time zone zone.name
  group by 1
)
insert into analytics.invalidation_log (source, at, cause)
select 'signups', coalesce(c.day, s.day)::timestamp at time zone zone.name,
       'signups recounted in the reporting zone by migration 0014'
from zone, counted c
full join analytics.daily_signups s on s.day = c.day
where c.new_users is distinct from s.new_users;

-- Past the stored history (all of it when nothing is stored): every user.
with zone as (
  select s.reporting_timezone as name, s.materialized_through as stored from analytics.settings s
)
insert into analytics.invalidation_log (source, at)
select distinct 'signups', date_bin('15 minutes', u.created_at, timestamptz '2000-01-01 00:00+00')
from public.users u, zone
where zone.stored is null or u.created_at >= (zone.stored + 1)::timestamp at time zone zone.name;

-- A history stored by an earlier release began at its first mark, a day
-- before the platform's first session or signup where the marks were UTC
-- midnights; analytics_aggregates kept a record of zeros for such a bucket.
-- A history stored now begins on the first row's local day (the first
-- subscription's for business months), so the records of buckets that end
-- before it go (all of them zeros).
with zone as (select s.reporting_timezone as name from analytics.settings s),
first_day as (
  select (least((select min(x.started_at) from public.sessions x),
                (select min(u.created_at) from public.users u)) at time zone zone.name)::date as activity,
         (least((select min(x.started_at) from public.sessions x),
                (select min(u.created_at) from public.users u),
                (select min(least(b.started_at, b.trial_ends_at, b.ended_at)) from public.subscriptions b))
          at time zone zone.name)::date as business
  from zone
)
delete from analytics.analytics_aggregates a
using first_day f
where case a.metric_type
        when 'daily_activity' then a.time_bucket::date < f.activity
        when 'weekly_content' then a.time_bucket::date + 6 < f.activity
        else (a.time_bucket + interval '1 month')::date - 1 < f.business
      end;
