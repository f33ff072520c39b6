create or replace function analytics.bucket_is_fresh(p_granularity text, p_start date)
returns boolean
language sql stable
set search_path = pg_catalog, analytics, pg_temp
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
comment on function analytics.bucket_is_fresh(p_granularity text, p_start date) is
  'True when the bucket is stored and no change is pending on or before its last day (subscription changes count for month buckets only).';
grant execute on function analytics.bucket_is_fresh(p_granularity text, p_start date) to analytics_reader;
