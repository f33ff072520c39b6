-- Logical mode, when the slot can no longer vouch for what it holds: a new
-- slot first, then the whole history stale, so that every change before
-- the new slot's start is recomputed and every change after it decoded.
-- PostgreSQL makes a logical slot only in a transaction that has not
-- written yet.
create or replace function analytics.restart_logical_capture(p_reason text)
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_lsn pg_lsn;
begin
  if pg_current_xact_id_if_assigned() is not null then
    raise exception 'change capture: %', p_reason
      using errcode = 'object_not_in_prerequisite_state',
            hint = 'A new slot can only be made by a transaction that has not written yet: run SELECT analytics.consume_capture() on its own (the worker does within a second).';
  end if;
  -- this database's own slot, if it is still there (lost, moved); a slot of
  -- another name (this database was copied from one in logical mode) is
  -- left to its owner
  v_lsn := analytics.replace_logical_slot();
  update analytics.capture_state
  set slot = analytics.logical_slot_name(), consumed_lsn = v_lsn, consumed_at = now(), lost_at = now(), lost_reason = p_reason;
  perform analytics.invalidate_all(p_reason || '; the whole history is recomputed');
end
$$;
comment on function analytics.restart_logical_capture(p_reason text) is
  'Logical capture: replaces a slot that lost changes (missing, invalidated, moved) with a new one, records why in capture_state, and marks the whole history stale with that cause. Must run before the transaction writes (consume_capture() calls it first thing).';
revoke execute on function analytics.restart_logical_capture(p_reason text) from public;
