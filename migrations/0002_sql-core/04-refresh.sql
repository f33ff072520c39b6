-- Refresh entry points. Every one ends in refresh_pending(), which takes a
-- transaction-scoped advisory lock (so a DBA's call and a scheduled job never
-- run at once), recomputes whole stale buckets and overwrites them, and
-- commits or rolls back as one: readers see the old rows until it commits.

create or replace function analytics.record_aggregates(p_days date[], p_weeks date[], p_months date[])
returns void
language sql
set search_path = pg_catalog, analytics
as $$
  insert into analytics.analytics_aggregates as a (metric_type, time_bucket, dimension, data)
  select 'daily_activity', d::timestamp, '',
         jsonb_build_object(
           'sessions_started', coalesce(sum(x.sessions_started), 0),
           'sessions_completed', coalesce(sum(x.sessions_completed), 0),
           'sessions_finished', coalesce(sum(x.sessions_finished), 0),
           'practice_seconds', coalesce(sum(x.practice_seconds), 0),
           'scored_sessions', coalesce(sum(x.scored_sessions), 0),
           'score_sum', coalesce(sum(x.score_sum), 0),
           'active_users', (select count(*) from analytics.daily_user_activity u where u.day = d),
           'new_users', coalesce((select s.new_users from analytics.daily_signups s where s.day = d), 0))
  from unnest(p_days) d
  left join analytics.daily_scenario_activity x on x.day = d
  group by d
  union all
  select 'weekly_content', w::timestamp, x.scenario_id::text,
         jsonb_build_object(
           'sessions_started', sum(x.sessions_started),
           'sessions_completed', sum(x.sessions_completed),
           'sessions_finished', sum(x.sessions_finished),
           'completed_seconds', sum(x.completed_seconds),
           'completed_timed_sessions', sum(x.completed_timed_sessions),
           'scored_sessions', sum(x.scored_sessions),
           'score_sum', sum(x.score_sum))
  from unnest(p_weeks) w
  join analytics.daily_scenario_activity x on x.day between w and w + 6
  group by w, x.scenario_id
  union all
  select 'monthly_business', m::timestamp, '',
         jsonb_build_object(
           'active_subscribers', coalesce(s.active_subscribers, 0),
           'new_subscribers', coalesce(s.new_subscribers, 0),
           'churned_subscribers', coalesce(s.churned_subscribers, 0),
           'mrr_cents', coalesce(s.mrr_cents, 0),
           'paying_at_start', coalesce(s.paying_at_start, 0),
           'trials_ending', coalesce(s.trials_ending, 0),
           'trials_converted', coalesce(s.trials_converted, 0),
           'active_users', coalesce(p.active_users, 0))
  from unnest(p_months) m
  left join analytics.monthly_subscriptions s on s.month_start = m
  left join analytics.period_active_users p on p.granularity = 'month' and p.period_start = m
  on conflict (metric_type, time_bucket, dimension)
  do update set data = excluded.data, created_at = excluded.created_at
$$;
comment on function analytics.record_aggregates(date[], date[], date[]) is
  'Writes the outputs of a refresh into analytics_aggregates: daily_activity per day, weekly_content per complete week and scenario, monthly_business per complete month.';

create or replace function analytics.refresh_pending(p_through date default null)
returns jsonb
language plpgsql
set search_path = pg_catalog, analytics
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_yesterday date := (now() at time zone v_zone)::date - 1;
  v_through date;
  v_previous date;
  v_activity date[];
  v_signups date[];
  v_subscriptions_from date;
  v_days date[];
  v_rolling date[];
  v_weeks date[];
  v_months date[];
  v_business_months date[];
  v_users uuid[];
  v_all_users boolean;
