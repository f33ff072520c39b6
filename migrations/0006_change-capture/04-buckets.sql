-- Buckets, second version (migration 0006): bucket_is_fresh(), due_buckets(),
-- refresh_buckets() and the refresh_status view as in
-- sql/scheduler/refresh-buckets.sql, reading the change log of
-- sql/capture/01-log.sql through its (source, at) index and the injectable
-- clock analytics.local_today(). refresh_status also says why whole ranges
-- are pending.

create or replace function analytics.bucket_is_fresh(p_granularity text, p_start date)
returns boolean
language sql stable
set search_path = pg_catalog, analytics
as $$
  -- One index descent per source (invalidation_log_source_at_idx): is any
  -- change pending before the instant the bucket ends?
  with bucket as (
    select (analytics.bucket_end(p_granularity, p_start) + 1)::timestamp at time zone s.reporting_timezone as ends_at,
           s.materialized_through is not null and analytics.bucket_end(p_granularity, p_start) <= s.materialized_through as stored
    from analytics.settings s
  )
  select b.stored
     and not exists (select from analytics.invalidation_log l where l.source = 'activity' and l.at < b.ends_at)
     and not exists (select from analytics.invalidation_log l where l.source = 'signups' and l.at < b.ends_at)
     and (p_granularity <> 'month'
          or not exists (select from analytics.invalidation_log l where l.source = 'subscriptions' and l.at < b.ends_at))
  from bucket b
$$;

comment on function analytics.bucket_is_fresh(text, date) is
  'True when the bucket is stored and no change is pending on or before its last day (subscription changes count for month buckets only).';

create or replace function analytics.due_buckets()
returns table (granularity text, bucket_start date, bucket_end date)
language sql stable
set search_path = pg_catalog, analytics
as $$
  -- Days past the stored history and days with a pending change; only days
  -- that are over (local yesterday and before). Their weeks and months are
  -- due once they are over too. Log rows are read through the (source, at)
  -- index: only those that start before today.
  with clock as (
    select s.materialized_through as stored, analytics.local_today() - 1 as yesterday, s.reporting_timezone as zone
    from analytics.settings s
  ),
  due_days as (
    select d::date as day
    from clock, analytics.invalidation_log l,
         generate_series((l.at at time zone clock.zone)::date,
                         least(coalesce((l.until at time zone clock.zone)::date, (l.at at time zone clock.zone)::date), clock.yesterday),
                         interval '1 day') d
    where l.source in ('activity', 'signups') and l.at < (clock.yesterday + 1)::timestamp at time zone clock.zone
    union
    select g::date from clock, generate_series(clock.stored + 1, clock.yesterday, interval '1 day') g
  ),
  subscription_change as (
    select (min(l.at) at time zone clock.zone)::date as day
    from analytics.invalidation_log l, clock where l.source = 'subscriptions'
    group by clock.zone
  ),
  candidates as (
    select 'day' as granularity, d.day as bucket_start from due_days d
    union
    select 'week', date_trunc('week', d.day::timestamp)::date from due_days d
    union
    select 'month', date_trunc('month', d.day::timestamp)::date from due_days d
    union
    select 'month', date_trunc('month', c.day::timestamp)::date from subscription_change c
  )
  select c.granularity, c.bucket_start, analytics.bucket_end(c.granularity, c.bucket_start)
  from candidates c, clock
  where analytics.bucket_end(c.granularity, c.bucket_start) <= clock.yesterday
  order by 3, case c.granularity when 'day' then 1 when 'week' then 2 else 3 end
$$;
comment on function analytics.due_buckets() is
  'Buckets that are over and not stored, or hold a pending change, oldest first (by last day; a day before its week and month). What one scheduler tick enqueues.';

create or replace function analytics.refresh_buckets(
  p_granularity text, p_starts date[], p_worker text default null, p_force boolean default false)
returns analytics.refresh_runs
language plpgsql
set search_path = pg_catalog, analytics
as $$
declare
  v_locked_at timestamptz;
  v_yesterday date;
  v_stale date[];
  v_summary jsonb;
  v_run analytics.refresh_runs;
