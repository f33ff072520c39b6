-- The rows of a daily rollup for a range: the stored days from its table,
-- union all the live ones from its compute_<rollup>(), in one dynamic query.
-- Every catalog name is schema-qualified as well as the search_path pinned,
-- so the order of the path is a second line of defence, not the only one.
create or replace function analytics.daily_rows(p_rollup anyelement, p_from date, p_to date)
returns setof anyelement
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  -- the rollup's table name, e.g. daily_scenario_activity; its computation is compute_<name>
  v_table text := (select t.typname from pg_catalog.pg_type t where t.oid = pg_catalog.pg_typeof(p_rollup));
begin
  return query execute pg_catalog.format(
    'select * from analytics.%I where day between $1 and least($2, (select materialized_through from analytics.settings))
     union all
     select * from analytics.%I($3)',
    v_table, 'compute_' || v_table)
  using p_from, p_to, analytics.live_days(p_from, p_to);
end
$$;
comment on function analytics.daily_rows(p_rollup anyelement, p_from date, p_to date) is
  'Rows of a daily rollup (given by a null of its row type, e.g. null::analytics.hourly_sessions) for local days p_from .. p_to: stored days plus live ones.';
revoke execute on function analytics.daily_rows(p_rollup anyelement, p_from date, p_to date) from public;
grant execute on function analytics.daily_rows(p_rollup anyelement, p_from date, p_to date) to analytics_reader;
