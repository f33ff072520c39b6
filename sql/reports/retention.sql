create or replace function analytics.retention(p_from date, p_to date)
returns table (cohort date, cohort_size bigint, week_offset integer, retained bigint, rate numeric)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_through date := (select s.materialized_through from analytics.settings s);
  v_first_week date := date_trunc('week', p_from::timestamp)::date;
  v_last_week date := date_trunc('week', p_to::timestamp)::date;
  v_live date[] := analytics.live_days(v_first_week, v_last_week + 6);
  v_live_from timestamptz;
  v_live_to timestamptz;
  -- the live days' signups by cohort week
  v_signup_weeks date[] := '{}';
  v_signups bigint[] := '{}';
  -- the live days' additions to cells (cohort week, week offset, users)
  v_added_cohorts date[] := '{}';
  v_added_offsets integer[] := '{}';
  v_added_users bigint[] := '{}';
begin
  if cardinality(v_live) > 0 then
    -- live_days() is in day order; its bounds as instants make the range
    -- tests below index ranges
    v_live_from := v_live[1]::timestamp at time zone v_zone;
    v_live_to := (v_live[cardinality(v_live)] + 1)::timestamp at time zone v_zone;

    select coalesce(array_agg(w.week), '{}'), coalesce(array_agg(w.users), '{}')
    into v_signup_weeks, v_signups
    from (select date_trunc('week', u.created_at at time zone v_zone)::date as week, count(*) as users
          from public.users u
          where u.created_at >= v_live_from and u.created_at < v_live_to
            and (u.created_at at time zone v_zone)::date = any(v_live)
          group by 1) w;

    select coalesce(array_agg(c.cohort_week), '{}'), coalesce(array_agg(c.week_offset), '{}'), coalesce(array_agg(c.users), '{}')
    into v_added_cohorts, v_added_offsets, v_added_users
    from (select date_trunc('week', u.created_at at time zone v_zone)::date as cohort_week,
                 ((a.week - date_trunc('week', u.created_at at time zone v_zone)::date) / 7)::integer as week_offset,
                 count(*) as users
          from (select distinct s.user_id, date_trunc('week', (s.started_at at time zone v_zone)::date::timestamp)::date as week
                from public.sessions s
                where s.started_at >= v_live_from and s.started_at < v_live_to
                  and (s.started_at at time zone v_zone)::date = any(v_live)) a
          join public.users u on u.id = a.user_id
          where date_trunc('week', u.created_at at time zone v_zone)::date between v_first_week and least(v_last_week, a.week)
            and not exists (select from analytics.daily_user_activity d
                            where d.user_id = a.user_id and d.day between a.week and least(a.week + 6, v_through))
          group by 1, 2) c;
  end if;

  return query
  with cohorts as (
    select n.week as cohort, sum(n.users)::bigint as size
    from (select date_trunc('week', n.day::timestamp)::date as week, n.new_users::bigint as users
          from analytics.daily_signups n where n.day between v_first_week and least(v_last_week + 6, v_through)
          union all
          select w.week, w.users from unnest(v_signup_weeks, v_signups) w (week, users)) n
    group by 1
  ),
  cells as (
    select c.cohort, c.size, k as week_offset
    from cohorts c, generate_series(0, (v_last_week - c.cohort) / 7) k
  ),
  counts as (
    select c.cohort, c.size, c.week_offset, coalesce(r.retained, 0) + coalesce(a.users, 0) as retained
    from cells c
    left join analytics.weekly_retention r
      on r.cohort_week = c.cohort and r.week_offset = c.week_offset and r.cohort_week between v_first_week and v_last_week
    left join unnest(v_added_cohorts, v_added_offsets, v_added_users) a (cohort_week, week_offset, users)
      on a.cohort_week = c.cohort and a.week_offset = c.week_offset
  )
  select c.cohort, c.size, c.week_offset, c.retained::bigint, round(c.retained::numeric / nullif(c.size, 0), 4)
  from counts c
  order by 1, 3;
end
$$;
comment on function analytics.retention(p_from date, p_to date) is
  'Signup-week cohorts of the ISO weeks containing p_from .. p_to (whole weeks): for every offset up to the week of p_to, retained = cohort users with a session in week cohort + offset, rate = retained / cohort_size (0-1). Stored cells as stored, plus the users active on days not stored yet (today) who have no stored day in that week, and the signups of those days.';
revoke execute on function analytics.retention(p_from date, p_to date) from public;
grant execute on function analytics.retention(p_from date, p_to date) to analytics_reader;
