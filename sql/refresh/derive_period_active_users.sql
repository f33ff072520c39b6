create or replace function analytics.derive_period_active_users(p_granularity text, p_period_starts date[])
returns setof analytics.period_active_users
language sql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
  select p_granularity, pairs.period_start, count(*)::integer
  from (
    select distinct date_trunc(p_granularity, a.day::timestamp)::date as period_start, a.user_id
    from analytics.daily_user_activity a
    where a.day >= (select min(p) from unnest(p_period_starts) p)
      and a.day < (select max(p) from unnest(p_period_starts) p) + ('1 ' || p_granularity)::interval
      and date_trunc(p_granularity, a.day::timestamp)::date = any(p_period_starts)
  ) pairs
  group by pairs.period_start
$$;
comment on function analytics.derive_period_active_users(p_granularity text, p_period_starts date[]) is
  'Rows of analytics.period_active_users for the given granularity (week or month) and period starts, derived from the stored days of analytics.daily_user_activity. Used by refresh_pending(); verify() checks the result against compute_period_active_users().';
revoke execute on function analytics.derive_period_active_users(p_granularity text, p_period_starts date[]) from public;
