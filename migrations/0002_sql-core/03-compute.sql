-- From-scratch computations, one per rollup. Each reads the platform tables
-- for the days (or periods, users) it is given and returns exactly the rows
-- its rollup should hold. The same function serves three callers:
-- refresh_pending() stores its rows, the report functions use it for days
-- not yet stored (today), and verify() compares it with what is stored.

create function analytics.session_facts(p_days date[])
returns table (
  day date, hour smallint, user_id uuid, scenario_id uuid, completion_status text,
  duration_seconds integer, active_until timestamptz, score_raw numeric, criteria_scores jsonb
)
language plpgsql stable
set search_path = pg_catalog, analytics
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_from timestamptz := (select min(d) from unnest(p_days) d)::timestamp at time zone v_zone;
  v_to timestamptz := ((select max(d) from unnest(p_days) d) + 1)::timestamp at time zone v_zone;
begin
  return query
  select
    (s.started_at at time zone v_zone)::date,
    extract(hour from s.started_at at time zone v_zone)::smallint,
    s.user_id, s.scenario_id, s.completion_status, s.duration_seconds,
    greatest(s.started_at, s.ended_at),
    f.score_raw, f.criteria_scores
  from public.sessions s
  left join public.feedback_reports f on f.session_id = s.id
  where s.started_at >= v_from and s.started_at < v_to     -- index range first,
    and (s.started_at at time zone v_zone)::date = any(p_days);  -- then the exact days
end
$$;
comment on function analytics.session_facts(date[]) is
  'One row per session started on the given local days, with its feedback report''s score and criteria (a report belongs to its session''s bucket). Internal building block.';

create function analytics.compute_daily_session_rollups(p_days date[])
returns table (
  grain text, day date, user_id uuid, scenario_id uuid, hour smallint, bin_start_minutes integer,
  sessions_started integer, sessions_completed integer, sessions_finished integer, practice_seconds bigint,
  completed_seconds bigint, completed_timed_sessions integer, scored_sessions integer, score_sum numeric,
  last_active_at timestamptz
)
language plpgsql stable
set search_path = pg_catalog, analytics
as $$
begin
  -- The four session rollups in one pass over the sessions: one grouping set
  -- each (grain user, scenario, duration, hour), so a rebuild reads the raw
  -- data once instead of four times. Each rollup's compute_* function below
  -- picks its grain's rows and columns.
  return query
  select
    case grouping(f.user_id, f.scenario_id, f.hour, b.bin)
      when 7 then 'user' when 11 then 'scenario' when 10 then 'duration' else 'hour' end,
    f.day, f.user_id, f.scenario_id, f.hour, b.bin,
    count(*)::integer,
    count(*) filter (where f.completion_status = 'completed')::integer,
    count(*) filter (where f.completion_status <> 'in_progress')::integer,
    coalesce(sum(f.duration_seconds), 0)::bigint,
    coalesce(sum(f.duration_seconds) filter (where f.completion_status = 'completed'), 0)::bigint,
    count(f.duration_seconds) filter (where f.completion_status = 'completed')::integer,
    count(*) filter (where f.completion_status = 'completed' and f.score_raw is not null)::integer,
    coalesce(sum(f.score_raw) filter (where f.completion_status = 'completed'), 0),
    max(f.active_until)
  from analytics.session_facts(p_days) f
  -- 5-minute bin of a completed session's duration; null for the others
  cross join lateral (
    select case when f.completion_status = 'completed' then f.duration_seconds / 300 * 5 end as bin
  ) b
  group by grouping sets ((f.day, f.user_id), (f.day, f.scenario_id), (f.day, f.scenario_id, b.bin), (f.day, f.hour))
  having grouping(f.user_id, f.scenario_id, f.hour, b.bin) <> 10 or b.bin is not null;
end
$$;
comment on function analytics.compute_daily_session_rollups(date[]) is
  'Rows of the four daily session rollups for the given local days in one pass, tagged by grain: user (daily_user_activity), scenario (daily_scenario_activity), duration (daily_session_durations), hour (hourly_sessions).';

create function analytics.compute_daily_user_activity(p_days date[])
returns setof analytics.daily_user_activity
language sql stable
set search_path = pg_catalog, analytics
as $$
  select day, user_id, sessions_started, sessions_completed, sessions_finished, practice_seconds,
         scored_sessions, score_sum, last_active_at
  from analytics.compute_daily_session_rollups(p_days) where grain = 'user'
$$;
comment on function analytics.compute_daily_user_activity(date[]) is 'Rows of analytics.daily_user_activity for the given local days, computed from the platform tables.';

