-- Logical mode: this database's replication slot, made anew. One of its
-- name that is there (left by a switch that rolled back, or one that lost
-- changes) is dropped first. PostgreSQL makes a logical slot only in a
-- transaction that has not written yet; each caller checks that, with its
-- own advice.
--
-- The slot is made inside a block with an exception clause, for the
-- subtransaction that gives it. While a new slot waits for a consistent
-- point, PostgreSQL applies the catalog changes that commit meanwhile (an
-- autovacuum ANALYZE, any DDL) in internal subtransactions of its own, and
-- pg_create_logical_replication_slot() (unlike the functions that read a
-- slot) leaves the transaction's resource owner in place of the caller's.
-- At top level the statement around it then fails as it ends: "snapshot
-- reference ... is not owned by resource owner TopTransaction". Inside the
-- block that owner is the block's own, and PL/pgSQL restores the caller's
-- when the block ends. The clause only passes an error on.
create or replace function analytics.replace_logical_slot()
returns pg_lsn
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_slot name := analytics.logical_slot_name();
begin
  if exists (select from pg_replication_slots s where s.slot_name = v_slot) then
    perform pg_drop_replication_slot(v_slot);
  end if;
  begin
    return (select s.lsn from pg_create_logical_replication_slot(v_slot, 'pgoutput') s);
  exception when others then
    raise;
  end;
end
$$;
comment on function analytics.replace_logical_slot() is
  'Logical capture: drops this database''s replication slot (logical_slot_name()) if it exists and makes it anew with pgoutput; returns the position it decodes from. Called by use_logical_capture() and restart_logical_capture(), before their transaction writes.';
revoke execute on function analytics.replace_logical_slot() from public;
