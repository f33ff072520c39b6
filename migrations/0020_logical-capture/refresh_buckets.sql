create or replace function analytics.refresh_buckets(
  p_granularity text, p_starts date[], p_worker text default null, p_force boolean default false)
returns analytics.refresh_runs
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_locked_at timestamptz;
  v_yesterday date;
  v_stale date[];
  v_summary jsonb;
  v_run analytics.refresh_runs;
  v_cause text := format('forced refresh of %s bucket(s) %s', p_granularity, array_to_string(p_starts, ', '));
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
  -- logical mode: the changes committed before now are in the log before
  -- freshness is judged (and before this transaction writes: a lost slot is
  -- replaced only then)
  perform analytics.consume_capture(true);
  if p_force then
    insert into analytics.invalidation_log (source, at, until, cause)
    select source, b::timestamp at time zone z.name, analytics.bucket_end(p_granularity, b)::timestamp at time zone z.name, v_cause
    from unnest(p_starts) b, unnest(array['activity', 'signups']) source, (select analytics.reporting_timezone() as name) z
    union all
    -- and the business months from the first bucket on, as refresh_range() does
    select 'subscriptions', min(b)::timestamp at time zone analytics.reporting_timezone(), null, v_cause from unnest(p_starts) b;
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
comment on function analytics.refresh_buckets(p_granularity text, p_starts date[], p_worker text, p_force boolean) is
  'Refreshes a batch of buckets that are over: when any is not fresh, recomputes everything stale up to the last day of the newest such bucket (refresh_pending), and logs the run in refresh_runs. p_force first marks every day of the buckets stale. Idempotent, transactional, single-flight.';