create function analytics.compute_daily_scenario_activity(p_days date[])
returns setof analytics.daily_scenario_activity
language sql stable
set search_path = pg_catalog, analytics
as $$
  select day, scenario_id, sessions_started, sessions_completed, sessions_finished, practice_seconds,
         completed_seconds, completed_timed_sessions, scored_sessions, score_sum
  from analytics.compute_daily_session_rollups(p_days) where grain = 'scenario'
$$;
comment on function analytics.compute_daily_scenario_activity(date[]) is 'Rows of analytics.daily_scenario_activity for the given local days, computed from the platform tables.';

create function analytics.compute_daily_session_durations(p_days date[])
returns setof analytics.daily_session_durations
language sql stable
set search_path = pg_catalog, analytics
as $$
  select day, scenario_id, bin_start_minutes, sessions_started
  from analytics.compute_daily_session_rollups(p_days) where grain = 'duration'
$$;
comment on function analytics.compute_daily_session_durations(date[]) is 'Rows of analytics.daily_session_durations for the given local days, computed from the platform tables.';

create function analytics.compute_hourly_sessions(p_days date[])
returns setof analytics.hourly_sessions
language sql stable
set search_path = pg_catalog, analytics
as $$
  select day, hour, sessions_started
  from analytics.compute_daily_session_rollups(p_days) where grain = 'hour'
$$;
comment on function analytics.compute_hourly_sessions(date[]) is 'Rows of analytics.hourly_sessions for the given local days, computed from the platform tables.';

create function analytics.compute_daily_criteria_scores(p_days date[])
returns setof analytics.daily_criteria_scores
language plpgsql stable
set search_path = pg_catalog, analytics
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_from timestamptz := (select min(d) from unnest(p_days) d)::timestamp at time zone v_zone;
  v_to timestamptz := ((select max(d) from unnest(p_days) d) + 1)::timestamp at time zone v_zone;
begin
  -- Straight from the reports (not session_facts): only scored sessions
  -- matter, and each report expands into one row per criterion.
  return query
  select (s.started_at at time zone v_zone)::date, e.key, count(*)::integer, sum(e.value::numeric)
  from public.feedback_reports f
  join public.sessions s on s.id = f.session_id,
       jsonb_each(f.criteria_scores) e
  where s.started_at >= v_from and s.started_at < v_to
    and (s.started_at at time zone v_zone)::date = any(p_days)
    and jsonb_typeof(e.value) = 'number'
  group by 1, 2;
end
$$;
comment on function analytics.compute_daily_criteria_scores(date[]) is 'Rows of analytics.daily_criteria_scores for the given local days, computed from the platform tables.';

create function analytics.compute_daily_signups(p_days date[])
returns setof analytics.daily_signups
language plpgsql stable
set search_path = pg_catalog, analytics
as $$
declare
  v_zone text := analytics.reporting_timezone();
begin
  return query
  select (u.created_at at time zone v_zone)::date, count(*)::integer
  from public.users u
  where (u.created_at at time zone v_zone)::date = any(p_days)
  group by 1;
end
$$;
comment on function analytics.compute_daily_signups(date[]) is 'Rows of analytics.daily_signups for the given local days, computed from the platform tables.';

create function analytics.compute_daily_active_users(p_days date[])
returns setof analytics.daily_active_users
language plpgsql stable
set search_path = pg_catalog, analytics
as $$
declare
  v_first date := (select min(d) from unnest(p_days) d) - 29;
  v_last date := (select max(d) from unnest(p_days) d);
