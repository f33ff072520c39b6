create or replace function analytics.logical_slot_name()
returns name
language sql
stable
set search_path = pg_catalog, pg_temp
as $$
  -- slots are the server's, not the database's: one name per database
  select ('praxis_analytics_' || d.oid)::name from pg_database d where d.datname = current_database()
$$;
comment on function analytics.logical_slot_name() is
  'The name of this database''s logical capture slot: praxis_analytics_<database oid> (slot names are server-wide).';
