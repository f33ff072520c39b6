create or replace view analytics.refresh_status as
with state as (
  select s.materialized_through as stored, s.reporting_timezone as zone
  from analytics.settings s
),
intervals (granularity, metrics) as (
  values
    ('day', 'session, user and scenario rollups per day, dau/wau/mau, user_progress_snapshots, daily records'),
    ('week', 'weekly active users, retention cells, weekly content records'),
    ('month', 'monthly active users, subscription metrics, monthly business records')
),
due as (
  select d.granularity, count(*) as pending, min(d.bucket_end) as oldest_end
  from analytics.due_buckets() d group by d.granularity
),
stored as (
  select i.granularity,
         case i.granularity
           when 'day' then state.stored
           when 'week' then (date_trunc('week', (state.stored + 1)::timestamp) - interval '7 days')::date
           else (date_trunc('month', (state.stored + 1)::timestamp) - interval '1 month')::date
         end as last_bucket
  from intervals i cross join state
),
-- A run of any size that recomputed through a bucket's end refreshed that
-- bucket too (a day run that completes a week stores the week).
runs as (
  select st.granularity,
         max(r.finished_at) filter (
           where r.outcome = 'fresh' and r.granularity = st.granularity
              or r.outcome = 'refreshed' and (r.granularity = st.granularity
                                              or r.through >= analytics.bucket_end(st.granularity, st.last_bucket))
         ) as last_success_at,
         max(r.finished_at) filter (where r.outcome <> 'failed' and r.granularity = st.granularity) as last_own_success_at,
         max(r.finished_at) filter (where r.outcome = 'failed' and r.granularity = st.granularity) as last_failure_at
  from stored st left join analytics.refresh_runs r on true
  group by st.granularity
)
select
  i.granularity,
  i.metrics,
  stored.last_bucket,
  runs.last_success_at,
  (select r.error from analytics.refresh_runs r
   where r.granularity = i.granularity and r.outcome = 'failed'
     and r.finished_at > coalesce(runs.last_own_success_at, '-infinity')
   order by r.finished_at desc limit 1) as last_error,
  case when runs.last_failure_at > coalesce(runs.last_own_success_at, '-infinity') then runs.last_failure_at end as last_error_at,
  coalesce(due.pending, 0)::integer as pending_buckets,
  case when due.oldest_end is null then interval '0'
       else greatest(interval '0', now() - ((due.oldest_end + 1)::timestamp at time zone state.zone))
  end as lag,
  -- ranges the capture could not narrow down (TRUNCATE, invalidate_all)
  (select array_agg(distinct l.cause order by l.cause) from analytics.invalidation_log l
   where l.cause is not null and (l.source <> 'subscriptions' or i.granularity = 'month')) as pending_causes
from intervals i
cross join state
join stored on stored.granularity = i.granularity
left join due on due.granularity = i.granularity
left join runs on runs.granularity = i.granularity
order by case i.granularity when 'day' then 1 when 'week' then 2 else 3 end;
comment on view analytics.refresh_status is
  'Freshness per refresh interval: the last bucket stored, the last successful and failed runs, the buckets waiting, and how long the oldest has been waiting.';
comment on column analytics.refresh_status.granularity is
  'Refresh interval: day, week or month.';
comment on column analytics.refresh_status.metrics is
  'What the interval''s buckets hold.';
comment on column analytics.refresh_status.last_bucket is
  'First local day of the newest bucket of this size that is stored (null before the first refresh).';
comment on column analytics.refresh_status.last_success_at is
  'When a run last refreshed this interval: a run of its size that succeeded, or any run that recomputed through the end of the last stored bucket.';
comment on column analytics.refresh_status.last_error is
  'Error of the latest failed run of this interval, while no run of this interval has succeeded since; else null.';
comment on column analytics.refresh_status.last_error_at is
  'When that failure happened; null when the last run succeeded.';
comment on column analytics.refresh_status.pending_buckets is
  'Buckets of this size that are over and not stored, or hold a pending change.';
comment on column analytics.refresh_status.lag is
  'How long ago the oldest pending bucket ended (0 when nothing is pending).';
comment on column analytics.refresh_status.pending_causes is
  'Why whole ranges of this interval are stale, while they are (e.g. "TRUNCATE public.sessions at …", "the whole history was invalidated"); null when no such range is pending.';
grant select on analytics.refresh_status to analytics_reader;