begin
  perform pg_advisory_xact_lock(hashtext('analytics.refresh'));
  -- Sorts and hashes of a full rebuild fit in memory; local to this transaction.
  perform set_config('work_mem', '256MB', true);

  select materialized_through into v_previous from analytics.settings;
  -- Never stop short of the stored history: a change to an old day rewrites
  -- the later stored days that depend on it (rolling windows, snapshots).
  v_through := least(greatest(coalesce(p_through, v_yesterday), v_previous), v_yesterday);

  -- Consume the log rows this transaction can see, for days that are over.
  with taken as (
    delete from analytics.invalidation_log where day <= v_through returning source, day
  )
  select array_agg(distinct day) filter (where source = 'activity'),
         coalesce(array_agg(distinct day) filter (where source = 'signups'), '{}'),
         min(day) filter (where source = 'subscriptions')
  into v_activity, v_signups, v_subscriptions_from
  from taken;

  -- Days to recompute: the changed ones, plus every day that has ended since
  -- the last refresh (empty days too: rolling windows and records move on).
  v_days := array(
    select distinct d from (
      select unnest(v_activity) as d
      union all
      select g::date from generate_series(
        coalesce(v_previous + 1, (select min(x) from unnest(v_activity || v_signups) x), v_through + 1),
        v_through, interval '1 day') g
    ) days
    where d <= v_through
    order by d);

  if cardinality(v_days) > 0 then
    -- Users whose activity changed: those of the rows that go and of those that come.
    with removed as (delete from analytics.daily_user_activity where day = any(v_days) returning user_id)
    select coalesce(array_agg(distinct user_id), '{}') into v_users from removed;
    delete from analytics.daily_scenario_activity where day = any(v_days);
    delete from analytics.daily_session_durations where day = any(v_days);
    delete from analytics.hourly_sessions where day = any(v_days);
    -- the four session rollups from one pass over the raw sessions
    with rollups as materialized (select * from analytics.compute_daily_session_rollups(v_days)),
    scenarios as (
      insert into analytics.daily_scenario_activity
      select day, scenario_id, sessions_started, sessions_completed, sessions_finished, practice_seconds,
             completed_seconds, completed_timed_sessions, scored_sessions, score_sum
      from rollups where grain = 'scenario'),
    durations as (
      insert into analytics.daily_session_durations
      select day, scenario_id, bin_start_minutes, sessions_started from rollups where grain = 'duration'),
    hours as (
      insert into analytics.hourly_sessions select day, hour, sessions_started from rollups where grain = 'hour'),
    users as (
      insert into analytics.daily_user_activity
      select day, user_id, sessions_started, sessions_completed, sessions_finished, practice_seconds,
             scored_sessions, score_sum, last_active_at
      from rollups where grain = 'user'
      order by day, user_id   -- appends to the (day, user_id) key instead of scattering
      returning user_id)
    select v_users || coalesce(array_agg(distinct user_id), '{}') into v_users from users;
    delete from analytics.daily_criteria_scores where day = any(v_days);
    insert into analytics.daily_criteria_scores select * from analytics.compute_daily_criteria_scores(v_days);

    -- Every day up to v_through is stored now: what follows reads them as
    -- stored (daily_rows), not live.
    update analytics.settings set materialized_through = greatest(materialized_through, v_through);

    -- After a long backfill the planner's statistics describe the tables as
    -- they were (often empty): refresh them before the steps that read them.
    if cardinality(v_days) > 31 then
      analyze analytics.daily_user_activity, analytics.daily_scenario_activity,
              analytics.daily_session_durations, analytics.hourly_sessions, analytics.daily_criteria_scores;
    end if;

    -- A day's change moves the rolling windows of the 29 days after it.
    v_rolling := array(
      select distinct d + k from unnest(v_days) d, generate_series(0, 29) k where d + k <= v_through);
    delete from analytics.daily_active_users where day = any(v_rolling);
    insert into analytics.daily_active_users select * from analytics.compute_daily_active_users(v_rolling);

    -- Distinct users per whole week / month: complete periods only.
    v_weeks := array(
      select distinct date_trunc('week', d::timestamp)::date from unnest(v_days) d
      where date_trunc('week', d::timestamp)::date + 6 <= v_through);
    v_months := array(
      select distinct date_trunc('month', d::timestamp)::date from unnest(v_days) d
      where (date_trunc('month', d::timestamp) + interval '1 month - 1 day')::date <= v_through);
    delete from analytics.period_active_users
    where (granularity = 'week' and period_start = any(v_weeks))
       or (granularity = 'month' and period_start = any(v_months));
    insert into analytics.period_active_users select * from analytics.compute_period_active_users('week', v_weeks);
    insert into analytics.period_active_users select * from analytics.compute_period_active_users('month', v_months);

    -- Progress snapshots from the first changed day on, each user continuing
    -- from their last snapshot before it: of the users whose activity changed
    -- (a few days), or, for a long range (a backfill chunk, a rebuild), of
    -- every user active since that day, after dropping every snapshot from
    -- it (each belongs to an active day of such a user). Per user, so a
    -- backfill in chunks costs the same as one pass over the whole history.
    v_all_users := cardinality(v_days) > 31;
    if v_all_users then
      v_users := array(select distinct a.user_id from analytics.daily_user_activity a
                       where a.day between v_days[1] and v_through);
    end if;
    delete from analytics.user_progress_snapshots
    where (v_all_users or user_id = any(v_users)) and snapshot_date >= v_days[1];
    insert into analytics.user_progress_snapshots
    select * from analytics.compute_user_progress_snapshots(v_users, v_days[1], v_through);

    -- Where the platform has its own user_progress_snapshots (spec 2.1), the
    -- same rows go there too: it is the daily aggregation's output table.
    if to_regclass('public.user_progress_snapshots') is not null then
      delete from public.user_progress_snapshots p
      where (v_all_users or p.user_id = any(v_users)) and p.snapshot_date >= v_days[1];
      insert into public.user_progress_snapshots
        (user_id, snapshot_date, sessions_completed, average_score, total_practice_time, last_active)
      select s.user_id, s.snapshot_date, s.sessions_completed, s.average_score, s.total_practice_time, s.last_active
      from analytics.user_progress_snapshots s
      where (v_all_users or s.user_id = any(v_users)) and s.snapshot_date >= v_days[1];
    end if;
  end if;

  if cardinality(v_signups) > 0 then
    delete from analytics.daily_signups where day = any(v_signups);
    insert into analytics.daily_signups select * from analytics.compute_daily_signups(v_signups);
  end if;

  -- Retention cells of changed cohorts (signups) and changed activity weeks.
  declare
    v_cohorts date[] := array(select distinct date_trunc('week', d::timestamp)::date from unnest(v_signups) d);
    v_activity_weeks date[] := array(select distinct date_trunc('week', d::timestamp)::date from unnest(v_activity) d where d <= v_through);
  begin
    if cardinality(v_cohorts) + cardinality(v_activity_weeks) > 0 then
      delete from analytics.weekly_retention
      where cohort_week = any(v_cohorts) or cohort_week + week_offset * 7 = any(v_activity_weeks);
      insert into analytics.weekly_retention
      select * from analytics.compute_weekly_retention(v_cohorts, v_activity_weeks, v_through);
    end if;
  end;

  -- Subscription months: from the earliest changed one, and every month that
  -- has ended since the last refresh; complete months only.
  v_business_months := array(
    select m::date from generate_series(
      least(date_trunc('month', v_subscriptions_from::timestamp), date_trunc('month', (v_previous + 1)::timestamp),
            case when v_previous is null then date_trunc('month', (select min(x) from unnest(v_days) x)::timestamp) end),
      date_trunc('month', (v_through + 1)::timestamp) - interval '1 month', interval '1 month') m);
  if cardinality(v_business_months) > 0 then
    delete from analytics.monthly_subscriptions where month_start = any(v_business_months);
    insert into analytics.monthly_subscriptions select * from analytics.compute_monthly_subscriptions(v_business_months);
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
comment on function analytics.refresh_pending(date) is
  'Recomputes every stale bucket (from the invalidation log) and every day that has ended since the last run, up to p_through (default and maximum: yesterday, local). Idempotent, transactional, single-flight. Returns what it did as JSON.';

