-- Closed search paths (migration 0007). Runs last in the migration, so it
-- covers every function defined before it, in this file's migration too.
--
-- A schema left out of a function's search_path is not searched, with one
-- exception: pg_temp. Left out, the caller's temporary schema is searched
-- FIRST for relations and types, before pg_catalog. Inside a SECURITY
-- DEFINER report function (running with the owner's rights) a temporary
-- table named pg_type, daily_user_activity or even date, created by
-- analytics_reader, would then stand in for ours. Listed last, pg_temp is
-- searched last (and never for functions or operators), which is what the
-- PostgreSQL documentation asks of SECURITY DEFINER functions. Every
-- function of the schema gets it, definer or not: an invoker function called
-- from a definer one runs with the owner's rights as well.

-- daily_rows() named its catalog unqualified; every catalog name is now
-- schema-qualified as well, so the order of the path is a second line of
-- defence, not the only one.
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
comment on function analytics.daily_rows(anyelement, date, date) is
  'Rows of a daily rollup (given by a null of its row type, e.g. null::analytics.hourly_sessions) for local days p_from .. p_to: stored days plus live ones.';

-- Appends pg_temp to the search_path of every function of schema analytics
-- that does not end with it yet (a function without one gets the closed
-- path pg_catalog, analytics, pg_temp). ALTER FUNCTION changes only the
-- function's settings in pg_proc: no body is re-parsed, no table is locked.
do $$
declare
  v_function record;
begin
  for v_function in
    select p.oid::regprocedure as signature,
           (select pg_catalog.substr(c, pg_catalog.length('search_path=') + 1)
            from pg_catalog.unnest(p.proconfig) c where c like 'search_path=%') as path
    from pg_catalog.pg_proc p
    where p.pronamespace = 'analytics'::regnamespace and p.prokind in ('f', 'p')
  loop
    continue when v_function.path ~ '(^|, *)pg_temp$';
    execute pg_catalog.format('alter routine %s set search_path = %s, pg_temp',
                              v_function.signature, coalesce(v_function.path, 'pg_catalog, analytics'));
  end loop;
end
$$;
