create or replace function analytics.capture_subscriptions()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- Business months are recomputed from the earliest changed one on: one
  -- row, the earliest timestamp of the statement's subscriptions.
  if tg_op = 'INSERT' then
    insert into analytics.invalidation_log (source, at)
    select 'subscriptions', min(least(r.started_at, r.trial_ends_at, r.ended_at)) from new_rows r having count(*) > 0;
  elsif tg_op = 'DELETE' then
    insert into analytics.invalidation_log (source, at)
    select 'subscriptions', min(least(r.started_at, r.trial_ends_at, r.ended_at)) from old_rows r having count(*) > 0;
  else
    insert into analytics.invalidation_log (source, at)
    values ('subscriptions', least(old.started_at, old.trial_ends_at, old.ended_at, new.started_at, new.trial_ends_at, new.ended_at));
  end if;
  return null;
end
$$;
comment on function analytics.capture_subscriptions() is
  'Trigger function on public.subscriptions: logs the earliest timestamp of inserted, deleted and updated subscriptions (their months are recomputed from there on).';
revoke execute on function analytics.capture_subscriptions() from public;