begin
  -- Each (user, active day a) covers the window days a .. a+6 (wau) and
  -- a .. a+29 (mau), cut short where the user's next active day takes over,
  -- so a user covers each day at most once. A running sum of +1 at the start
  -- and -1 after the end of each cover gives exact distinct counts per day
  -- in one pass, with no per-day self-join.
  return query
  with active as (
    -- who was active on which day, from daily_user_activity (checked against
    -- the raw tables by verify; days not stored yet are computed live):
    -- narrower and already distinct, where the raw sessions need a join
    select a.day, a.user_id
    from analytics.daily_rows(null::analytics.daily_user_activity, v_first, v_last) a
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
    and r.mau > 0;   -- like every rollup, no row where there is nothing to count
end
$$;
comment on function analytics.compute_daily_active_users(date[]) is 'Rows of analytics.daily_active_users (dau, wau, mau) for the given local days, computed from analytics.daily_user_activity (stored days) and the platform tables (later days).';

create function analytics.compute_period_active_users(p_granularity text, p_period_starts date[])
returns setof analytics.period_active_users
language plpgsql stable
set search_path = pg_catalog, analytics
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_first date := (select min(d) from unnest(p_period_starts) d);
  v_last date := (select max(d) from unnest(p_period_starts) d) + ('1 ' || p_granularity)::interval;
begin
  return query
  select p_granularity, date_trunc(p_granularity, s.started_at at time zone v_zone)::date, count(distinct s.user_id)::integer
  from public.sessions s
  where s.started_at >= v_first::timestamp at time zone v_zone
    and s.started_at < v_last::timestamp at time zone v_zone
    and date_trunc(p_granularity, s.started_at at time zone v_zone)::date = any(p_period_starts)
  group by 2;
end
$$;
comment on function analytics.compute_period_active_users(text, date[]) is 'Rows of analytics.period_active_users for the given granularity (week or month) and period starts, computed from the platform tables.';

create function analytics.compute_weekly_retention(p_cohort_weeks date[], p_activity_weeks date[], p_through date)
returns setof analytics.weekly_retention
language plpgsql stable
set search_path = pg_catalog, analytics
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
comment on function analytics.compute_weekly_retention(date[], date[], date) is 'Rows of analytics.weekly_retention for the given cohort weeks and activity weeks, counting activity up to p_through, computed from the platform tables.';

create function analytics.compute_monthly_subscriptions(p_months date[])
returns setof analytics.monthly_subscriptions
language plpgsql stable
set search_path = pg_catalog, analytics
as $$
declare
  v_zone text := analytics.reporting_timezone();
begin
  return query
  with months as (
    select m as month_start,
           m::timestamp at time zone v_zone as starts_at,
           (m + interval '1 month')::timestamp at time zone v_zone as ends_at
    from unnest(p_months) m
  ),
  subs as (
    select s.id, coalesce(s.trial_ends_at, s.started_at) as paid_from, s.ended_at, s.trial_ends_at,
           s.amount_cents::numeric / case s.billing_interval when 'quarter' then 3 when 'year' then 12 else 1 end as monthly_cents
    from public.subscriptions s
  )
  select
    m.month_start,
    count(*) filter (where s.paid_from <= m.ends_at and (s.ended_at is null or m.ends_at < s.ended_at))::integer,
    count(*) filter (where s.paid_from >= m.starts_at and s.paid_from < m.ends_at
                       and (s.ended_at is null or s.paid_from < s.ended_at))::integer,
    count(*) filter (where s.ended_at >= m.starts_at and s.ended_at < m.ends_at and s.ended_at > s.paid_from)::integer,
    coalesce(sum(s.monthly_cents) filter (where s.paid_from <= m.ends_at and (s.ended_at is null or m.ends_at < s.ended_at)), 0),
    count(*) filter (where s.paid_from <= m.starts_at and (s.ended_at is null or m.starts_at < s.ended_at))::integer,
    count(*) filter (where s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at)::integer,
    count(*) filter (where s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at
                       and (s.ended_at is null or s.ended_at > s.trial_ends_at))::integer
  from months m
  cross join subs s
  group by m.month_start
  -- like every rollup, no row where there is nothing to count
  having count(*) filter (where (s.paid_from < m.ends_at and (s.ended_at is null or s.ended_at >= m.starts_at))
                            or (s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at)) > 0;
end
$$;
comment on function analytics.compute_monthly_subscriptions(date[]) is 'Rows of analytics.monthly_subscriptions for the given month starts, computed from the platform subscriptions'' timestamps.';

create function analytics.compute_user_progress_snapshots(p_users uuid[], p_from date, p_through date)
returns setof analytics.user_progress_snapshots
language plpgsql stable
set search_path = pg_catalog, analytics
as $$
begin
  -- Snapshots on days p_from .. p_through, as running sums over
  -- daily_user_activity (itself checked against the raw tables by verify).
  -- All users (p_users null): from scratch, one sorted pass over the table.
  -- Given users (a refresh of a few days): each continues from its last
  -- stored snapshot before p_from, whose exact sums are kept for that, so the
  -- cost follows the days refreshed, not the length of the history.
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
    from analytics.daily_user_activity a
    join base on base.user_id = a.user_id
    where a.day between p_from and p_through
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
comment on function analytics.compute_user_progress_snapshots(uuid[], date, date) is 'Rows of analytics.user_progress_snapshots on local days p_from .. p_through, accumulated from analytics.daily_user_activity: for all users from scratch (p_users null), or for the given users from their last stored snapshot before p_from.';
