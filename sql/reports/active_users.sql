create or replace function analytics.active_users(p_from date, p_to date)
returns table (day date, dau integer, wau integer, mau integer, stickiness numeric)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  v_live date[] := analytics.live_days(p_from, p_to);
begin
  return query
  select g::date, coalesce(d.dau, 0), coalesce(d.wau, 0), coalesce(d.mau, 0),
         round(d.dau::numeric / nullif(d.mau, 0), 4)
  from generate_series(p_from, p_to, interval '1 day') g
  left join (select d.day, d.dau, d.wau, d.mau from analytics.daily_active_users d where d.day between p_from and least(p_to, v_through)
             union all
             select d.day, d.dau, d.wau, d.mau from analytics.compute_daily_active_users(v_live) d where cardinality(v_live) > 0) d
    on d.day = g::date
  order by 1;
end
$$;
comment on function analytics.active_users(p_from date, p_to date) is
  'Per local day of p_from .. p_to, zero-filled: dau (distinct users that day), wau (over d-6 .. d), mau (over d-29 .. d), stickiness = dau / mau (0-1, null when mau is 0).';
revoke execute on function analytics.active_users(p_from date, p_to date) from public;
grant execute on function analytics.active_users(p_from date, p_to date) to analytics_reader;
