-- capture_sessions(), the trigger function on public.sessions: logs the
-- started_at instants of the changed rows, and an update that keeps the
-- session's id and started_at says so in its log row (reports_unchanged),
-- so that the refresh leaves that day's criteria scores alone. The triggers
-- that call it come from install_capture_triggers()
-- (sql/capture/install_capture_triggers.sql): CREATE OR REPLACE swaps this
-- body in place, without a lock on the platform's tables.
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
  elsif new.started_at = old.started_at and new.id = old.id then
    -- status, end, duration, user or scenario: reports keyed by this id stay on this day
    insert into analytics.invalidation_log (source, at, reports_unchanged) values ('activity', new.started_at, true);
  else
    insert into analytics.invalidation_log (source, at) values ('activity', old.started_at), ('activity', new.started_at);
  end if;
  return null;
end
$$;
comment on function analytics.capture_sessions() is
  'Trigger function on public.sessions: logs the started_at instants of inserted and deleted rows (statement level) and of updated rows, before and after (row level); an update that keeps id and started_at is logged as leaving the day''s feedback reports unchanged.';
revoke execute on function analytics.capture_sessions() from public;
