create or replace function analytics.usage_patterns(p_from date, p_to date)
returns table (weekday integer, hour integer, sessions bigint)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_live date[] := analytics.live_days(p_from, p_to);
begin
  return query
  with cells as (
    -- summed per cell first: 24 rows a day become 168 before the grid join
    select extract(isodow from x.day)::integer as weekday, x.hour::integer as hour, sum(x.sessions_started) as sessions
    from (select x.day, x.hour, x.sessions_started from analytics.hourly_sessions x where x.day between p_from and least(p_to, v_through)
          union all
          select x.day, x.hour, x.sessions_started from analytics.compute_hourly_sessions(v_live) x where cardinality(v_live) > 0) x
    group by 1, 2
  )
  select w, h, coalesce(c.sessions, 0)::bigint
  from generate_series(1, 7) w
  cross join generate_series(0, 23) h
  left join cells c on c.weekday = w and c.hour = h
  order by w, h;
end
$$;
comment on function analytics.usage_patterns(p_from date, p_to date) is
  'Sessions started on p_from .. p_to per ISO weekday (1 = Monday .. 7 = Sunday) and local hour (0-23), all 168 cells.';
revoke execute on function analytics.usage_patterns(p_from date, p_to date) from public;
grant execute on function analytics.usage_patterns(p_from date, p_to date) to analytics_reader;
