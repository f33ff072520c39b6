-- Buckets for the scheduler (pg-boss jobs, `praxis-analytics worker`) and
-- the backfill (`praxis-analytics refresh`): which day/week/month buckets are
-- due, refreshing a batch of them, and the log and freshness view a DBA reads.
--
-- All the work is still analytics.refresh_pending(): a bucket's refresh
-- recomputes everything stale up to the bucket's last day, oldest first, in
-- one transaction under the refresh lock. A bucket is therefore fresh when
-- its last day is stored and no change is pending on or before it (progress
-- snapshots and rolling windows carry every earlier day forward).

create function analytics.bucket_end(p_granularity text, p_start date)
returns date
language plpgsql immutable
set search_path = pg_catalog, analytics
as $$
begin
  case p_granularity
    when 'day' then
      return p_start;
    when 'week' then
      if extract(isodow from p_start) <> 1 then
        raise exception 'week bucket %: expected the Monday that starts an ISO week', p_start
          using errcode = 'invalid_parameter_value';
      end if;
      return p_start + 6;
    when 'month' then
      if extract(day from p_start) <> 1 then
        raise exception 'month bucket %: expected the 1st of a month', p_start
          using errcode = 'invalid_parameter_value';
      end if;
      return (p_start + interval '1 month - 1 day')::date;
    else
      raise exception 'granularity "%": expected day, week or month', p_granularity
        using errcode = 'invalid_parameter_value';
  end case;
end
$$;
comment on function analytics.bucket_end(text, date) is
  'Last local day of the bucket that starts on p_start (day; week: a Monday; month: a 1st). Raises on a start that does not begin such a bucket.';

create function analytics.bucket_is_fresh(p_granularity text, p_start date)
returns boolean
language sql stable
set search_path = pg_catalog, analytics
as $$
  select s.materialized_through is not null
     and analytics.bucket_end(p_granularity, p_start) <= s.materialized_through
     and not exists (
       select from analytics.invalidation_log l
       where l.day <= analytics.bucket_end(p_granularity, p_start)
         and (l.source <> 'subscriptions' or p_granularity = 'month'))
  from analytics.settings s
$$;
comment on function analytics.bucket_is_fresh(text, date) is
  'True when the bucket is stored and no change is pending on or before its last day (subscription changes count for month buckets only).';

create function analytics.due_buckets()
returns table (granularity text, bucket_start date, bucket_end date)
language sql stable
set search_path = pg_catalog, analytics
as $$
  -- Days past the stored history and days with a pending change; only days
  -- that are over (local yesterday and before). Their weeks and months are
  -- due once they are over too.
  with clock as (
    select s.materialized_through as stored, (now() at time zone s.reporting_timezone)::date - 1 as yesterday
    from analytics.settings s
  ),
  due_days as (
    select l.day from analytics.invalidation_log l, clock
    where l.source in ('activity', 'signups') and l.day <= clock.yesterday
    union
    select g::date from clock, generate_series(clock.stored + 1, clock.yesterday, interval '1 day') g
  ),
  subscription_change as (
    select min(l.day) as day from analytics.invalidation_log l where l.source = 'subscriptions'
  ),
  candidates as (
    select 'day' as granularity, d.day as bucket_start from due_days d
    union
    select 'week', date_trunc('week', d.day::timestamp)::date from due_days d
    union
    select 'month', date_trunc('month', d.day::timestamp)::date from due_days d
    union
    select 'month', date_trunc('month', c.day::timestamp)::date from subscription_change c where c.day is not null
  )
  select c.granularity, c.bucket_start, analytics.bucket_end(c.granularity, c.bucket_start)
  from candidates c, clock
  where analytics.bucket_end(c.granularity, c.bucket_start) <= clock.yesterday
  order by 3, case c.granularity when 'day' then 1 when 'week' then 2 else 3 end
$$;
comment on function analytics.due_buckets() is
  'Buckets that are over and not stored, or hold a pending change, oldest first (by last day; a day before its week and month). What one scheduler tick enqueues.';

create table analytics.refresh_runs (
  id              bigint generated always as identity primary key,
  granularity     text not null check (granularity in ('day', 'week', 'month')),
  buckets         date[] not null,
  stale_buckets   date[] not null default '{}',
  outcome         text not null check (outcome in ('refreshed', 'fresh', 'failed')),
  through         date,
  days_recomputed integer not null default 0,
  started_at      timestamptz not null,
  finished_at     timestamptz not null default clock_timestamp(),
  worker          text,
  error           text
);
create index refresh_runs_granularity_finished_idx on analytics.refresh_runs (granularity, finished_at desc);
comment on index analytics.refresh_runs_granularity_finished_idx is 'Latest runs per interval, for refresh_status.';
comment on table analytics.refresh_runs is
  'One row per refresh of a batch of buckets (scheduled job or backfill chunk), including failures. Kept 90 days.';
comment on column analytics.refresh_runs.id is 'Run number, increasing.';
comment on column analytics.refresh_runs.granularity is 'Bucket size of the batch: day, week or month.';
comment on column analytics.refresh_runs.buckets is 'First local day of each bucket the run was asked to refresh.';
comment on column analytics.refresh_runs.stale_buckets is 'Those of buckets that were not fresh when the run took the refresh lock.';
comment on column analytics.refresh_runs.outcome is 'refreshed: recomputed what was stale; fresh: nothing was stale (a repeated or overtaken job); failed: see error.';
comment on column analytics.refresh_runs.through is 'Last local day the run recomputed up to (the last day of its newest stale bucket).';
comment on column analytics.refresh_runs.days_recomputed is 'Local days whose rollups the run rewrote (count, including earlier days with pending changes).';
comment on column analytics.refresh_runs.started_at is 'When the run took the refresh lock (so runs never overlap); for a failed run, when its job started.';
comment on column analytics.refresh_runs.finished_at is 'When the run committed, or when its failure was recorded.';
comment on column analytics.refresh_runs.worker is 'Who ran it: the worker''s name (host:pid) or "cli".';
comment on column analytics.refresh_runs.error is 'For a failed run: the error message (one line).';

create function analytics.refresh_buckets(
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
  v_yesterday := (now() at time zone analytics.reporting_timezone())::date - 1;
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
    insert into analytics.invalidation_log (source, day)
    select source, d::date
    from unnest(p_starts) b,
         generate_series(b, analytics.bucket_end(p_granularity, b), interval '1 day') d,
         unnest(array['activity', 'signups']) source
    union all
    -- and the business months from the first bucket on, as refresh_range() does
    select 'subscriptions', min(b) from unnest(p_starts) b;
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

create function analytics.record_refresh_failure(
  p_granularity text, p_starts date[], p_started_at timestamptz, p_error text, p_worker text default null)
returns void
language sql
set search_path = pg_catalog, analytics
as $$
  insert into analytics.refresh_runs (granularity, buckets, outcome, started_at, worker, error)
  values (p_granularity, array(select b from unnest(p_starts) b order by b), 'failed', p_started_at, p_worker,
          left(p_error, 1000))
$$;
comment on function analytics.record_refresh_failure(text, date[], timestamptz, text, text) is
  'Logs a failed run in refresh_runs (its transaction rolled back, so refresh_buckets could not). Called by the scheduler.';

create view analytics.refresh_status as
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
  end as lag
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

grant select on analytics.refresh_runs, analytics.refresh_status to analytics_reader;
grant execute on function analytics.due_buckets(), analytics.bucket_end(text, date),
  analytics.bucket_is_fresh(text, date) to analytics_reader;
