-- Rolling distinct users: each user's active days cover the wau and mau
-- windows that follow them (see below), and the covers are counted per day
-- in three small aggregates (covers that start, wau covers that end, mau
-- covers that end) rather than as four +1/-1 rows per user-day grouped
-- afterwards (the dearer plan on a rebuild); dau is the day's own count of
-- covers that start.
create or replace function analytics.compute_daily_active_users(p_days date[])
returns setof analytics.daily_active_users
language plpgsql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_first date := (select min(d) from unnest(p_days) d) - 29;
  v_last date := (select max(d) from unnest(p_days) d);
begin
  -- Each (user, active day a) covers the window days a .. a+6 (wau) and
  -- a .. a+29 (mau), cut short where the user's next active day takes over,
  -- so a user covers each day at most once: a running sum of the covers
  -- that start minus those that end counts distinct users per day.
  return query
  with covers as (
    -- who was active on which day, from daily_user_activity (checked against
    -- the raw tables by verify; days not stored yet are computed live)
    select a.day, lead(a.day) over (partition by a.user_id order by a.day) as next_day
    from analytics.daily_rows(null::analytics.daily_user_activity, v_first, v_last) a
  ),
  changes as (
    select c.day, count(*) as started, 0 as wau_ended, 0 as mau_ended from covers c group by c.day
    union all
    select least(c.day + 7, c.next_day), 0, count(*), 0 from covers c group by 1
    union all
    select least(c.day + 30, c.next_day), 0, 0, count(*) from covers c group by 1
  ),
  per_day as (
    select ch.day, sum(ch.started) as started, sum(ch.wau_ended) as wau_ended, sum(ch.mau_ended) as mau_ended
    from changes ch group by ch.day
  ),
  running as (
    select d::date as day,
           coalesce(p.started, 0) as dau,
           sum(coalesce(p.started, 0) - coalesce(p.wau_ended, 0)) over w as wau,
           sum(coalesce(p.started, 0) - coalesce(p.mau_ended, 0)) over w as mau
    from generate_series(v_first, v_last, interval '1 day') d
    left join per_day p on p.day = d::date
    window w as (order by d)
  )
  select r.day, r.dau::integer, r.wau::integer, r.mau::integer
  from running r
  where r.day = any(p_days)
    and r.mau > 0;   -- like every rollup, no row where there is nothing to count
end
$$;
comment on function analytics.compute_daily_active_users(p_days date[]) is
  'Rows of analytics.daily_active_users (dau, wau, mau) for the given local days, computed from analytics.daily_user_activity (stored days) and the platform tables (later days).';
revoke execute on function analytics.compute_daily_active_users(p_days date[]) from public;
