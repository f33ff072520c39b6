-- Logical mode back to trigger mode, in one transaction: the triggers go on
-- first (CREATE TRIGGER waits for the writers of each table, and the writes
-- after it are theirs), then everything the slot decoded before that is
-- consumed, then the slot, the publication and replica identity FULL go.
-- A slot dropped while this rolls back is found missing by the next
-- consume_capture(), which marks the history stale: nothing is lost
-- silently. In trigger mode it only removes what a logical mode left.
create or replace function analytics.use_trigger_capture()
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_state analytics.capture_state;
  v_table text;
  v_identity text;
begin
  select * into v_state from analytics.capture_state;
  if v_state.mode = 'logical' then
    -- while it can still replace a lost slot (nothing written yet)
    perform analytics.consume_capture(true);
    perform analytics.install_capture_triggers();
    perform analytics.consume_capture(true);
    update analytics.capture_state set mode = 'triggers', slot = null, consumed_lsn = null, consumed_at = null;
  end if;
  -- the slot of logical mode, or one left by a switch to it that rolled back
  if exists (select from pg_replication_slots s where s.slot_name = analytics.logical_slot_name()) then
    perform pg_drop_replication_slot(analytics.logical_slot_name());
  end if;
  execute format('drop publication if exists %I', v_state.publication);
  for v_table, v_identity in select * from jsonb_each_text(coalesce(v_state.replica_identities, '{}')) loop
    if (select r.relreplident = 'f' from pg_class r where r.oid = format('public.%I', v_table)::regclass) and v_identity <> 'full' then
      execute format('alter table public.%I replica identity %s', v_table,
                     case when v_identity like 'index %' then 'using index ' || quote_ident(substr(v_identity, 7))
                          else v_identity end);
    end if;
  end loop;
  update analytics.capture_state set replica_identities = null;
end
$$;
comment on function analytics.use_trigger_capture() is
  'Switches logical capture back to the triggers without losing a change: puts the capture triggers on, consumes what the slot decoded before them, drops the slot and the publication, and puts back the replica identities recorded by prepare_logical_capture(). In trigger mode, removes only what a logical mode left behind.';
revoke execute on function analytics.use_trigger_capture() from public;
