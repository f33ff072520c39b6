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
-- (T); column values arrive as text. The parse is the capture's main cost
-- on the server, so it does the least per change: a tuple's values are
-- located, not copied; an update whose captured columns all kept their
-- bytes (a heartbeat) is dropped before any value is converted; only the
-- captured columns reach log_decoded_changes(); the commit position is read
-- from the batch's last commit only.
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
  v_commit bytea;
  p integer;
  v_kind integer;
  v_tag integer;
  v_n integer;
  v_last integer;
  v_runs_end integer;
  v_col integer;
  v_len integer;
  v_at integer;
  v_relid bigint;
  v_names text[];
  v_columns text[];
  v_committed_at timestamptz;
  -- per described relation (index v_at): its id, table, and where its
  -- captured columns lie in the flat lists below
  v_rel_ids bigint[] := '{}';
  v_rel_tables text[] := '{}';
  v_rel_from integer[] := '{}';
  v_rel_count integer[] := '{}';
  -- the captured columns of every described relation: ordinal, name
  v_pick integer[] := '{}';
  v_pick_names text[] := '{}';
  v_ordinals integer[];
  -- and the runs of adjacent captured columns (first, last ordinal)
  v_rel_run_from integer[] := '{}';
  v_rel_run_count integer[] := '{}';
  v_run_first integer[] := '{}';
  v_run_last integer[] := '{}';
  v_firsts integer[];
  v_lasts integer[];
  -- the current change's tuples, one after the other: where each column
  -- starts (its kind byte, 0-based), and after each tuple's last column
  -- where the tuple ends; the old row's columns follow v_old_at, the new
  -- row's v_new_at (null: that row was not sent)
  v_head integer[] := '{}';
  v_old_at integer;
  v_new_at integer;
  v_changed boolean;
  v_old text[];
  v_new text[];
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
  v_count integer := 0; -- the changes kept for the log
  v_decoded integer := 0; -- every row change read
  v_name text;
  i integer;
  j integer;
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
    elsif v_kind = 67 then -- Commit: flags, commit LSN, end LSN, commit time (the last one's end is read below)
      v_commit := d;
    elsif v_kind in (73, 85, 68) then -- Insert, Update, Delete: id, then tuples tagged K (key), O (old row), N (new)
      v_relid := (get_byte(d, 1)::bigint << 24) + (get_byte(d, 2) << 16) + (get_byte(d, 3) << 8) + get_byte(d, 4);
      v_at := array_position(v_rel_ids, v_relid);
      if v_at is null then
        raise exception 'consume_capture: a change of relation % came before its description', v_relid;
      end if;
      v_decoded := v_decoded + 1;
      v_old_at := null;
      v_new_at := null;
      v_n := 0;
      p := 5;
      while p < length(d) loop
        v_tag := get_byte(d, p);
        if v_tag = 79 then v_old_at := v_n; elsif v_tag = 78 then v_new_at := v_n; end if; -- K: the key only
        v_last := v_n + (get_byte(d, p + 1) << 8) + get_byte(d, p + 2);
        p := p + 3;
        for i in v_n + 1 .. v_last loop
          v_head[i] := p;
          if get_byte(d, p) = 116 then -- t: a value as text, after its length
            p := p + 5 + ((get_byte(d, p + 1) << 24) + (get_byte(d, p + 2) << 16) + (get_byte(d, p + 3) << 8) + get_byte(d, p + 4));
          else -- n: null; u: a TOASTed value the update left as it was
            p := p + 1;
          end if;
        end loop;
        v_head[v_last + 1] := p; -- where the tuple ends
        v_n := v_last + 1;
      end loop;
      -- An update whose captured columns all kept their bytes (a heartbeat)
      -- marks nothing: each run of adjacent captured columns is compared as
      -- one slice of the old row and of the new. (An unchanged TOASTed
      -- value, u, compares as a change: a mark too many, never too few.)
      v_changed := v_kind <> 85 or v_old_at is null;
      j := v_rel_run_from[v_at];
      v_runs_end := j + v_rel_run_count[v_at];
      while not v_changed and j < v_runs_end loop
        v_changed := substring(d from v_head[v_old_at + v_run_first[j]] + 1
                                 for v_head[v_old_at + v_run_last[j] + 1] - v_head[v_old_at + v_run_first[j]])
                  <> substring(d from v_head[v_new_at + v_run_first[j]] + 1
                                 for v_head[v_new_at + v_run_last[j] + 1] - v_head[v_new_at + v_run_first[j]]);
        j := j + 1;
      end loop;
      if v_changed then
        v_old := null;
        v_new := null;
        j := v_rel_from[v_at] - 1;
        for v_col in 1 .. v_rel_count[v_at] loop
          i := v_pick[j + v_col];
          if v_old_at is not null then
            p := v_head[v_old_at + i];
            v_old[v_col] := case when get_byte(d, p) = 116
              then convert_from(substring(d from p + 6 for v_head[v_old_at + i + 1] - p - 5), v_encoding) end;
          end if;
          if v_new_at is not null then
            p := v_head[v_new_at + i];
            v_new[v_col] := case get_byte(d, p)
              when 116 then convert_from(substring(d from p + 6 for v_head[v_new_at + i + 1] - p - 5), v_encoding)
              when 117 then v_old[v_col] end;
          end if;
        end loop;
        v_names := v_pick_names[j + 1 : j + v_rel_count[v_at]];
        v_count := v_count + 1;
        v_tables[v_count] := v_rel_tables[v_at];
        v_ops[v_count] := chr(v_kind);
        v_olds[v_count] := case when v_old_at is not null then jsonb_object(v_names, v_old) end;
        v_news[v_count] := case when v_new_at is not null then jsonb_object(v_names, v_new) end;
        v_times[v_count] := v_committed_at;
      end if;
    elsif v_kind = 82 then -- Relation: id, schema, name, replica identity, columns (flags, name, type, typmod)
      v_relid := (get_byte(d, 1)::bigint << 24) + (get_byte(d, 2) << 16) + (get_byte(d, 3) << 8) + get_byte(d, 4);
      p := 5;
      p := p + position('\x00'::bytea in substring(d from p + 1)); -- schema
      v_len := position('\x00'::bytea in substring(d from p + 1)) - 1;
      v_name := convert_from(substring(d from p + 1 for v_len), v_encoding);
      p := p + v_len + 2; -- the name, its terminator, the replica identity
      v_n := (get_byte(d, p) << 8) + get_byte(d, p + 1);
      p := p + 2;
      v_columns := '{}';
      for i in 1 .. v_n loop
        v_len := position('\x00'::bytea in substring(d from p + 2)) - 1;
        v_columns[i] := convert_from(substring(d from p + 2 for v_len), v_encoding);
        p := p + 1 + v_len + 1 + 8;
      end loop;
      v_at := coalesce(array_position(v_rel_ids, v_relid), cardinality(v_rel_ids) + 1);
      v_rel_ids[v_at] := v_relid;
      v_rel_tables[v_at] := v_name;
      v_rel_from[v_at] := cardinality(v_pick) + 1;
      select coalesce(array_agg(c.ordinality::integer order by c.ordinality), '{}'), coalesce(array_agg(c.name order by c.ordinality), '{}')
      into v_ordinals, v_names
      from analytics.captured_columns() k
      cross join lateral unnest(v_columns) with ordinality c (name, ordinality)
      where k.table_name = v_name and c.name = any (k.columns);
      v_rel_count[v_at] := cardinality(v_ordinals);
      v_pick := v_pick || v_ordinals;
      v_pick_names := v_pick_names || v_names;
      select coalesce(array_agg(r.first order by r.first), '{}'), coalesce(array_agg(r.last order by r.first), '{}')
      into v_firsts, v_lasts
      from (select min(o) as first, max(o) as last
            from (select o, o - row_number() over (order by o) as island from unnest(v_ordinals) o) x
            group by x.island) r;
      v_rel_run_from[v_at] := cardinality(v_run_first) + 1;
      v_rel_run_count[v_at] := cardinality(v_firsts);
      v_run_first := v_run_first || v_firsts;
      v_run_last := v_run_last || v_lasts;
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
  if v_commit is not null then
    v_end := format('%s/%s', encode(substring(v_commit from 11 for 4), 'hex'), encode(substring(v_commit from 15 for 4), 'hex'))::pg_lsn;
  end if;

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
     and (v_decoded + cardinality(v_truncated) > 0 or v_end - v_state.consumed_lsn > 1048576
          or v_state.consumed_at < now() - interval '10 seconds') then
    update analytics.capture_state set consumed_lsn = v_end, consumed_at = now();
  end if;
  return v_decoded + cardinality(v_truncated);
end
$$;
comment on function analytics.consume_capture(p_wait boolean, p_max_changes integer) is
  'Logical capture: decodes what the replication slot holds since the last call (at most about p_max_changes messages, whole transactions; null: all) into analytics.invalidation_log and records the position in capture_state, in the caller''s transaction. One consumer at a time: without p_wait it returns 0 at once when another holds the capture lock; the refresh passes p_wait. A missing, invalidated or moved slot is replaced and the whole history marked stale (restart_logical_capture). Returns the row changes and truncated tables consumed; 0, and nothing done, in trigger mode.';
revoke execute on function analytics.consume_capture(p_wait boolean, p_max_changes integer) from public;
