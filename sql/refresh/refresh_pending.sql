create or replace function analytics.refresh_pending(p_through date default null)
returns jsonb
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text;
  v_yesterday date;
  v_through date;
  v_previous date;
  v_activity date[];
  v_report_days date[];
  v_criteria_days date[];
  v_signups date[];
  v_subscriptions_from date;
  v_days date[];
  v_rolling date[];
  v_weeks date[];
  v_moved_weeks date[];
  v_moved_months date[];
  v_business_months date[];
  v_users uuid[];
  v_all_users boolean;
  v_from_scratch boolean;
  v_member_days date[];
  v_moved date[] := '{}';
  v_score_type text;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('analytics.refresh'));
  -- Read under the lock: set_reporting_timezone() takes it too, so the zone
  -- that turns logged instants into days holds for the whole refresh.
  v_zone := analytics.reporting_timezone();
  v_yesterday := analytics.local_today() - 1;
  -- Sorts and hashes of a full rebuild (and its diffs) fit in memory; local
  -- to this transaction.
  perform pg_catalog.set_config('work_mem', '256MB', true);

  select s.materialized_through into v_previous from analytics.settings s;
  -- Never stop short of the stored history: a change to an old day rewrites
  -- the later stored days that depend on it (rolling windows, snapshots).
  v_through := least(greatest(coalesce(p_through, v_yesterday), v_previous), v_yesterday);

  -- Consume the log rows this transaction can see that start on a day up to
  -- v_through, as local days of the zone that holds now: a row's own day or
  -- range, and for a feedback report the day its session starts on now.
  -- Days after v_through are not stored: they need nothing.
  with taken as (
    delete from analytics.invalidation_log l
    where l.at < (v_through + 1)::timestamp at time zone v_zone
    returning l.source, l.at, l.until, l.session_id, l.reports_unchanged
  ),
  days as (
    select t.source, d::date as day, not t.reports_unchanged as reports
    from taken t,
         pg_catalog.generate_series((t.at at time zone v_zone)::date,
                         least(coalesce((t.until at time zone v_zone)::date, (t.at at time zone v_zone)::date), v_through),
                         interval '1 day') d
    union
    select 'activity', (s.started_at at time zone v_zone)::date, true
    from taken t join public.sessions s on s.id = t.session_id
  )
  select array_agg(distinct days.day) filter (where days.source = 'activity' and days.day <= v_through),
         array_agg(distinct days.day) filter (where days.source = 'activity' and days.reports and days.day <= v_through),
         coalesce(array_agg(distinct days.day) filter (where days.source = 'signups' and days.day <= v_through), '{}'),
         min(days.day) filter (where days.source = 'subscriptions')
  into v_activity, v_report_days, v_signups, v_subscriptions_from
  from days;

  -- Days to recompute: the changed ones, plus every day that has ended since
  -- the last refresh (empty days too: rolling windows and records move on).
  v_days := array(
    select distinct days.d from (
      select unnest(v_activity) as d
      union all
      select g::date from pg_catalog.generate_series(
        coalesce(v_previous + 1, (select min(x) from unnest(v_activity || v_signups) x), v_through + 1),
        v_through, interval '1 day') g
    ) days
    where days.d <= v_through
    order by days.d);
  -- Of those, the days whose feedback reports may have changed, and the
  -- days stored for the first time.
  v_criteria_days := array(
    select d from unnest(v_days) d
    where d = any(v_report_days) or v_previous is null or d > v_previous
    order by d);

  if cardinality(v_days) > 0 then
    -- A long range (a backfill chunk, a rebuild) recomputes the snapshots of
    -- every user active in it (below), not only of those whose rows changed.
    v_all_users := cardinality(v_days) > 31;

    -- The four session rollups from one pass over the raw sessions. Each
    -- *_diff holds the keys whose stored row must go ('delete'), come
    -- ('insert') or take new values ('update'), with the new values; the
    -- statements after it apply them. Data-modifying CTEs run to completion
    -- whether or not the final select reads them, and see the tables as the
    -- statement started, which is fine: they touch disjoint rows. Each
    -- delete and update also states the days, so even a hash join reaches
    -- the table through its (day, …) key rather than scanning all of it.
    with rollups as materialized (
      select * from analytics.compute_daily_session_rollups(v_days)
    ),
    user_diff as materialized (
      select coalesce(f.day, s.day) as day, coalesce(f.user_id, s.user_id) as user_id,
             case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
             f.sessions_started, f.sessions_completed, f.sessions_finished, f.practice_seconds,
             f.scored_sessions, f.score_sum, f.last_active_at
      from (select r.day, r.user_id, r.sessions_started, r.sessions_completed, r.sessions_finished, r.practice_seconds,
                   r.scored_sessions, r.score_sum, r.last_active_at
            from rollups r where r.grain = 'user') f
      full join (select * from analytics.daily_user_activity a where a.day = any(v_days)) s
        on s.day = f.day and s.user_id = f.user_id
      where row(f.*) is distinct from row(s.*)
    ),
    user_deleted as (
      delete from analytics.daily_user_activity t using user_diff d
      where d.change = 'delete' and t.day = any(v_days) and t.day = d.day and t.user_id = d.user_id
    ),
    user_updated as (
      update analytics.daily_user_activity t
      set sessions_started = d.sessions_started, sessions_completed = d.sessions_completed,
          sessions_finished = d.sessions_finished, practice_seconds = d.practice_seconds,
          scored_sessions = d.scored_sessions, score_sum = d.score_sum, last_active_at = d.last_active_at
      from user_diff d
      where d.change = 'update' and t.day = any(v_days) and t.day = d.day and t.user_id = d.user_id
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
      full join (select * from analytics.daily_scenario_activity a where a.day = any(v_days)) s
        on s.day = f.day and s.scenario_id = f.scenario_id
      where row(f.*) is distinct from row(s.*)
    ),
    scenario_deleted as (
      delete from analytics.daily_scenario_activity t using scenario_diff d
      where d.change = 'delete' and t.day = any(v_days) and t.day = d.day and t.scenario_id = d.scenario_id
    ),
    scenario_updated as (
      update analytics.daily_scenario_activity t
      set sessions_started = d.sessions_started, sessions_completed = d.sessions_completed,
          sessions_finished = d.sessions_finished, practice_seconds = d.practice_seconds,
          completed_seconds = d.completed_seconds, completed_timed_sessions = d.completed_timed_sessions,
          scored_sessions = d.scored_sessions, score_sum = d.score_sum
      from scenario_diff d
      where d.change = 'update' and t.day = any(v_days) and t.day = d.day and t.scenario_id = d.scenario_id
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
      full join (select * from analytics.daily_session_durations a where a.day = any(v_days)) s
        on s.day = f.day and s.scenario_id = f.scenario_id and s.bin_start_minutes = f.bin_start_minutes
      where row(f.*) is distinct from row(s.*)
    ),
    duration_deleted as (
      delete from analytics.daily_session_durations t using duration_diff d
      where d.change = 'delete' and t.day = any(v_days)
        and t.day = d.day and t.scenario_id = d.scenario_id and t.bin_start_minutes = d.bin_start_minutes
    ),
    duration_updated as (
      update analytics.daily_session_durations t
      set sessions = d.sessions
      from duration_diff d
      where d.change = 'update' and t.day = any(v_days)
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
      full join (select * from analytics.hourly_sessions a where a.day = any(v_days)) s
        on s.day = f.day and s.hour = f.hour
      where row(f.*) is distinct from row(s.*)
    ),
    hour_deleted as (
      delete from analytics.hourly_sessions t using hour_diff d
      where d.change = 'delete' and t.day = any(v_days) and t.day = d.day and t.hour = d.hour
    ),
    hour_updated as (
      update analytics.hourly_sessions t
      set sessions_started = d.sessions_started
      from hour_diff d
      where d.change = 'update' and t.day = any(v_days) and t.day = d.day and t.hour = d.hour
    ),
    hour_inserted as (
      insert into analytics.hourly_sessions (day, hour, sessions_started)
      select d.day, d.hour, d.sessions_started from hour_diff d where d.change = 'insert'
    )
    -- Users whose activity changed: their rows came, went or took new
    -- values. Their snapshots are recomputed below; a user whose rows are
    -- all unchanged has unchanged snapshots. Days whose set of active users
    -- changed (a row came or went): the distinct-user rollups below move
    -- only with those. Hashed, not sorted (an aggregate's DISTINCT sorts):
    -- a rebuild's diff holds every user-day, and needs no list of users.
    select (select coalesce(array_agg(x.user_id), '{}')
            from (select distinct d.user_id from user_diff d where not v_all_users) x),
           (select coalesce(array_agg(x.day), '{}')
            from (select distinct d.day from user_diff d where d.change <> 'update') x)
    into v_users, v_member_days;

    if cardinality(v_criteria_days) > 0 then
      with criteria_diff as materialized (
        select coalesce(f.day, s.day) as day, coalesce(f.criterion, s.criterion) as criterion,
               case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
               f.reports, f.score_sum
        from analytics.compute_daily_criteria_scores(v_criteria_days) f
        full join (select * from analytics.daily_criteria_scores a where a.day = any(v_criteria_days)) s
          on s.day = f.day and s.criterion = f.criterion
        where row(f.*) is distinct from row(s.*)
      ),
      criteria_deleted as (
        delete from analytics.daily_criteria_scores t using criteria_diff d
        where d.change = 'delete' and t.day = any(v_criteria_days) and t.day = d.day and t.criterion = d.criterion
      ),
      criteria_updated as (
        update analytics.daily_criteria_scores t
        set reports = d.reports, score_sum = d.score_sum
        from criteria_diff d
        where d.change = 'update' and t.day = any(v_criteria_days) and t.day = d.day and t.criterion = d.criterion
      )
      insert into analytics.daily_criteria_scores (day, criterion, reports, score_sum)
      select d.day, d.criterion, d.reports, d.score_sum from criteria_diff d where d.change = 'insert';
    end if;

    -- Every day up to v_through is stored now: what follows reads them as
    -- stored (daily_rows), not live.
    update analytics.settings set materialized_through = greatest(materialized_through, v_through);

    -- After a long backfill the planner's statistics describe the tables as
    -- they were (often empty): refresh them before the steps that read them.
    if cardinality(v_days) > 31 then
      analyze analytics.daily_user_activity, analytics.daily_scenario_activity,
              analytics.daily_session_durations, analytics.hourly_sessions, analytics.daily_criteria_scores;
    end if;

    -- The days that move the distinct-user rollups: those whose active
    -- users changed, and every day stored for the first time (its rolling
    -- windows, and the periods it completes, have never been stored).
    v_moved := array(
      select distinct m.d from (
        select unnest(v_member_days) as d
        union all
        select x from unnest(v_days) x where v_previous is null or x > v_previous
      ) m
      order by 1);

    -- A day's change moves the rolling windows of the 29 days after it.
    v_rolling := array(
      select distinct d + k from unnest(v_moved) d, pg_catalog.generate_series(0, 29) k where d + k <= v_through);
    with active_diff as materialized (
      select coalesce(f.day, s.day) as day,
             case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
             f.dau, f.wau, f.mau
      from analytics.compute_daily_active_users(v_rolling) f
      full join (select * from analytics.daily_active_users a where a.day = any(v_rolling)) s on s.day = f.day
      where row(f.*) is distinct from row(s.*)
    ),
    active_deleted as (
      delete from analytics.daily_active_users t using active_diff d
      where d.change = 'delete' and t.day = any(v_rolling) and t.day = d.day
    ),
    active_updated as (
      update analytics.daily_active_users t
      set dau = d.dau, wau = d.wau, mau = d.mau
      from active_diff d
      where d.change = 'update' and t.day = any(v_rolling) and t.day = d.day
    )
    insert into analytics.daily_active_users (day, dau, wau, mau)
    select d.day, d.dau, d.wau, d.mau from active_diff d where d.change = 'insert';

    -- Distinct users per whole week / month: complete periods only.
    -- (v_weeks: every complete week of a recomputed day, whose weekly
    -- content records are rewritten at the end; of those, the weeks and
    -- months of a moved day get their distinct users recomputed.)
    v_weeks := array(
      select distinct date_trunc('week', d::timestamp)::date from unnest(v_days) d
      where date_trunc('week', d::timestamp)::date + 6 <= v_through);
    v_moved_weeks := array(
      select distinct date_trunc('week', d::timestamp)::date from unnest(v_moved) d
      where date_trunc('week', d::timestamp)::date + 6 <= v_through);
    v_moved_months := array(
      select distinct date_trunc('month', d::timestamp)::date from unnest(v_moved) d
      where (date_trunc('month', d::timestamp) + interval '1 month - 1 day')::date <= v_through);
    with period_diff as materialized (
      select coalesce(f.granularity, s.granularity) as granularity, coalesce(f.period_start, s.period_start) as period_start,
             case when s.period_start is null then 'insert' when f.period_start is null then 'delete' else 'update' end as change,
             f.active_users
      from (select * from analytics.derive_period_active_users('week', v_moved_weeks)
            union all
            select * from analytics.derive_period_active_users('month', v_moved_months)) f
      full join (select * from analytics.period_active_users a
                 where (a.granularity = 'week' and a.period_start = any(v_moved_weeks))
                    or (a.granularity = 'month' and a.period_start = any(v_moved_months))) s
        on s.granularity = f.granularity and s.period_start = f.period_start
      where row(f.*) is distinct from row(s.*)
    ),
    period_deleted as (
      delete from analytics.period_active_users t using period_diff d
      where d.change = 'delete' and t.granularity = d.granularity and t.period_start = d.period_start
    ),
    period_updated as (
      update analytics.period_active_users t
      set active_users = d.active_users
      from period_diff d
      where d.change = 'update' and t.granularity = d.granularity and t.period_start = d.period_start
    )
    insert into analytics.period_active_users (granularity, period_start, active_users)
    select d.granularity, d.period_start, d.active_users from period_diff d where d.change = 'insert';

    -- Progress snapshots from the first changed day on, each user continuing
    -- from their last snapshot before it: of the users whose activity changed
    -- (a few days), or, for a long range (a backfill chunk, a rebuild), of
    -- every user active since that day, compared with every stored snapshot
    -- from that day on (each belongs to an active day of such a user, or is
    -- a user's whose activity is gone and goes too). Per user, so a backfill
    -- in chunks costs the same as one pass over the whole history. The
    -- recomputation reads only snapshots before that day, which nothing here
    -- writes.
    if v_all_users then
      v_users := array(select distinct a.user_id from analytics.daily_user_activity a
                       where a.day between v_days[1] and v_through);
    end if;
    -- From the first stored day on, no user has a snapshot to continue
    -- from: all of them from scratch, in one sorted pass.
    v_from_scratch := v_all_users
      and not exists (select from analytics.daily_user_activity a where a.day < v_days[1]);
    with snapshot_diff as materialized (
      select coalesce(f.user_id, s.user_id) as user_id, coalesce(f.snapshot_date, s.snapshot_date) as snapshot_date,
             case when s.user_id is null then 'insert' when f.user_id is null then 'delete' else 'update' end as change,
             f.sessions_completed, f.average_score, f.total_practice_time, f.last_active,
             f.scored_sessions, f.score_sum, f.practice_seconds
      from analytics.compute_user_progress_snapshots(case when not v_from_scratch then v_users end, v_days[1], v_through) f
      full join (
        -- each branch gated by a one-time test, so that even a generic plan
        -- reads the few users' snapshots by key
        select p.* from analytics.user_progress_snapshots p
        where v_all_users and p.snapshot_date >= v_days[1]
        union all
        select p.* from unnest(v_users) u(user_id)
        cross join lateral (select * from analytics.user_progress_snapshots p
                            where p.user_id = u.user_id and p.snapshot_date >= v_days[1]) p
        where not v_all_users) s
        on s.user_id = f.user_id and s.snapshot_date = f.snapshot_date
      where row(f.*) is distinct from row(s.*)
    ),
    snapshot_deleted as (
      delete from analytics.user_progress_snapshots t using snapshot_diff d
      where d.change = 'delete' and t.snapshot_date >= v_days[1]
        and t.user_id = d.user_id and t.snapshot_date = d.snapshot_date
    ),
    snapshot_updated as (
      update analytics.user_progress_snapshots t
      set sessions_completed = d.sessions_completed, average_score = d.average_score,
          total_practice_time = d.total_practice_time, last_active = d.last_active,
          scored_sessions = d.scored_sessions, score_sum = d.score_sum, practice_seconds = d.practice_seconds
      from snapshot_diff d
      where d.change = 'update' and t.snapshot_date >= v_days[1]
        and t.user_id = d.user_id and t.snapshot_date = d.snapshot_date
    )
    insert into analytics.user_progress_snapshots
      (user_id, snapshot_date, sessions_completed, average_score, total_practice_time, last_active,
       scored_sessions, score_sum, practice_seconds)
    select d.user_id, d.snapshot_date, d.sessions_completed, d.average_score, d.total_practice_time, d.last_active,
           d.scored_sessions, d.score_sum, d.practice_seconds
    from snapshot_diff d where d.change = 'insert'
    order by d.user_id, d.snapshot_date;

    -- Where the platform has its own user_progress_snapshots (spec 2.1), the
    -- same rows go there too: it is the daily aggregation's output table,
    -- and the platform's to keep small, so it is reconciled the same way
    -- over the same users and days. Its average_score may be a narrower
    -- type than ours (numeric(6,2), real: the contract accepts any numeric
    -- type) that rounds what it receives; compared unrounded, every row of
    -- the range would differ and be rewritten on every refresh. Hence the
    -- comparison in the column's own type, which only a dynamic statement
    -- can name; it is planned for this call's arrays, like the rest.
    if pg_catalog.to_regclass('public.user_progress_snapshots') is not null then
      select pg_catalog.format_type(a.atttypid, a.atttypmod) into v_score_type
      from pg_catalog.pg_attribute a
      where a.attrelid = 'public.user_progress_snapshots'::regclass and a.attname = 'average_score' and not a.attisdropped;
      execute format($sql$
        with platform_diff as materialized (
          select coalesce(s.user_id, p.user_id) as user_id, coalesce(s.snapshot_date, p.snapshot_date) as snapshot_date,
                 case when p.user_id is null then 'insert' when s.user_id is null then 'delete' else 'update' end as change,
                 s.sessions_completed, s.average_score, s.total_practice_time, s.last_active
          from (select a.user_id, a.snapshot_date, a.sessions_completed, a.average_score::%1$s as average_score,
                       a.total_practice_time, a.last_active
                from analytics.user_progress_snapshots a
                where ($3 or a.user_id = any($1)) and a.snapshot_date >= $2) s
          full join (select x.user_id, x.snapshot_date, x.sessions_completed, x.average_score, x.total_practice_time, x.last_active
                     from public.user_progress_snapshots x
                     where ($3 or x.user_id = any($1)) and x.snapshot_date >= $2) p
            on p.user_id = s.user_id and p.snapshot_date = s.snapshot_date
          where row(s.*) is distinct from row(p.*)
        ),
        platform_deleted as (
          delete from public.user_progress_snapshots t using platform_diff d
          where d.change = 'delete' and t.snapshot_date >= $2
            and t.user_id = d.user_id and t.snapshot_date = d.snapshot_date
        ),
        platform_updated as (
          update public.user_progress_snapshots t
          set sessions_completed = d.sessions_completed, average_score = d.average_score,
              total_practice_time = d.total_practice_time, last_active = d.last_active
          from platform_diff d
          where d.change = 'update' and t.snapshot_date >= $2
            and t.user_id = d.user_id and t.snapshot_date = d.snapshot_date
        )
        insert into public.user_progress_snapshots
          (user_id, snapshot_date, sessions_completed, average_score, total_practice_time, last_active)
        select d.user_id, d.snapshot_date, d.sessions_completed, d.average_score, d.total_practice_time, d.last_active
        from platform_diff d where d.change = 'insert'
        $sql$, v_score_type)
      using v_users, v_days[1], v_all_users;
    end if;
  end if;

  if cardinality(v_signups) > 0 then
    with signup_diff as materialized (
      select coalesce(f.day, s.day) as day,
             case when s.day is null then 'insert' when f.day is null then 'delete' else 'update' end as change,
             f.new_users
      from analytics.compute_daily_signups(v_signups) f
      full join (select * from analytics.daily_signups a where a.day = any(v_signups)) s on s.day = f.day
      where row(f.*) is distinct from row(s.*)
    ),
    signup_deleted as (
      delete from analytics.daily_signups t using signup_diff d
      where d.change = 'delete' and t.day = any(v_signups) and t.day = d.day
    ),
    signup_updated as (
      update analytics.daily_signups t
      set new_users = d.new_users
      from signup_diff d
      where d.change = 'update' and t.day = any(v_signups) and t.day = d.day
    )
    insert into analytics.daily_signups (day, new_users)
    select d.day, d.new_users from signup_diff d where d.change = 'insert';
  end if;

  -- Retention cells of changed cohorts (signups) and of the weeks of moved
  -- days (whose active users changed, or which are new).
  declare
    v_cohorts date[] := array(select distinct date_trunc('week', d::timestamp)::date from unnest(v_signups) d);
    v_activity_weeks date[] := array(select distinct date_trunc('week', d::timestamp)::date from unnest(v_moved) d);
  begin
    if cardinality(v_cohorts) + cardinality(v_activity_weeks) > 0 then
      with retention_diff as materialized (
        select coalesce(f.cohort_week, s.cohort_week) as cohort_week, coalesce(f.week_offset, s.week_offset) as week_offset,
               case when s.cohort_week is null then 'insert' when f.cohort_week is null then 'delete' else 'update' end as change,
               f.retained
        from analytics.derive_weekly_retention(v_cohorts, v_activity_weeks, v_through) f
        full join (select * from analytics.weekly_retention a
                   where a.cohort_week = any(v_cohorts) or a.cohort_week + a.week_offset * 7 = any(v_activity_weeks)) s
          on s.cohort_week = f.cohort_week and s.week_offset = f.week_offset
        where row(f.*) is distinct from row(s.*)
      ),
      retention_deleted as (
        delete from analytics.weekly_retention t using retention_diff d
        where d.change = 'delete' and t.cohort_week = d.cohort_week and t.week_offset = d.week_offset
      ),
      retention_updated as (
        update analytics.weekly_retention t
        set retained = d.retained
        from retention_diff d
        where d.change = 'update' and t.cohort_week = d.cohort_week and t.week_offset = d.week_offset
      )
      insert into analytics.weekly_retention (cohort_week, week_offset, retained)
      select d.cohort_week, d.week_offset, d.retained from retention_diff d where d.change = 'insert';
    end if;
  end;

  -- Subscription months: from the earliest changed one, and every month that
  -- has ended since the last refresh; complete months only.
  v_business_months := array(
    select m::date from pg_catalog.generate_series(
      least(date_trunc('month', v_subscriptions_from::timestamp), date_trunc('month', (v_previous + 1)::timestamp),
            case when v_previous is null then date_trunc('month', (select min(x) from unnest(v_days) x)::timestamp) end),
      date_trunc('month', (v_through + 1)::timestamp) - interval '1 month', interval '1 month') m);
  if cardinality(v_business_months) > 0 then
    with month_diff as materialized (
      select coalesce(f.month_start, s.month_start) as month_start,
             case when s.month_start is null then 'insert' when f.month_start is null then 'delete' else 'update' end as change,
             f.active_subscribers, f.new_subscribers, f.churned_subscribers, f.mrr_cents,
             f.paying_at_start, f.trials_ending, f.trials_converted
      from analytics.compute_monthly_subscriptions(v_business_months) f
      full join (select * from analytics.monthly_subscriptions a where a.month_start = any(v_business_months)) s
        on s.month_start = f.month_start
      where row(f.*) is distinct from row(s.*)
    ),
    month_deleted as (
      delete from analytics.monthly_subscriptions t using month_diff d
      where d.change = 'delete' and t.month_start = d.month_start
    ),
    month_updated as (
      update analytics.monthly_subscriptions t
      set active_subscribers = d.active_subscribers, new_subscribers = d.new_subscribers,
          churned_subscribers = d.churned_subscribers, mrr_cents = d.mrr_cents,
          paying_at_start = d.paying_at_start, trials_ending = d.trials_ending, trials_converted = d.trials_converted
      from month_diff d
      where d.change = 'update' and t.month_start = d.month_start
    )
    insert into analytics.monthly_subscriptions
      (month_start, active_subscribers, new_subscribers, churned_subscribers, mrr_cents,
       paying_at_start, trials_ending, trials_converted)
    select d.month_start, d.active_subscribers, d.new_subscribers, d.churned_subscribers, d.mrr_cents,
           d.paying_at_start, d.trials_ending, d.trials_converted
    from month_diff d where d.change = 'insert';
  end if;

  -- signup-only changes alter a day's record too (new_users)
  perform analytics.record_aggregates(
    array(select distinct d from unnest(v_days || v_signups) d where d <= v_through order by 1),
    v_weeks, v_business_months);

  update analytics.settings
  set materialized_through = greatest(materialized_through, v_through),
      last_refresh_at = now(),
      last_refresh_days = cardinality(v_days);

  return jsonb_build_object(
    'through', v_through,
    'days', cardinality(v_days),
    'signup_days', cardinality(v_signups),
    'weeks', coalesce(cardinality(v_weeks), 0),
    'months', coalesce(cardinality(v_business_months), 0));
end
$$;
comment on function analytics.refresh_pending(p_through date) is
  'Recomputes every stale bucket (from the invalidation log) and every day that has ended since the last run (a day''s criteria scores only when its feedback reports may have changed), up to p_through (default and maximum: yesterday, local). Writes only the differences: each rollup (and the platform''s user_progress_snapshots, where it exists) is compared with its recomputation, and only rows that come, go or change value are inserted, deleted or updated, so a whole-history recomputation of unchanged data writes nothing and leaves no dead rows behind. Idempotent, transactional, single-flight; readers are never blocked. Returns what it did as JSON.';
revoke execute on function analytics.refresh_pending(p_through date) from public;
