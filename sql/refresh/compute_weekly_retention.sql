create or replace function analytics.compute_weekly_retention(p_cohort_weeks date[], p_activity_weeks date[], p_through date)
returns setof analytics.weekly_retention
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
begin
  -- The retention cells (cohort, offset) whose cohort is in p_cohort_weeks or
  -- whose activity week (cohort + offset) is in p_activity_weeks, counting
  -- sessions on local days up to p_through.
  return query
  with cohorts as (
    select u.id as user_id, date_trunc('week', u.created_at at time zone v_zone)::date as cohort_week
    from public.users u
  ),
  activity as (
    -- two index-friendly halves rather than one OR: sessions in the changed
    -- weeks (by started_at), and every session of the changed cohorts' users
    select s.user_id, date_trunc('week', s.started_at at time zone v_zone)::date as activity_week
    from unnest(p_activity_weeks) w
    join public.sessions s
      on s.started_at >= w::timestamp at time zone v_zone
     and s.started_at < (w + 7)::timestamp at time zone v_zone
    where s.started_at < (p_through + 1)::timestamp at time zone v_zone
    union
    select s.user_id, date_trunc('week', s.started_at at time zone v_zone)::date
    from cohorts c
    join public.sessions s on s.user_id = c.user_id
    where c.cohort_week = any(p_cohort_weeks)
      and s.started_at < (p_through + 1)::timestamp at time zone v_zone
  )
  select c.cohort_week, ((a.activity_week - c.cohort_week) / 7)::integer, count(*)::integer
  from activity a
  join cohorts c on c.user_id = a.user_id
  where a.activity_week >= c.cohort_week
    and (c.cohort_week = any(p_cohort_weeks) or a.activity_week = any(p_activity_weeks))
  group by 1, 2;
end
$$;
comment on function analytics.compute_weekly_retention(p_cohort_weeks date[], p_activity_weeks date[], p_through date) is
  'Rows of analytics.weekly_retention for the given cohort weeks and activity weeks, counting activity up to p_through, computed from the platform tables.';
revoke execute on function analytics.compute_weekly_retention(p_cohort_weeks date[], p_activity_weeks date[], p_through date) from public;
