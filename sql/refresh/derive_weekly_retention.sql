create or replace function analytics.derive_weekly_retention(p_cohort_weeks date[], p_activity_weeks date[], p_through date)
returns setof analytics.weekly_retention
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
begin
  -- The cells (cohort, offset) whose cohort is in p_cohort_weeks or whose
  -- activity week is in p_activity_weeks, counting days up to p_through.
  -- Two halves that do not overlap, so neither needs the other's index: the
  -- user-days of the activity weeks (by day), and those of the changed
  -- cohorts' users in every other week (by user).
  return query
  with cohorts as (
    select u.id as user_id, date_trunc('week', u.created_at at time zone v_zone)::date as cohort_week
    from public.users u
  ),
  activity as (
    select distinct a.user_id, date_trunc('week', a.day::timestamp)::date as activity_week
    from analytics.daily_user_activity a
    where a.day >= (select min(w) from unnest(p_activity_weeks) w)
      and a.day <= least((select max(w) from unnest(p_activity_weeks) w) + 6, p_through)
      and date_trunc('week', a.day::timestamp)::date = any(p_activity_weeks)
    union all
    select distinct a.user_id, date_trunc('week', a.day::timestamp)::date
    from cohorts c
    join analytics.daily_user_activity a on a.user_id = c.user_id
    where c.cohort_week = any(p_cohort_weeks)
      and a.day <= p_through
      and not date_trunc('week', a.day::timestamp)::date = any(p_activity_weeks)
  )
  select c.cohort_week, ((a.activity_week - c.cohort_week) / 7)::integer, count(*)::integer
  from activity a
  join cohorts c on c.user_id = a.user_id
  where a.activity_week >= c.cohort_week
    and (c.cohort_week = any(p_cohort_weeks) or a.activity_week = any(p_activity_weeks))
  group by 1, 2;
end
$$;
comment on function analytics.derive_weekly_retention(p_cohort_weeks date[], p_activity_weeks date[], p_through date) is
  'Rows of analytics.weekly_retention for the given cohort weeks and activity weeks, counting days up to p_through, derived from the stored days of analytics.daily_user_activity and the users'' signup weeks. Used by refresh_pending(); verify() checks the result against compute_weekly_retention().';
revoke execute on function analytics.derive_weekly_retention(p_cohort_weeks date[], p_activity_weeks date[], p_through date) from public;
