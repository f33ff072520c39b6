-- Refresh step: the four rollups of sessions (daily_user_activity,
-- daily_scenario_activity, daily_session_durations, hourly_sessions) of the
-- given days, from one pass over the raw sessions (compute_daily_session_rollups).
-- Each *_diff holds the keys whose stored row must go ('delete'), come
-- ('insert') or take new values ('update'), with the new values; the
-- statements after it apply them, so a recomputation of unchanged data
-- writes nothing. Data-modifying CTEs run to completion whether or not the
-- final select reads them, and see the tables as the statement started,
-- which is fine: they touch disjoint rows. Each delete and update also
-- states the days, so even a hash join reaches the table through its
-- (day, …) key rather than scanning all of it.
create or replace function analytics.reconcile_session_rollups(
  p_days date[], p_list_users boolean,
  out changed_users uuid[], out member_days date[])
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  with rollups as materialized (
    select * from analytics.compute_daily_session_rollups(p_days)
  ),
  user_diff as materialized (
    select coalesce(f.day, s.day) as day, coalesce(f.user_id, s.user_id) as user_id,
           case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
           f.sessions_started, f.sessions_completed, f.sessions_finished, f.practice_seconds,
           f.scored_sessions, f.score_sum, f.last_active_at
    from (select r.day, r.user_id, r.sessions_started, r.sessions_completed, r.sessions_finished, r.practice_seconds,
                 r.scored_sessions, r.score_sum, r.last_active_at
          from rollups r where r.grain = 'user') f
    full join (select * from analytics.daily_user_activity a where a.day = any(p_days)) s
      on s.day = f.day and s.user_id = f.user_id
    where row(f.*) is distinct from row(s.*)
  ),
  user_deleted as (
    delete from analytics.daily_user_activity t using user_diff d
    where d.change = 'delete' and t.day = any(p_days) and t.day = d.day and t.user_id = d.user_id
  ),
  user_updated as (
    update analytics.daily_user_activity t
    set sessions_started = d.sessions_started, sessions_completed = d.sessions_completed,
        sessions_finished = d.sessions_finished, practice_seconds = d.practice_seconds,
        scored_sessions = d.scored_sessions, score_sum = d.score_sum, last_active_at = d.last_active_at
    from user_diff d
    where d.change = 'update' and t.day = any(p_days) and t.day = d.day and t.user_id = d.user_id
  ),
  user_inserted as (
    insert into analytics.daily_user_activity
      (day, user_id, sessions_started, sessions_completed, sessions_finished, practice_seconds,
       scored_sessions, score_sum, last_active_at)
    select d.day, d.user_id, d.sessions_started, d.sessions_completed, d.sessions_finished, d.practice_seconds,
           d.scored_sessions, d.score_sum, d.last_active_at
    from user_diff d where d.change = 'insert'
    order by d.day, d.user_id   -- appends to the (day, user_id) key instead of scattering
  ),
  scenario_diff as materialized (
    select coalesce(f.day, s.day) as day, coalesce(f.scenario_id, s.scenario_id) as scenario_id,
           case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
           f.sessions_started, f.sessions_completed, f.sessions_finished, f.practice_seconds,
           f.completed_seconds, f.completed_timed_sessions, f.scored_sessions, f.score_sum
    from (select r.day, r.scenario_id, r.sessions_started, r.sessions_completed, r.sessions_finished, r.practice_seconds,
                 r.completed_seconds, r.completed_timed_sessions, r.scored_sessions, r.score_sum
          from rollups r where r.grain = 'scenario') f
    full join (select * from analytics.daily_scenario_activity a where a.day = any(p_days)) s
      on s.day = f.day and s.scenario_id = f.scenario_id
    where row(f.*) is distinct from row(s.*)
  ),
  scenario_deleted as (
    delete from analytics.daily_scenario_activity t using scenario_diff d
    where d.change = 'delete' and t.day = any(p_days) and t.day = d.day and t.scenario_id = d.scenario_id
  ),
  scenario_updated as (
    update analytics.daily_scenario_activity t
    set sessions_started = d.sessions_started, sessions_completed = d.sessions_completed,
        sessions_finished = d.sessions_finished, practice_seconds = d.practice_seconds,
        completed_seconds = d.completed_seconds, completed_timed_sessions = d.completed_timed_sessions,
        scored_sessions = d.scored_sessions, score_sum = d.score_sum
    from scenario_diff d
    where d.change = 'update' and t.day = any(p_days) and t.day = d.day and t.scenario_id = d.scenario_id
  ),
  scenario_inserted as (
    insert into analytics.daily_scenario_activity
      (day, scenario_id, sessions_started, sessions_completed, sessions_finished, practice_seconds,
       completed_seconds, completed_timed_sessions, scored_sessions, score_sum)
    select d.day, d.scenario_id, d.sessions_started, d.sessions_completed, d.sessions_finished, d.practice_seconds,
           d.completed_seconds, d.completed_timed_sessions, d.scored_sessions, d.score_sum
    from scenario_diff d where d.change = 'insert'
  ),
  duration_diff as materialized (
    select coalesce(f.day, s.day) as day, coalesce(f.scenario_id, s.scenario_id) as scenario_id,
           coalesce(f.bin_start_minutes, s.bin_start_minutes) as bin_start_minutes,
           case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
           f.sessions
    from (select r.day, r.scenario_id, r.bin_start_minutes, r.sessions_started as sessions
          from rollups r where r.grain = 'duration') f
    full join (select * from analytics.daily_session_durations a where a.day = any(p_days)) s
      on s.day = f.day and s.scenario_id = f.scenario_id and s.bin_start_minutes = f.bin_start_minutes
    where row(f.*) is distinct from row(s.*)
  ),
  duration_deleted as (
    delete from analytics.daily_session_durations t using duration_diff d
    where d.change = 'delete' and t.day = any(p_days)
      and t.day = d.day and t.scenario_id = d.scenario_id and t.bin_start_minutes = d.bin_start_minutes
  ),
  duration_updated as (
    update analytics.daily_session_durations t
    set sessions = d.sessions
    from duration_diff d
    where d.change = 'update' and t.day = any(p_days)
      and t.day = d.day and t.scenario_id = d.scenario_id and t.bin_start_minutes = d.bin_start_minutes
  ),
  duration_inserted as (
    insert into analytics.daily_session_durations (day, scenario_id, bin_start_minutes, sessions)
    select d.day, d.scenario_id, d.bin_start_minutes, d.sessions
    from duration_diff d where d.change = 'insert'
  ),
  hour_diff as materialized (
    select coalesce(f.day, s.day) as day, coalesce(f.hour, s.hour) as hour,
           case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
           f.sessions_started
    from (select r.day, r.hour, r.sessions_started from rollups r where r.grain = 'hour') f
    full join (select * from analytics.hourly_sessions a where a.day = any(p_days)) s
      on s.day = f.day and s.hour = f.hour
    where row(f.*) is distinct from row(s.*)
  ),
  hour_deleted as (
    delete from analytics.hourly_sessions t using hour_diff d
    where d.change = 'delete' and t.day = any(p_days) and t.day = d.day and t.hour = d.hour
  ),
  hour_updated as (
    update analytics.hourly_sessions t
    set sessions_started = d.sessions_started
    from hour_diff d
    where d.change = 'update' and t.day = any(p_days) and t.day = d.day and t.hour = d.hour
  ),
  hour_inserted as (
    insert into analytics.hourly_sessions (day, hour, sessions_started)
    select d.day, d.hour, d.sessions_started from hour_diff d where d.change = 'insert'
  )
  -- Users whose activity changed: their rows came, went or took new
  -- values. Only their snapshots need recomputing; a user whose rows are
  -- all unchanged has unchanged snapshots. Days whose set of active users
  -- changed (a row came or went): the distinct-user rollups move only with
  -- those. Hashed, not sorted (an aggregate's DISTINCT sorts): a rebuild's
  -- diff holds every user-day, and needs no list of users.
  select (select case when p_list_users then coalesce(array_agg(x.user_id), '{}') end
          from (select distinct d.user_id from user_diff d where p_list_users) x),
         (select coalesce(array_agg(x.day), '{}')
          from (select distinct d.day from user_diff d where d.change <> 'update') x)
  into changed_users, member_days;
end
$$;
comment on function analytics.reconcile_session_rollups(p_days date[], p_list_users boolean) is
  'Refresh step: makes the rows of daily_user_activity, daily_scenario_activity, daily_session_durations and hourly_sessions of the given local days equal to their recomputation from the platform tables, writing only the rows that come, go or change value. Returns the users whose activity rows changed (null unless p_list_users: a long range recomputes every active user''s snapshots and needs no list), and the days whose set of active users changed (a user''s row came or went), which are the days that move the distinct-user rollups.';
revoke execute on function analytics.reconcile_session_rollups(p_days date[], p_list_users boolean) from public;
