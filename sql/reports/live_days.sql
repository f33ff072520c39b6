create or replace function analytics.live_days(p_from date, p_to date)
returns date[]
language sql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
  select coalesce(array_agg(d::date order by d), '{}')
  from analytics.settings s,
       generate_series(greatest(p_from, coalesce(s.materialized_through + 1, p_from)),
                       least(p_to, analytics.local_today()),
                       interval '1 day') d
$$;
comment on function analytics.live_days(p_from date, p_to date) is
  'Local days of p_from .. p_to that are not stored yet (after materialized_through, up to local_today()): read live.';
revoke execute on function analytics.live_days(p_from date, p_to date) from public;
grant execute on function analytics.live_days(p_from date, p_to date) to analytics_reader;
