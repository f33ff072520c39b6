create or replace function analytics.compute_period_active_users(p_granularity text, p_period_starts date[])
returns setof analytics.period_active_users
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_first date := (select min(d) from unnest(p_period_starts) d);
  v_last date := (select max(d) from unnest(p_period_starts) d) + ('1 ' || p_granularity)::interval;
begin
  return query
  select p_granularity, date_trunc(p_granularity, s.started_at at time zone v_zone)::date, count(distinct s.user_id)::integer
  from public.sessions s
  where s.started_at >= v_first::timestamp at time zone v_zone
    and s.started_at < v_last::timestamp at time zone v_zone
    and date_trunc(p_granularity, s.started_at at time zone v_zone)::date = any(p_period_starts)
  group by 2;
end
$$;
comment on function analytics.compute_period_active_users(p_granularity text, p_period_starts date[]) is
  'Rows of analytics.period_active_users for the given granularity (week or month) and period starts, computed from the platform tables.';
revoke execute on function analytics.compute_period_active_users(p_granularity text, p_period_starts date[]) from public;
