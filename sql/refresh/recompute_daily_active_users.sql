create or replace function analytics.recompute_daily_active_users(p_days date[])
returns setof analytics.daily_active_users
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_first date := (select min(d) from unnest(p_days) d) - 29;
  v_last date := (select max(d) from unnest(p_days) d);
begin
  -- The same running sum of covers as compute_daily_active_users (see there),
  -- over who was active on which day according to the platform tables: the
  -- (day, user_id) pairs of daily_user_activity's recomputation, read from
  -- session_facts directly since the sums are not needed here.
  return query
  with active as (
    select distinct f.day, f.user_id
    from analytics.session_facts(array(select d::date from generate_series(v_first, v_last, interval '1 day') d)) f
  ),
  covers as (
    select a.day, lead(a.day) over (partition by a.user_id order by a.day) as next_day from active a
  ),
  changes as (
    select c.day, 1 as dau, 1 as wau, 1 as mau from covers c
    union all select c.day + 1, -1, 0, 0 from covers c
    union all select least(c.day + 7, coalesce(c.next_day, c.day + 7)), 0, -1, 0 from covers c
    union all select least(c.day + 30, coalesce(c.next_day, c.day + 30)), 0, 0, -1 from covers c
  ),
  per_day as (
    select ch.day, sum(ch.dau) as dau, sum(ch.wau) as wau, sum(ch.mau) as mau from changes ch group by ch.day
  ),
  running as (
    select d::date as day,
           sum(coalesce(p.dau, 0)) over w as dau,
           sum(coalesce(p.wau, 0)) over w as wau,
           sum(coalesce(p.mau, 0)) over w as mau
    from generate_series(v_first, v_last, interval '1 day') d
    left join per_day p on p.day = d::date
    window w as (order by d)
  )
  select r.day, r.dau::integer, r.wau::integer, r.mau::integer
  from running r
  where r.day = any(p_days)
    and r.mau > 0;
end
$$;
comment on function analytics.recompute_daily_active_users(p_days date[]) is
  'verify()''s recomputation of analytics.daily_active_users for the given local days from the platform tables only (session_facts), never from the stored daily_user_activity that the refresh derives them from: a wrong stored activity row carried into the rolling counts must show up as a difference. Same rows as compute_daily_active_users when the rollups are right.';
revoke execute on function analytics.recompute_daily_active_users(p_days date[]) from public;
