-- The second step to logical mode (see prepare_logical_capture.sql): the
-- slot first, as PostgreSQL requires, then the triggers go. The slot decodes
-- every transaction that commits after it is made; the triggers log until
-- this transaction commits: a change in between is logged twice, none is
-- missed.
create or replace function analytics.use_logical_capture()
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_state analytics.capture_state;
  v_lsn pg_lsn;
  v_table text;
begin
  if pg_current_xact_id_if_assigned() is not null then
    raise exception 'use_logical_capture() must run in a transaction of its own: PostgreSQL makes a logical slot only before the transaction writes'
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  select * into v_state from analytics.capture_state;
  if v_state.mode = 'logical' then
    return;
  end if;
  if not exists (select from pg_publication p where p.pubname = v_state.publication) then
    raise exception 'the publication % is missing: run SELECT analytics.prepare_logical_capture() first', v_state.publication
      using errcode = 'object_not_in_prerequisite_state';
  end if;
  v_lsn := analytics.replace_logical_slot(); -- or one left by an attempt that rolled back
  update analytics.capture_state
  set mode = 'logical', slot = analytics.logical_slot_name(), consumed_lsn = v_lsn, consumed_at = now(), lost_at = null, lost_reason = null;
  for v_table in select c.table_name from analytics.captured_columns() c loop
    execute format('drop trigger if exists analytics_capture_insert on public.%1$I;
                    drop trigger if exists analytics_capture_update on public.%1$I;
                    drop trigger if exists analytics_capture_delete on public.%1$I;
                    drop trigger if exists analytics_capture_truncate on public.%1$I', v_table);
  end loop;
end
$$;
comment on function analytics.use_logical_capture() is
  'Second step to logical capture, in a transaction of its own after prepare_logical_capture(): makes the replication slot (praxis_analytics_<database oid>, pgoutput), records it in capture_state and drops the capture triggers. A no-op in logical mode. Needs the REPLICATION attribute (or superuser).';
revoke execute on function analytics.use_logical_capture() from public;
