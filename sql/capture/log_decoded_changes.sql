-- Logical mode: the log rows of a batch of decoded row changes, as the
-- triggers of trigger mode would have written them. Each change is a table,
-- an operation (I, U, D) and its old and new rows as JSON objects of the
-- captured columns' text (old: null for an insert, or where the replica
-- identity gave only the key). consume_capture() passes no update that
-- leaves all those columns as they were. Rows are marked by 15-minute
-- cell, like a bulk statement's triggers: a cell lies on one local day in
-- every zone.
create or replace function analytics.log_decoded_changes(
  p_tables text[], p_ops text[], p_old jsonb[], p_new jsonb[], p_committed_at timestamptz[])
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_table text;
begin
  -- An update or delete without its old row (the table's replica identity
  -- is no longer FULL) cannot say which day it leaves: the whole history of
  -- the source is stale rather than a day silently missed.
  for v_table in
    select distinct c.tbl from unnest(p_tables, p_ops, p_old) c (tbl, op, old)
    where c.op in ('U', 'D') and c.old is null
  loop
    perform analytics.mark_truncated(v_table, format(
      'an update or delete of public.%I came without its old row (replica identity is not FULL)', v_table));
  end loop;

  with versions as (
    select c.tbl, c.committed_at, v.row,
           -- a session that keeps its id and started_at keeps its reports on its day
           coalesce(c.op = 'U' and c.old -> 'id' = c.new -> 'id' and c.old -> 'started_at' = c.new -> 'started_at', false)
             as reports_unchanged
    from unnest(p_tables, p_ops, p_old, p_new, p_committed_at) c (tbl, op, old, new, committed_at)
    cross join lateral (values (c.old), (c.new)) v (row)
    where v.row is not null
  ),
  marks as (
    select 'activity' as source, (v.row ->> 'started_at')::timestamptz as at, null::uuid as session_id, v.reports_unchanged
    from versions v where v.tbl = 'sessions'
    union all
    -- a report counts on its session's day: the day that session starts on
    -- now (the refresh looks again when it runs); a deleted report whose
    -- session is gone was logged by the session's delete
    select 'activity', coalesce(s.started_at, v.committed_at), (v.row ->> 'session_id')::uuid, false
    from versions v left join public.sessions s on s.id = (v.row ->> 'session_id')::uuid
    where v.tbl = 'feedback_reports'
    union all
    select 'signups', (v.row ->> 'created_at')::timestamptz, null, false
    from versions v where v.tbl = 'users'
    union all
    -- business months are recomputed from the earliest changed one on
    select 'subscriptions', min(least((v.row ->> 'started_at')::timestamptz, (v.row ->> 'trial_ends_at')::timestamptz,
                                      (v.row ->> 'ended_at')::timestamptz)), null, false
    from versions v where v.tbl = 'subscriptions'
    having count(*) > 0
  )
  insert into analytics.invalidation_log (source, at, session_id, reports_unchanged)
  select distinct m.source,
         case when m.session_id is null then date_bin('15 minutes', m.at, timestamptz '2000-01-01 00:00+00') else m.at end,
         m.session_id, m.reports_unchanged
  from marks m;
end
$$;
comment on function analytics.log_decoded_changes(p_tables text[], p_ops text[], p_old jsonb[], p_new jsonb[], p_committed_at timestamptz[]) is
  'Logical capture: writes the invalidation log rows of a batch of decoded row changes (table, I/U/D, old and new row as JSON objects of the captured columns'' text, commit time), as the triggers of trigger mode would: the 15-minute cells of sessions'' started_at and users'' created_at, a report''s session, the earliest timestamp of changed subscriptions; an update or delete without its old row marks the whole history of its source. Called by consume_capture().';
revoke execute on function analytics.log_decoded_changes(p_tables text[], p_ops text[], p_old jsonb[], p_new jsonb[], p_committed_at timestamptz[]) from public;
