-- The refresh: a sequence of steps, each its own function (sql/refresh/),
-- run in one transaction under the refresh lock. It takes what the capture
-- logged, chooses the days to recompute, reconciles the rollups that depend
-- only on the platform tables, then those derived from the stored days,
-- records the outputs, and records as restatements the numbers of finished,
-- stored periods that changed. Every step writes only the rows whose values
-- change.
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
  v_taken record;
  v_signups date[];
  v_days date[];
  v_criteria_days date[];
  v_users uuid[];
  v_all_users boolean;
  v_member_days date[];
  v_moved date[] := '{}';
  v_weeks date[];
  v_business_months date[];
  v_closed_weeks date[];
  v_closed_months date[];
  v_before jsonb;
begin
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('analytics.refresh'));
  -- In logical mode, what was committed before now reaches the log first
  -- (trigger mode: already there).
  perform analytics.consume_capture(true);
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

  select * into v_taken from analytics.take_invalidations(v_through, v_zone);
  v_signups := v_taken.signup_days;

  -- Days to recompute: the changed ones, plus every day that has ended since
  -- the last refresh (empty days too: rolling windows and records move on).
  v_days := array(
    select distinct days.d from (
      select unnest(v_taken.activity_days) as d
      union all
      select g::date from pg_catalog.generate_series(
        coalesce(v_previous + 1, (select min(x) from unnest(v_taken.activity_days || v_signups) x), v_through + 1),
        v_through, interval '1 day') g
    ) days
    where days.d <= v_through
    order by days.d);
  -- Of those, the days whose feedback reports may have changed, and the
  -- days stored for the first time.
  v_criteria_days := array(
    select d from unnest(v_days) d
    where d = any(v_taken.report_days) or v_previous is null or d > v_previous
    order by d);

  -- Subscription months: from the earliest changed one, and every month that
  -- has ended since the last refresh; complete months only. A change on a
  -- month's first day also changes the month before: a month's closing
  -- figures are taken at the next month's first instant.
  v_business_months := array(
    select m::date from pg_catalog.generate_series(
      least(date_trunc('month', (v_taken.subscriptions_from - 1)::timestamp), date_trunc('month', (v_previous + 1)::timestamp),
            case when v_previous is null then date_trunc('month', (select min(x) from unnest(v_days) x)::timestamp) end),
      date_trunc('month', (v_through + 1)::timestamp) - interval '1 month', interval '1 month') m);

  -- Restatements: the finished periods stored before this refresh whose
  -- numbers it may change. Their numbers now, to compare at the end; a
  -- refresh of new days only (the usual tick) has none. Recorded from the
  -- end of the first refresh on (settings.restatements_from): what that one
  -- changes includes what an upgrade marked stale to fill, not restate.
  if v_previous is not null and (select s.restatements_from is not null from analytics.settings s) then
    v_closed_weeks := array(
      select distinct date_trunc('week', d::timestamp)::date from unnest(v_days || v_signups) d
      where date_trunc('week', d::timestamp)::date + 6 <= v_previous);
    v_closed_months := array(
      select distinct x.m from (
        select date_trunc('month', d::timestamp)::date as m from unnest(v_days || v_signups) d
        union all
        select unnest(v_business_months)) x
      where (x.m + interval '1 month - 1 day')::date <= v_previous);
    if cardinality(v_closed_weeks) + cardinality(v_closed_months) > 0 then
      v_before := (select coalesce(jsonb_agg(n), '[]') from analytics.period_numbers(v_closed_weeks, v_closed_months) n);
    end if;
  end if;

  if cardinality(v_days) > 0 then
    -- A long range (a backfill chunk, a rebuild) recomputes the snapshots of
    -- every user active in it, not only of those whose rows changed.
    v_all_users := cardinality(v_days) > 31;
    select r.changed_users, r.member_days into v_users, v_member_days
    from analytics.reconcile_session_rollups(v_days, not v_all_users) r;
    perform analytics.reconcile_daily_criteria_scores(v_criteria_days);

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
    perform analytics.reconcile_daily_active_users(array(
      select distinct d + k from unnest(v_moved) d, pg_catalog.generate_series(0, 29) k where d + k <= v_through));

    -- Distinct users per whole week / month: complete periods only.
    -- (v_weeks: every complete week of a recomputed day, whose weekly
    -- content records are rewritten at the end; of those, the weeks and
    -- months of a moved day get their distinct users recomputed.)
    v_weeks := array(
      select distinct date_trunc('week', d::timestamp)::date from unnest(v_days) d
      where date_trunc('week', d::timestamp)::date + 6 <= v_through);
    perform analytics.reconcile_period_active_users(
      array(select distinct date_trunc('week', d::timestamp)::date from unnest(v_moved) d
            where date_trunc('week', d::timestamp)::date + 6 <= v_through),
      array(select distinct date_trunc('month', d::timestamp)::date from unnest(v_moved) d
            where (date_trunc('month', d::timestamp) + interval '1 month - 1 day')::date <= v_through));

    -- v_users is null for a long range: every user active in it.
    perform analytics.reconcile_user_progress_snapshots(v_users, v_days[1], v_through);
    perform analytics.reconcile_platform_progress_snapshots(v_users, v_days[1]);
  end if;

  perform analytics.reconcile_daily_signups(v_signups);

  -- Retention cells of changed cohorts (signups) and of the weeks of moved
  -- days (whose active users changed, or which are new).
  perform analytics.reconcile_weekly_retention(
    array(select distinct date_trunc('week', d::timestamp)::date from unnest(v_signups) d),
    array(select distinct date_trunc('week', d::timestamp)::date from unnest(v_moved) d),
    v_through);

  perform analytics.reconcile_monthly_subscriptions(v_business_months);
  perform analytics.reconcile_monthly_customer_mrr(v_business_months);

  -- signup-only changes alter a day's record too (new_users)
  perform analytics.record_aggregates(
    array(select distinct d from unnest(v_days || v_signups) d where d <= v_through order by 1),
    v_weeks, v_business_months);

  if v_before is not null then
    perform analytics.record_restatements(v_before, v_closed_weeks, v_closed_months, v_taken.causes);
  end if;

  update analytics.settings
  set materialized_through = greatest(materialized_through, v_through),
      last_refresh_at = now(),
      restatements_from = coalesce(restatements_from, now()),
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
