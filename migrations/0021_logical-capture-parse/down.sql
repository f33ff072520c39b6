-- Down of migration 0021: consume_capture(), log_decoded_changes(),
-- restart_logical_capture() and use_logical_capture() as migration 0020
-- released them (the filter of updates in log_decoded_changes(), the slot
-- made in each of the last two); replace_logical_slot() goes.
-- Logical mode: the log rows of a batch of decoded row changes, as the
-- triggers of trigger mode would have written them. Each change is a table,
-- an operation (I, U, D) and its old and new rows as JSON objects of the
-- columns' text (old: null for an insert, or where the replica identity
-- gave only the key). Rows are marked by 15-minute cell, like a bulk
-- statement's triggers: a cell lies on one local day in every zone.
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

  with changed as (
    select c.tbl, c.op, c.old, c.new, c.committed_at
    from unnest(p_tables, p_ops, p_old, p_new, p_committed_at) c (tbl, op, old, new, committed_at)
    join analytics.captured_columns() k on k.table_name = c.tbl
    -- an update that changes no column a metric reads marks nothing
    where c.op <> 'U' or c.old is null
       or exists (select from unnest(k.columns) col where c.old -> col is distinct from c.new -> col)
  ),
  versions as (
    select c.tbl, c.committed_at, v.row,
           -- a session that keeps its id and started_at keeps its reports on its day
           coalesce(c.op = 'U' and c.old -> 'id' = c.new -> 'id' and c.old -> 'started_at' = c.new -> 'started_at', false)
             as reports_unchanged
    from changed c
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
  'Logical capture: writes the invalidation log rows of a batch of decoded row changes (table, I/U/D, old and new row as JSON objects of column text, commit time), as the triggers of trigger mode would: the 15-minute cells of sessions'' started_at and users'' created_at, a report''s session, the earliest timestamp of changed subscriptions; updates of no captured column mark nothing; an update or delete without its old row marks the whole history of its source. Called by consume_capture().';
revoke execute on function analytics.log_decoded_changes(p_tables text[], p_ops text[], p_old jsonb[], p_new jsonb[], p_committed_at timestamptz[]) from public;
-- Logical mode: moves what the slot decoded since the last call into the
-- invalidation log, in the caller's transaction. The position consumed is
-- stored in analytics.capture_state in that same transaction, and the slot
-- (whose advance is not transactional) is only ever advanced to a position
-- already committed there: a consumer killed mid-batch leaves the slot and
-- the log as they were, and the next call decodes the batch again. One
-- consumer at a time (an advisory lock); the refresh waits for it (p_wait)
-- and then consumes what was committed before it, so no bucket is marked
-- fresh while a change to it waits in the WAL. The worker polls without
-- waiting: a second worker stands by.
--
-- The messages are pgoutput's (protocol 1, built into every server): Begin
-- (B), Commit (C), Relation (R, the columns of a table, sent before its
-- first change in each call), Insert (I), Update (U), Delete (D), Truncate
-- (T); column values arrive as text.
create or replace function analytics.consume_capture(p_wait boolean default false, p_max_changes integer default null)
returns integer
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
-- the text of decoded timestamps is read back in the session that wrote it
set datestyle = 'ISO, YMD'
as $$
declare
  v_state analytics.capture_state;
  v_slot record;
  v_problem text;
  v_encoding name := pg_catalog.getdatabaseencoding();
  d bytea;
  p integer;
  v_kind integer;
  v_part integer;
  v_n integer;
  v_k integer;
  v_len integer;
  v_at integer;
  v_relid bigint;
  v_vals text[];
  v_old text[];
  v_new text[];
  v_rel_ids bigint[] := '{}';
  v_rel_tables text[] := '{}';
  v_rel_columns text[] := '{}';
  v_columns text[];
  v_committed_at timestamptz;
  v_end pg_lsn;
  v_target pg_lsn;
  v_messages integer := 0;
  v_truncated text[] := '{}';
  v_truncated_at timestamptz[] := '{}';
  v_tables text[] := '{}';
  v_ops text[] := '{}';
  v_olds jsonb[] := '{}';
  v_news jsonb[] := '{}';
  v_times timestamptz[] := '{}';
  v_count integer := 0;
  v_name text;
  i integer;
begin
  if p_wait then
    perform pg_advisory_xact_lock(hashtext('analytics.capture'));
  elsif not pg_try_advisory_xact_lock(hashtext('analytics.capture')) then
    return 0;
  end if;
  select * into v_state from analytics.capture_state;
  if v_state.mode is distinct from 'logical' then
    return 0;
  end if;

  -- A slot that is gone, invalidated, or moved past what was consumed has
  -- lost changes: a new slot, and the whole history stale.
  select s.database, s.plugin, s.wal_status, s.confirmed_flush_lsn into v_slot
  from pg_replication_slots s where s.slot_name = v_state.slot;
  v_problem := case
    when v_slot.plugin is null then
      format('the replication slot %s of the logical capture is missing (dropped, or not on this server after a failover)', v_state.slot)
    when v_slot.wal_status = 'lost' then
      format('the replication slot %s of the logical capture was invalidated (it retained more WAL than max_slot_wal_keep_size allows)', v_state.slot)
    when v_slot.database is distinct from current_database() or v_slot.plugin <> 'pgoutput' then
      format('the replication slot %s is not the logical capture''s (database %s, plugin %s)', v_state.slot, v_slot.database, v_slot.plugin)
    when v_slot.confirmed_flush_lsn > v_state.consumed_lsn then
      format('the replication slot %s was advanced past what the capture consumed (%s > %s)', v_state.slot,
             v_slot.confirmed_flush_lsn, v_state.consumed_lsn)
  end;
  if v_problem is not null then
    perform analytics.restart_logical_capture(v_problem);
    return 0;
  end if;
  if v_slot.confirmed_flush_lsn < v_state.consumed_lsn then
    perform pg_replication_slot_advance(v_state.slot, v_state.consumed_lsn);
  end if;

  -- Every transaction that committed before this point: a synchronous
  -- commit is flushed before anyone sees it.
  v_target := pg_current_wal_flush_lsn();
  for d in
    select c.data from pg_logical_slot_peek_binary_changes(v_state.slot, v_target, p_max_changes,
      'proto_version', '1', 'publication_names', v_state.publication) c
  loop
    v_kind := get_byte(d, 0);
    v_messages := v_messages + 1;
    if v_kind = 66 then -- Begin: final LSN, commit time (microseconds since 2000), xid
      v_committed_at := timestamptz '2000-01-01 00:00+00'
        + ((get_byte(d, 9)::bigint << 56) + (get_byte(d, 10)::bigint << 48) + (get_byte(d, 11)::bigint << 40)
           + (get_byte(d, 12)::bigint << 32) + (get_byte(d, 13)::bigint << 24) + (get_byte(d, 14) << 16)
           + (get_byte(d, 15) << 8) + get_byte(d, 16)) * interval '1 microsecond';
    elsif v_kind = 67 then -- Commit: flags, commit LSN, end LSN, commit time
      v_end := format('%s/%s', encode(substring(d from 11 for 4), 'hex'), encode(substring(d from 15 for 4), 'hex'))::pg_lsn;
    elsif v_kind = 82 then -- Relation: id, schema, name, replica identity, columns (flags, name, type, typmod)
      v_relid := (get_byte(d, 1)::bigint << 24) + (get_byte(d, 2) << 16) + (get_byte(d, 3) << 8) + get_byte(d, 4);
      p := 5;
      p := p + position('\x00'::bytea in substring(d from p + 1)); -- schema
      v_len := position('\x00'::bytea in substring(d from p + 1)) - 1;
      v_name := convert_from(substring(d from p + 1 for v_len), v_encoding);
      p := p + v_len + 2; -- the name, its terminator, the replica identity
      v_n := (get_byte(d, p) << 8) + get_byte(d, p + 1);
      p := p + 2;
      v_vals := '{}';
      for i in 1 .. v_n loop
        v_len := position('\x00'::bytea in substring(d from p + 2)) - 1;
        v_vals[i] := convert_from(substring(d from p + 2 for v_len), v_encoding);
        p := p + 1 + v_len + 1 + 8;
      end loop;
      v_at := array_position(v_rel_ids, v_relid);
      if v_at is null then
        v_at := cardinality(v_rel_ids) + 1;
      end if;
      v_rel_ids[v_at] := v_relid;
      v_rel_tables[v_at] := v_name;
      v_rel_columns[v_at] := array_to_string(v_vals, chr(31));
    elsif v_kind in (73, 85, 68) then -- Insert, Update, Delete: id, then tuples tagged K (key), O (old row), N (new)
      v_relid := (get_byte(d, 1)::bigint << 24) + (get_byte(d, 2) << 16) + (get_byte(d, 3) << 8) + get_byte(d, 4);
      v_at := array_position(v_rel_ids, v_relid);
      if v_at is null then
        raise exception 'consume_capture: a change of relation % came before its description', v_relid;
      end if;
      v_old := null;
      v_new := null;
      p := 5;
      while p < length(d) loop
        v_part := get_byte(d, p);
        v_n := (get_byte(d, p + 1) << 8) + get_byte(d, p + 2);
        p := p + 3;
        v_vals := '{}';
        for i in 1 .. v_n loop
          v_k := get_byte(d, p);
          if v_k = 116 then -- t: a value as text
            v_len := (get_byte(d, p + 1) << 24) + (get_byte(d, p + 2) << 16) + (get_byte(d, p + 3) << 8) + get_byte(d, p + 4);
            v_vals[i] := convert_from(substring(d from p + 6 for v_len), v_encoding);
            p := p + 5 + v_len;
          else -- n: null; u: a TOASTed value the update left as it was
            v_vals[i] := case when v_k = 117 then v_old[i] end;
            p := p + 1;
          end if;
        end loop;
        if v_part = 78 then v_new := v_vals; elsif v_part = 79 then v_old := v_vals; end if; -- K: the key only
      end loop;
      v_columns := string_to_array(v_rel_columns[v_at], chr(31));
      v_count := v_count + 1;
      v_tables[v_count] := v_rel_tables[v_at];
      v_ops[v_count] := chr(v_kind);
      v_olds[v_count] := case when v_old is not null then jsonb_object(v_columns, v_old) end;
      v_news[v_count] := case when v_new is not null then jsonb_object(v_columns, v_new) end;
      v_times[v_count] := v_committed_at;
    elsif v_kind = 84 then -- Truncate: how many relations, options, their ids
      v_n := (get_byte(d, 1) << 24) + (get_byte(d, 2) << 16) + (get_byte(d, 3) << 8) + get_byte(d, 4);
      for i in 0 .. v_n - 1 loop
        p := 6 + 4 * i;
        v_relid := (get_byte(d, p)::bigint << 24) + (get_byte(d, p + 1) << 16) + (get_byte(d, p + 2) << 8) + get_byte(d, p + 3);
        v_truncated := v_truncated || v_rel_tables[array_position(v_rel_ids, v_relid)];
        v_truncated_at := v_truncated_at || v_committed_at;
      end loop;
    end if;
  end loop;

  for i in 1 .. cardinality(v_truncated) loop
    perform analytics.mark_truncated(v_truncated[i], format('TRUNCATE public.%I at %s', v_truncated[i], v_truncated_at[i]));
  end loop;
  if v_count > 0 then
    perform analytics.log_decoded_changes(v_tables, v_ops, v_olds, v_news, v_times);
  end if;
  -- A batch cut short by p_max_changes ends at its last commit; a whole
  -- read, at the target: transactions without a change of the captured
  -- tables send nothing, and the slot must move past them too. Recorded
  -- when anything was consumed, or now and then (1 MB, 10 s), since the
  -- record is itself a write that moves the WAL on.
  if p_max_changes is null or v_messages < p_max_changes then
    v_end := greatest(v_end, v_target);
  end if;
  if v_end > v_state.consumed_lsn
     and (v_count + cardinality(v_truncated) > 0 or v_end - v_state.consumed_lsn > 1048576
          or v_state.consumed_at < now() - interval '10 seconds') then
    update analytics.capture_state set consumed_lsn = v_end, consumed_at = now();
  end if;
  return v_count + cardinality(v_truncated);
end
$$;
comment on function analytics.consume_capture(p_wait boolean, p_max_changes integer) is
  'Logical capture: decodes what the replication slot holds since the last call (at most about p_max_changes messages, whole transactions; null: all) into analytics.invalidation_log and records the position in capture_state, in the caller''s transaction. One consumer at a time: without p_wait it returns 0 at once when another holds the capture lock; the refresh passes p_wait. A missing, invalidated or moved slot is replaced and the whole history marked stale (restart_logical_capture). Returns the row changes and truncated tables consumed; 0, and nothing done, in trigger mode.';
revoke execute on function analytics.consume_capture(p_wait boolean, p_max_changes integer) from public;
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
  v_slot name := analytics.logical_slot_name();
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
  if exists (select from pg_replication_slots s where s.slot_name = v_slot) then
    perform pg_drop_replication_slot(v_slot);
  end if;
  select s.lsn into v_lsn from pg_create_logical_replication_slot(v_slot, 'pgoutput') s;
  update analytics.capture_state
  set slot = v_slot, consumed_lsn = v_lsn, consumed_at = now(), lost_at = now(), lost_reason = p_reason;
  perform analytics.invalidate_all(p_reason || '; the whole history is recomputed');
end
$$;
comment on function analytics.restart_logical_capture(p_reason text) is
  'Logical capture: replaces a slot that lost changes (missing, invalidated, moved) with a new one, records why in capture_state, and marks the whole history stale with that cause. Must run before the transaction writes (consume_capture() calls it first thing).';
revoke execute on function analytics.restart_logical_capture(p_reason text) from public;
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
  v_slot name := analytics.logical_slot_name();
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
  -- a slot left by an attempt that rolled back
  if exists (select from pg_replication_slots s where s.slot_name = v_slot) then
    perform pg_drop_replication_slot(v_slot);
  end if;
  select s.lsn into v_lsn from pg_create_logical_replication_slot(v_slot, 'pgoutput') s;
  update analytics.capture_state
  set mode = 'logical', slot = v_slot, consumed_lsn = v_lsn, consumed_at = now(), lost_at = null, lost_reason = null;
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
drop function analytics.replace_logical_slot();