begin
  if p_starts is null or cardinality(p_starts) = 0 then
    raise exception 'refresh_buckets: expected at least one bucket start' using errcode = 'invalid_parameter_value';
  end if;
  v_yesterday := analytics.local_today() - 1;
  if exists (select from unnest(p_starts) b where analytics.bucket_end(p_granularity, b) > v_yesterday) then
    raise exception '% bucket(s) %: not over yet (local yesterday is %)', p_granularity,
      (select string_agg(b::text, ', ') from unnest(p_starts) b where analytics.bucket_end(p_granularity, b) > v_yesterday),
      v_yesterday using errcode = 'invalid_parameter_value';
  end if;

  -- The same lock refresh_pending() takes: the freshness read below and the
  -- refresh see one state, so two workers never both refresh a bucket.
  perform pg_advisory_xact_lock(hashtext('analytics.refresh'));
  v_locked_at := clock_timestamp();
  if p_force then
    insert into analytics.invalidation_log (source, at, until)
    select source, b::timestamp at time zone z.name, analytics.bucket_end(p_granularity, b)::timestamp at time zone z.name
    from unnest(p_starts) b, unnest(array['activity', 'signups']) source, (select analytics.reporting_timezone() as name) z
    union all
    -- and the business months from the first bucket on, as refresh_range() does
    select 'subscriptions', min(b)::timestamp at time zone analytics.reporting_timezone(), null from unnest(p_starts) b;
  end if;
  v_stale := array(select b from unnest(p_starts) b where not analytics.bucket_is_fresh(p_granularity, b) order by b);
  if cardinality(v_stale) > 0 then
    -- Never stop short of the stored history: a change to an old day also
    -- rewrites the later days that depend on it (rolling windows, snapshots).
    v_summary := analytics.refresh_pending(greatest(
      analytics.bucket_end(p_granularity, v_stale[cardinality(v_stale)]),
      (select materialized_through from analytics.settings)));
  end if;

  delete from analytics.refresh_runs where finished_at < now() - interval '90 days';
  insert into analytics.refresh_runs
    (granularity, buckets, stale_buckets, outcome, through, days_recomputed, started_at, worker)
  values (p_granularity, array(select b from unnest(p_starts) b order by b), v_stale,
          case when cardinality(v_stale) > 0 then 'refreshed' else 'fresh' end,
          (v_summary->>'through')::date, coalesce((v_summary->>'days')::integer, 0), v_locked_at, p_worker)
  returning * into v_run;
  return v_run;
end
$$;
comment on function analytics.refresh_buckets(text, date[], text, boolean) is
  'Refreshes a batch of buckets that are over: when any is not fresh, recomputes everything stale up to the last day of the newest such bucket (refresh_pending), and logs the run in refresh_runs. p_force first marks every day of the buckets stale. Idempotent, transactional, single-flight.';

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
comment on column analytics.refresh_status.granularity is 'Refresh interval: day, week or month.';
comment on column analytics.refresh_status.metrics is 'What the interval''s buckets hold.';
comment on column analytics.refresh_status.last_bucket is 'First local day of the newest bucket of this size that is stored (null before the first refresh).';
comment on column analytics.refresh_status.last_success_at is 'When a run last refreshed this interval: a run of its size that succeeded, or any run that recomputed through the end of the last stored bucket.';
comment on column analytics.refresh_status.last_error is 'Error of the latest failed run of this interval, while no run of this interval has succeeded since; else null.';
comment on column analytics.refresh_status.last_error_at is 'When that failure happened; null when the last run succeeded.';
comment on column analytics.refresh_status.pending_buckets is 'Buckets of this size that are over and not stored, or hold a pending change.';
comment on column analytics.refresh_status.lag is 'How long ago the oldest pending bucket ended (0 when nothing is pending).';
comment on column analytics.refresh_status.pending_causes is 'Why whole ranges of this interval are stale, while they are (e.g. "TRUNCATE public.sessions at …", "the whole history was invalidated"); null when no such range is pending.';
