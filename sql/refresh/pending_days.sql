create or replace function analytics.pending_days()
returns table (first_day date, last_day date, days integer, zone text)
language sql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
  select min(d.bucket_start), max(d.bucket_start), count(*)::integer, (select s.reporting_timezone from analytics.settings s)
  from analytics.due_buckets() d
  where d.granularity = 'day'
$$;
comment on function analytics.pending_days() is
  'One row: the local days that are over and not stored, or stored and stale (first_day, last_day, how many, in zone); days = 0 when the stored history is complete through yesterday. What migrate and doctor report; `praxis-analytics refresh --from first_day --to last_day` stores them.';
revoke execute on function analytics.pending_days() from public;
grant execute on function analytics.pending_days() to analytics_reader;
