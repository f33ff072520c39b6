create or replace function analytics.capture_truncate()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  perform analytics.mark_truncated(tg_table_name, format('TRUNCATE %I.%I at %s', tg_table_schema, tg_table_name, now()));
  return null;
end
$$;
comment on function analytics.capture_truncate() is
  'Trigger function for TRUNCATE of the platform tables: marks the whole stored history of the source stale, with the cause (mark_truncated()).';
revoke execute on function analytics.capture_truncate() from public;
