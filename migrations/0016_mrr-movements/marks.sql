-- Migration 0016, once: on a database whose history is stored, every
-- subscription month is marked stale, as a change to the earliest
-- subscription would mark it, so that the next refresh stores the MRR
-- movements of the months already stored. (With nothing stored, the first
-- refresh computes every month anyway.)
insert into analytics.invalidation_log (source, at, cause)
select 'subscriptions', min(least(x.started_at, x.trial_ends_at, x.ended_at)), 'migration 0016_mrr-movements: MRR movements of the stored months'
from public.subscriptions x
where (select s.materialized_through from analytics.settings s) is not null
having count(*) > 0;
