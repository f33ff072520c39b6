create or replace function analytics.recompute_user_progress_snapshots(p_from date, p_through date)
returns setof analytics.user_progress_snapshots
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
  -- a snapshot sums everything before it: start from the first session
  v_first date := (select (min(s.started_at) at time zone v_zone)::date from public.sessions s);
begin
  if v_first is null or v_first > p_through then
    return;
  end if;
  -- The running sums of compute_user_progress_snapshots (all users, from
  -- scratch), over each user's days as the platform tables give them.
  return query
  with days as (
    select a.user_id, a.day, a.sessions_completed, a.scored_sessions, a.score_sum, a.practice_seconds, a.last_active_at
    from analytics.compute_daily_user_activity(
           array(select d::date from generate_series(v_first, p_through, interval '1 day') d)) a
  ),
  cumulative as (
    select d.user_id, d.day,
           sum(d.sessions_completed) over w as completed,
           sum(d.scored_sessions) over w as scored,
           sum(d.score_sum) over w as score_sum,
           sum(d.practice_seconds) over w as practice_seconds,
           max(d.last_active_at) over w as active_until
    from days d
    window w as (partition by d.user_id order by d.day)
  )
  select c.user_id, c.day, c.completed::integer,
         c.score_sum / nullif(c.scored, 0),
         round(c.practice_seconds / 60.0)::integer,
         c.active_until,
         c.scored::integer, c.score_sum, c.practice_seconds::bigint
  from cumulative c
  where c.day >= p_from;
end
$$;
comment on function analytics.recompute_user_progress_snapshots(p_from date, p_through date) is
  'verify()''s recomputation of analytics.user_progress_snapshots on local days p_from .. p_through from the platform tables only (compute_daily_user_activity from the first session on), never from the stored daily_user_activity or earlier snapshots that the refresh continues from: a wrong stored row carried into the running sums must show up as a difference.';
revoke execute on function analytics.recompute_user_progress_snapshots(p_from date, p_through date) from public;
