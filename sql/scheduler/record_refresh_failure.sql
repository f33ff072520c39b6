create or replace function analytics.record_refresh_failure(
  p_granularity text, p_starts date[], p_started_at timestamptz, p_error text, p_worker text default null)
returns void
language sql
set search_path = pg_catalog, analytics, pg_temp
as $$
  insert into analytics.refresh_runs (granularity, buckets, outcome, started_at, worker, error)
  values (p_granularity, array(select b from unnest(p_starts) b order by b), 'failed', p_started_at, p_worker,
          left(p_error, 1000))
$$;
comment on function analytics.record_refresh_failure(p_granularity text, p_starts date[], p_started_at timestamp with time zone, p_error text, p_worker text) is
  'Logs a failed run in refresh_runs (its transaction rolled back, so refresh_buckets could not). Called by the scheduler.';
