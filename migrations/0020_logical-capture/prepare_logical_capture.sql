-- Trigger mode to logical mode, in two transactions, each one statement:
--   select analytics.prepare_logical_capture();  -- the publication, replica identity FULL
--   select analytics.use_logical_capture();      -- the slot, then the triggers go
-- (`praxis-analytics migrate` with ANALYTICS_CAPTURE=logical runs both). The
-- publication must be there before the slot: pgoutput looks for it as of
-- each change it decodes. The slot starts decoding where it is made, and the
-- triggers log until the second transaction commits: a change in between is
-- logged twice, none is missed.
create or replace function analytics.prepare_logical_capture()
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_state analytics.capture_state;
  v_table text;
  v_identity jsonb := '{}';
begin
  if current_setting('wal_level') <> 'logical' then
    raise exception 'logical capture needs wal_level = logical (it is %)', current_setting('wal_level')
      using errcode = 'object_not_in_prerequisite_state',
            hint = 'ALTER SYSTEM SET wal_level = logical, and restart the server.';
  end if;
  select * into v_state from analytics.capture_state for update;
  if not exists (select from pg_publication p where p.pubname = v_state.publication) then
    execute format('create publication %I for table %s', v_state.publication,
                   (select string_agg(format('public.%I', c.table_name), ', ') from analytics.captured_columns() c));
    execute format('comment on publication %I is %L', v_state.publication,
                   'Added by @oet-praxis/analytics: the platform tables whose changes its logical capture decodes (analytics.capture_state).');
  end if;
  -- An update or delete carries its old row only under REPLICA IDENTITY
  -- FULL: the day a session or user leaves, a subscription's old dates.
  for v_table in select c.table_name from analytics.captured_columns() c loop
    v_identity := v_identity || jsonb_build_object(v_table, (
      select case r.relreplident when 'd' then 'default' when 'n' then 'nothing' when 'f' then 'full'
               else 'index ' || (select c.relname from pg_index i join pg_class c on c.oid = i.indexrelid
                                 where i.indrelid = r.oid and i.indisreplident) end
      from pg_class r where r.oid = format('public.%I', v_table)::regclass));
    if v_identity ->> v_table <> 'full' then
      execute format('alter table public.%I replica identity full', v_table);
    end if;
  end loop;
  -- what to put back later: as found the first time
  update analytics.capture_state set replica_identities = coalesce(replica_identities, v_identity);
end
$$;
comment on function analytics.prepare_logical_capture() is
  'First step to logical capture: creates the publication of the captured tables and sets their replica identity to FULL (recording what it was in capture_state). Needs wal_level = logical. Then, in a new transaction, use_logical_capture().';
revoke execute on function analytics.prepare_logical_capture() from public;
