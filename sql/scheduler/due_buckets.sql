create or replace function analytics.due_buckets()
returns table (granularity text, bucket_start date, bucket_end date)
language sql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
  -- Days past the stored history (from the first logged day when nothing is
  -- stored) and days with a pending change; only days that are over (local
  -- yesterday and before). Their weeks and months are due once they are over
  -- too. Log rows are read through the (source, at) index: only those that
  -- start before today.
  with clock as (
    select s.materialized_through as stored, analytics.local_today() - 1 as yesterday, s.reporting_timezone as zone
    from analytics.settings s
  ),
  logged_days as (
    select d::date as day
    from clock, analytics.invalidation_log l,
         generate_series((l.at at time zone clock.zone)::date,
                         least(coalesce((l.until at time zone clock.zone)::date, (l.at at time zone clock.zone)::date), clock.yesterday),
                         interval '1 day') d
    where l.source in ('activity', 'signups') and l.at < (clock.yesterday + 1)::timestamp at time zone clock.zone
  ),
  due_days as (
    select day from logged_days
    union
    select g::date
    from clock, generate_series(coalesce(clock.stored + 1, (select min(day) from logged_days)), clock.yesterday, interval '1 day') g
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
  'Buckets that are over and not stored, or hold a pending change, oldest first (by last day; a day before its week and month). What one scheduler tick enqueues. Before anything is stored, every day from the first one the change log names through yesterday is due.';
grant execute on function analytics.due_buckets() to analytics_reader;
