-- Progress snapshots: each user's running sums over daily_user_activity.
-- A refresh of a few users reads each one's days through the (user_id, day)
-- index; a join of those users to the whole of daily_user_activity would be
-- planned as a scan of every stored user-day, so that a one-day refresh
-- would cost a pass over the history.
create or replace function analytics.compute_user_progress_snapshots(p_users uuid[], p_from date, p_through date)
returns setof analytics.user_progress_snapshots
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  -- All users (p_users null): from scratch, one sorted pass over the table.
  -- Given users: each continues from its last stored snapshot before p_from,
  -- whose exact sums are kept for that.
  return query
  with base as (
    select u.user_id, b.sessions_completed, b.scored_sessions, b.score_sum, b.practice_seconds, b.last_active
    from (select distinct x as user_id from unnest(p_users) x) u
    left join lateral (
      select s.* from analytics.user_progress_snapshots s
      where s.user_id = u.user_id and s.snapshot_date < p_from
      order by s.snapshot_date desc limit 1
    ) b on true
  ),
  days as (
    select a.user_id, a.day, a.sessions_completed, a.scored_sessions, a.score_sum, a.practice_seconds, a.last_active_at
    from analytics.daily_user_activity a
    where p_users is null and a.day <= p_through
    union all
    select a.user_id, a.day, a.sessions_completed, a.scored_sessions, a.score_sum, a.practice_seconds, a.last_active_at
    from base
    cross join lateral (
      select * from analytics.daily_user_activity a
      where a.user_id = base.user_id and a.day between p_from and p_through
    ) a
  ),
  cumulative as (
    select d.user_id, d.day,
           coalesce(b.sessions_completed, 0) + sum(d.sessions_completed) over w as completed,
           coalesce(b.scored_sessions, 0) + sum(d.scored_sessions) over w as scored,
           coalesce(b.score_sum, 0) + sum(d.score_sum) over w as score_sum,
           coalesce(b.practice_seconds, 0) + sum(d.practice_seconds) over w as practice_seconds,
           greatest(b.last_active, max(d.last_active_at) over w) as active_until
    from days d
    left join base b on b.user_id = d.user_id
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
comment on function analytics.compute_user_progress_snapshots(p_users uuid[], p_from date, p_through date) is
  'Rows of analytics.user_progress_snapshots on local days p_from .. p_through, accumulated from analytics.daily_user_activity: for all users from scratch (p_users null), or for the given users from their last stored snapshot before p_from.';
revoke execute on function analytics.compute_user_progress_snapshots(p_users uuid[], p_from date, p_through date) from public;
