-- Refresh step: progress snapshots from p_from on, each user continuing
-- from their last snapshot before it: of the given users (those whose
-- activity changed), or, when p_users is null (a long range: a backfill
-- chunk, a rebuild), of every user active since p_from, compared with every
-- stored snapshot from p_from on (each belongs to an active day of such a
-- user, or is a user's whose activity is gone and goes too). Per user, so a
-- backfill in chunks costs the same as one pass over the whole history. The
-- recomputation reads only snapshots before p_from, which nothing here
-- writes, and the stored daily_user_activity, so the session rollups are
-- reconciled first.
create or replace function analytics.reconcile_user_progress_snapshots(p_users uuid[], p_from date, p_through date)
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_all_users boolean := p_users is null;
  v_users uuid[] := p_users;
  v_from_scratch boolean;
begin
  if v_all_users then
    v_users := array(select distinct a.user_id from analytics.daily_user_activity a
                     where a.day between p_from and p_through);
  end if;
  -- From the first stored day on, no user has a snapshot to continue
  -- from: all of them from scratch, in one sorted pass.
  v_from_scratch := v_all_users
    and not exists (select from analytics.daily_user_activity a where a.day < p_from);
  with snapshot_diff as materialized (
    select coalesce(f.user_id, s.user_id) as user_id, coalesce(f.snapshot_date, s.snapshot_date) as snapshot_date,
           case when s.user_id is null then 'insert' when f.user_id is null then 'delete' else 'update' end as change,
           f.sessions_completed, f.average_score, f.total_practice_time, f.last_active,
           f.scored_sessions, f.score_sum, f.practice_seconds
    from analytics.compute_user_progress_snapshots(case when not v_from_scratch then v_users end, p_from, p_through) f
    full join (
      -- each branch gated by a one-time test, so that even a generic plan
      -- reads the few users' snapshots by key
      select p.* from analytics.user_progress_snapshots p
      where v_all_users and p.snapshot_date >= p_from
      union all
      select p.* from unnest(v_users) u(user_id)
      cross join lateral (select * from analytics.user_progress_snapshots p
                          where p.user_id = u.user_id and p.snapshot_date >= p_from) p
      where not v_all_users) s
      on s.user_id = f.user_id and s.snapshot_date = f.snapshot_date
    where row(f.*) is distinct from row(s.*)
  ),
  snapshot_deleted as (
    delete from analytics.user_progress_snapshots t using snapshot_diff d
    where d.change = 'delete' and t.snapshot_date >= p_from
      and t.user_id = d.user_id and t.snapshot_date = d.snapshot_date
  ),
  snapshot_updated as (
    update analytics.user_progress_snapshots t
    set sessions_completed = d.sessions_completed, average_score = d.average_score,
        total_practice_time = d.total_practice_time, last_active = d.last_active,
        scored_sessions = d.scored_sessions, score_sum = d.score_sum, practice_seconds = d.practice_seconds
    from snapshot_diff d
    where d.change = 'update' and t.snapshot_date >= p_from
      and t.user_id = d.user_id and t.snapshot_date = d.snapshot_date
  )
  insert into analytics.user_progress_snapshots
    (user_id, snapshot_date, sessions_completed, average_score, total_practice_time, last_active,
     scored_sessions, score_sum, practice_seconds)
  select d.user_id, d.snapshot_date, d.sessions_completed, d.average_score, d.total_practice_time, d.last_active,
         d.scored_sessions, d.score_sum, d.practice_seconds
  from snapshot_diff d where d.change = 'insert'
  order by d.user_id, d.snapshot_date;
end
$$;
comment on function analytics.reconcile_user_progress_snapshots(p_users uuid[], p_from date, p_through date) is
  'Refresh step: makes analytics.user_progress_snapshots from local day p_from through p_through equal to their recomputation, for the given users, or for every user when p_users is null, writing only the rows that come, go or change value. Each user continues from their last snapshot before p_from.';
revoke execute on function analytics.reconcile_user_progress_snapshots(p_users uuid[], p_from date, p_through date) from public;
