create or replace function analytics.capture_users()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'INSERT' then
    insert into analytics.invalidation_log (source, at)
    select distinct 'signups', date_bin('15 minutes', r.created_at, timestamptz '2000-01-01 00:00+00') from new_rows r;
  elsif tg_op = 'DELETE' then
    insert into analytics.invalidation_log (source, at)
    select distinct 'signups', date_bin('15 minutes', r.created_at, timestamptz '2000-01-01 00:00+00') from old_rows r;
  else
    insert into analytics.invalidation_log (source, at) values ('signups', old.created_at), ('signups', new.created_at);
  end if;
  return null;
end
$$;
comment on function analytics.capture_users() is
  'Trigger function on public.users: logs the created_at instants (signup days, retention cohorts) of inserted, deleted and re-dated users.';
revoke execute on function analytics.capture_users() from public;
