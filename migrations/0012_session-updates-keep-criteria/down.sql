-- Reverts migration 0012 after the migration has re-applied refresh_pending()
-- of 0010, which reads every activity row as a possible report change: the
-- capture of 0006 (without the flag), then the column.
create or replace function analytics.capture_sessions()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'INSERT' then
    insert into analytics.invalidation_log (source, at)
    select distinct 'activity', date_bin('15 minutes', r.started_at, timestamptz '2000-01-01 00:00+00') from new_rows r;
  elsif tg_op = 'DELETE' then
    insert into analytics.invalidation_log (source, at)
    select distinct 'activity', date_bin('15 minutes', r.started_at, timestamptz '2000-01-01 00:00+00') from old_rows r;
  elsif new.started_at = old.started_at then
    insert into analytics.invalidation_log (source, at) values ('activity', new.started_at);
  else
    insert into analytics.invalidation_log (source, at) values ('activity', old.started_at), ('activity', new.started_at);
  end if;
  return null;
end
$$;
comment on function analytics.capture_sessions() is
  'Trigger function on public.sessions: logs the started_at instants of inserted and deleted rows (statement level) and of updated rows, before and after (row level).';
alter table analytics.invalidation_log drop column reports_unchanged;
