-- A first install on a platform that already holds its history: the
-- capture triggers go on the platform tables, and every existing row is
-- marked as they would have logged it had they been there when it was
-- written: a session's or user's 15-minute cell (on the row's local day in
-- every zone, each zone's offset being a multiple of 15 minutes), a
-- subscription's earliest timestamp. Instants, so the marks hold in
-- whichever zone is chosen afterwards. The first refresh, or
-- `refresh --from … --to …`, stores those days; pending_days() names them.
select analytics.install_capture_triggers();

insert into analytics.invalidation_log (source, at)
select distinct 'activity', date_bin('15 minutes', x.started_at, timestamptz '2000-01-01 00:00+00')
from public.sessions x;

insert into analytics.invalidation_log (source, at)
select distinct 'signups', date_bin('15 minutes', u.created_at, timestamptz '2000-01-01 00:00+00')
from public.users u;

insert into analytics.invalidation_log (source, at)
select 'subscriptions', min(least(x.started_at, x.trial_ends_at, x.ended_at))
from public.subscriptions x
having count(*) > 0;