create or replace function analytics.refresh_range(p_from date, p_to date)
returns jsonb
language plpgsql
set search_path = pg_catalog, analytics
as $$
declare
  v_zone text := analytics.reporting_timezone();
begin
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'refresh_range(%, %): expected two dates with from <= to', p_from, p_to
      using errcode = 'invalid_parameter_value';
  end if;
  -- days that have not ended yet are always read live: nothing to store
  insert into analytics.invalidation_log (source, day)
  select source, d::date
  from generate_series(p_from, least(p_to, (now() at time zone v_zone)::date - 1), interval '1 day') d,
       unnest(array['activity', 'signups']) source;
  -- subscription months overlapping the range
  insert into analytics.invalidation_log (source, day) values ('subscriptions', p_from);
  return analytics.refresh_pending(greatest(p_to, (select materialized_through from analytics.settings)));
end
$$;
comment on function analytics.refresh_range(date, date) is
  'Recomputes every bucket of local days p_from .. p_to (inclusive; days after yesterday are skipped), plus anything else pending: the backfill. Idempotent and transactional.';

create or replace function analytics.refresh_daily(p_day date)
returns jsonb
language sql
set search_path = pg_catalog, analytics
as $$ select analytics.refresh_range(p_day, p_day) $$;
comment on function analytics.refresh_daily(date) is 'Recomputes one local day (user progress, session and content rollups, rolling active users). Idempotent and transactional.';

create or replace function analytics.refresh_weekly(p_week_start date)
returns jsonb
language plpgsql
set search_path = pg_catalog, analytics
as $$
begin
  if p_week_start is null or extract(isodow from p_week_start) <> 1 then
    raise exception 'refresh_weekly(%): expected the Monday that starts an ISO week', p_week_start
      using errcode = 'invalid_parameter_value';
  end if;
  return analytics.refresh_range(p_week_start, p_week_start + 6);
end
$$;
comment on function analytics.refresh_weekly(date) is 'Recomputes one ISO week (Monday p_week_start to Sunday): its days, weekly active users, retention and weekly content records. Idempotent and transactional.';

create or replace function analytics.refresh_monthly(p_month_start date)
returns jsonb
language plpgsql
set search_path = pg_catalog, analytics
as $$
begin
  if p_month_start is null or extract(day from p_month_start) <> 1 then
    raise exception 'refresh_monthly(%): expected the 1st of a month', p_month_start
      using errcode = 'invalid_parameter_value';
  end if;
  return analytics.refresh_range(p_month_start, (p_month_start + interval '1 month - 1 day')::date);
end
$$;
comment on function analytics.refresh_monthly(date) is 'Recomputes one calendar month: its days, monthly active users and business metrics. Idempotent and transactional.';
