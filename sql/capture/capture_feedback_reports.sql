create or replace function analytics.capture_feedback_reports()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- A report counts on its session's day. `at` is that day as this
  -- statement sees it; session_id lets the refresh mark the day the session
  -- starts on when it runs, in case another transaction moves the session
  -- before this one commits. Without a visible session (no foreign key, a
  -- session still uncommitted elsewhere), now() stands in until then.
  if tg_op = 'INSERT' then
    insert into analytics.invalidation_log (source, at, session_id)
    select distinct 'activity', coalesce(s.started_at, now()), r.session_id
    from new_rows r left join public.sessions s on s.id = r.session_id;
  elsif tg_op = 'DELETE' then
    -- a cascade from a deleted session finds no session: that delete logged it
    insert into analytics.invalidation_log (source, at, session_id)
    select distinct 'activity', s.started_at, r.session_id
    from old_rows r join public.sessions s on s.id = r.session_id;
  else
    insert into analytics.invalidation_log (source, at, session_id)
    select distinct 'activity', coalesce(s.started_at, now()), r.session_id
    from (values (old.session_id), (new.session_id)) r (session_id)
    left join public.sessions s on s.id = r.session_id;
  end if;
  return null;
end
$$;
comment on function analytics.capture_feedback_reports() is
  'Trigger function on public.feedback_reports: logs the session (and its started_at as the writer sees it) of inserted, deleted and updated reports.';
revoke execute on function analytics.capture_feedback_reports() from public;
