-- Down of migration 0020: trigger capture only. A database in logical mode
-- gets its triggers back first (use_trigger_capture drains the slot and drops
-- it and the publication); then the functions and the state of logical
-- capture are dropped, and the capture, refresh and invalidate_all() are as
-- 0019 left them.
select analytics.use_trigger_capture();
drop function analytics.use_trigger_capture();
drop function analytics.use_logical_capture();
drop function analytics.prepare_logical_capture();
drop function analytics.consume_capture(boolean, integer);
drop function analytics.restart_logical_capture(text);
drop function analytics.log_decoded_changes(text[], text[], jsonb[], jsonb[], timestamptz[]);
drop function analytics.logical_slot_name();
drop table analytics.capture_state;
drop function analytics.invalidate_all(text);
create or replace function analytics.capture_truncate()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_cause text := format('TRUNCATE %I.%I at %s', tg_table_schema, tg_table_name, now());
begin
  -- No rows to look at: everything stored of the source is stale, from its
  -- first stored day (a day early, in case the zone changes before this
  -- commits) through the stored history.
  insert into analytics.invalidation_log (source, at, until, cause)
  select x.source, x.first_day::timestamp at time zone v_zone - interval '1 day', x.until, v_cause
  from (
    select 'activity' as source, (select min(a.day) from analytics.daily_user_activity a) as first_day, timestamptz 'infinity' as until
    where tg_table_name in ('sessions', 'feedback_reports')
    union all
    select 'signups', (select min(u.day) from analytics.daily_signups u), 'infinity'
    where tg_table_name = 'users'
    union all
    select 'subscriptions', (select min(m.month_start) from analytics.monthly_subscriptions m), null
    where tg_table_name = 'subscriptions'
  ) x
  where x.first_day is not null;
  return null;
end
$$;
comment on function analytics.capture_truncate() is
  'Trigger function for TRUNCATE of the platform tables: marks the whole stored history of the source stale, with the cause.';
revoke execute on function analytics.capture_truncate() from public;
drop function analytics.mark_truncated(text, text);
-- The triggers. UPDATE OF lists every column a metric reads (docs/dba.md,
-- "How changes are tracked"); WHEN drops updates that set them to the same
-- values before any trigger event is queued. A function, so that `doctor`
-- can name one call that puts back a dropped trigger.
create or replace function analytics.install_capture_triggers()
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_table text;
  v_columns text;
  v_changed text;
begin
  for v_table, v_columns in
    select * from (values ('sessions', 'id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status'),
           ('feedback_reports', 'session_id, score_raw, criteria_scores'),
           ('users', 'id, created_at'),
           ('subscriptions', 'id, started_at, trial_ends_at, ended_at, amount_cents, billing_interval')) t
  loop
    select string_agg(format('old.%1$I is distinct from new.%1$I', trim(c)), ' or ')
    into v_changed from unnest(string_to_array(v_columns, ',')) c;
    execute format('drop trigger if exists analytics_log_insert on public.%I', v_table);
    execute format('drop trigger if exists analytics_log_update on public.%I', v_table);
    execute format('drop trigger if exists analytics_log_delete on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_insert on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_delete on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_update on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_truncate on public.%I', v_table);
    execute format('create trigger analytics_capture_insert after insert on public.%1$I
                    referencing new table as new_rows for each statement execute function analytics.%2$I()',
                   v_table, 'capture_' || v_table);
    execute format('create trigger analytics_capture_delete after delete on public.%1$I
                    referencing old table as old_rows for each statement execute function analytics.%2$I()',
                   v_table, 'capture_' || v_table);
    execute format('create trigger analytics_capture_update after update of %2$s on public.%1$I
                    for each row when (%3$s) execute function analytics.%4$I()',
                   v_table, v_columns, v_changed, 'capture_' || v_table);
    execute format('create trigger analytics_capture_truncate after truncate on public.%I
                    for each statement execute function analytics.capture_truncate()', v_table);
    execute format('alter table public.%I enable always trigger analytics_capture_insert,
                    enable always trigger analytics_capture_delete, enable always trigger analytics_capture_update,
                    enable always trigger analytics_capture_truncate', v_table);
    execute format('comment on trigger analytics_capture_insert on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs what inserted rows make stale (analytics.invalidation_log).');
    execute format('comment on trigger analytics_capture_delete on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs what deleted rows make stale (analytics.invalidation_log).');
    execute format('comment on trigger analytics_capture_update on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs what an update of a column the metrics read makes stale (analytics.invalidation_log).');
    execute format('comment on trigger analytics_capture_truncate on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: marks the whole stored history of the table stale (analytics.invalidation_log).');
  end loop;
end
$$;
comment on function analytics.install_capture_triggers() is
  'Creates (or re-creates) the change-capture triggers on public.sessions, feedback_reports, users and subscriptions, enabled ALWAYS. The install runs it; run it again when doctor reports a missing trigger.';
revoke execute on function analytics.install_capture_triggers() from public;
create or replace function analytics.invalidate_all()
returns void
language sql
set search_path = pg_catalog, analytics, pg_temp
as $$
  -- From the first instant of each source, or its first stored day if that
  -- is earlier (a day early, as in capture_truncate), through the history.
  with zone as (select analytics.reporting_timezone() as name)
  insert into analytics.invalidation_log (source, at, until, cause)
  select x.source, x.first_at, x.until, 'the whole history was invalidated'
  from zone, lateral (
    select 'activity' as source, timestamptz 'infinity' as until,
           least((select min(s.started_at) from public.sessions s),
                 (select min(a.day) from analytics.daily_user_activity a)::timestamp at time zone zone.name - interval '1 day') as first_at
    union all
    select 'signups', 'infinity',
           least((select min(u.created_at) from public.users u),
                 (select min(d.day) from analytics.daily_signups d)::timestamp at time zone zone.name - interval '1 day')
    union all
    select 'subscriptions', null,
           least((select min(least(s.started_at, s.trial_ends_at, s.ended_at)) from public.subscriptions s),
                 (select min(m.month_start) from analytics.monthly_subscriptions m)::timestamp at time zone zone.name - interval '1 day')
  ) x
  where x.first_at is not null
$$;
comment on function analytics.invalidate_all() is
  'Marks the whole history stale (every source from its first row or first stored day on): the next refresh recomputes everything.';
revoke execute on function analytics.invalidate_all() from public;
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
create or replace function analytics.refresh_range(p_from date, p_to date)
returns jsonb
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text;
begin
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'refresh_range(%, %): expected two dates with from <= to', p_from, p_to
      using errcode = 'invalid_parameter_value';
  end if;
  -- the zone that turns these days into instants must hold until they are consumed
  perform pg_advisory_xact_lock(hashtext('analytics.refresh'));
  v_zone := analytics.reporting_timezone();
  -- the days as one range per source (days that have not ended yet are
  -- read live and never stored: the refresh stops at yesterday), and the
  -- subscription months from p_from's on
  insert into analytics.invalidation_log (source, at, until, cause)
  select source, p_from::timestamp at time zone v_zone, case when source <> 'subscriptions' then p_to::timestamp at time zone v_zone end,
         format('refresh of %s .. %s requested', p_from, p_to)
  from unnest(array['activity', 'signups', 'subscriptions']) source;
  return analytics.refresh_pending(greatest(p_to, (select materialized_through from analytics.settings)));
end
$$;
comment on function analytics.refresh_range(p_from date, p_to date) is
  'Recomputes every bucket of local days p_from .. p_to (inclusive; days after yesterday are skipped), plus anything else pending: the backfill. Idempotent and transactional.';
revoke execute on function analytics.refresh_range(p_from date, p_to date) from public;
create or replace function analytics.refresh_buckets(
  p_granularity text, p_starts date[], p_worker text default null, p_force boolean default false)
returns analytics.refresh_runs
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_locked_at timestamptz;
  v_yesterday date;
  v_stale date[];
  v_summary jsonb;
  v_run analytics.refresh_runs;
  v_cause text := format('forced refresh of %s bucket(s) %s', p_granularity, array_to_string(p_starts, ', '));
begin
  if p_starts is null or cardinality(p_starts) = 0 then
    raise exception 'refresh_buckets: expected at least one bucket start' using errcode = 'invalid_parameter_value';
  end if;
  v_yesterday := analytics.local_today() - 1;
  if exists (select from unnest(p_starts) b where analytics.bucket_end(p_granularity, b) > v_yesterday) then
    raise exception '% bucket(s) %: not over yet (local yesterday is %)', p_granularity,
      (select string_agg(b::text, ', ') from unnest(p_starts) b where analytics.bucket_end(p_granularity, b) > v_yesterday),
      v_yesterday using errcode = 'invalid_parameter_value';
  end if;

  -- The same lock refresh_pending() takes: the freshness read below and the
  -- refresh see one state, so two workers never both refresh a bucket.
  perform pg_advisory_xact_lock(hashtext('analytics.refresh'));
  v_locked_at := clock_timestamp();
  if p_force then
    insert into analytics.invalidation_log (source, at, until, cause)
    select source, b::timestamp at time zone z.name, analytics.bucket_end(p_granularity, b)::timestamp at time zone z.name, v_cause
    from unnest(p_starts) b, unnest(array['activity', 'signups']) source, (select analytics.reporting_timezone() as name) z
    union all
    -- and the business months from the first bucket on, as refresh_range() does
    select 'subscriptions', min(b)::timestamp at time zone analytics.reporting_timezone(), null, v_cause from unnest(p_starts) b;
  end if;
  v_stale := array(select b from unnest(p_starts) b where not analytics.bucket_is_fresh(p_granularity, b) order by b);
  if cardinality(v_stale) > 0 then
    -- Never stop short of the stored history: a change to an old day also
    -- rewrites the later days that depend on it (rolling windows, snapshots).
    v_summary := analytics.refresh_pending(greatest(
      analytics.bucket_end(p_granularity, v_stale[cardinality(v_stale)]),
      (select materialized_through from analytics.settings)));
  end if;

  delete from analytics.refresh_runs where finished_at < now() - interval '90 days';
  insert into analytics.refresh_runs
    (granularity, buckets, stale_buckets, outcome, through, days_recomputed, started_at, worker)
  values (p_granularity, array(select b from unnest(p_starts) b order by b), v_stale,
          case when cardinality(v_stale) > 0 then 'refreshed' else 'fresh' end,
          (v_summary->>'through')::date, coalesce((v_summary->>'days')::integer, 0), v_locked_at, p_worker)
  returning * into v_run;
  return v_run;
end
$$;
comment on function analytics.refresh_buckets(p_granularity text, p_starts date[], p_worker text, p_force boolean) is
  'Refreshes a batch of buckets that are over: when any is not fresh, recomputes everything stale up to the last day of the newest such bucket (refresh_pending), and logs the run in refresh_runs. p_force first marks every day of the buckets stale. Idempotent, transactional, single-flight.';
create or replace function analytics.set_reporting_timezone(p_timezone text)
returns boolean
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_stored_through date;
  v_old_zone text;
  v_weeks date[];
  v_months date[];
  v_before jsonb;
  v_recording boolean;
begin
  if p_timezone is null or not exists (select from pg_catalog.pg_timezone_names z where z.name = p_timezone) then
    raise exception 'unknown time zone "%": expected an IANA name such as UTC or Australia/Sydney', p_timezone
      using errcode = 'invalid_parameter_value';
  end if;
  -- the refresh lock first: no refresh runs between the change and the rebuild
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('analytics.refresh'));
  if p_timezone = analytics.reporting_timezone() then
    update analytics.settings set timezone_chosen_at = coalesce(timezone_chosen_at, now());
    return false;
  end if;
  -- Every stored bucket was cut in the old zone. Rebuild the days stored so
  -- far in this transaction (DELETE and INSERT, never TRUNCATE: readers are
  -- not blocked, and see the old zone and its numbers until this commits).
  -- Later days are left to the next refresh, as they were.
  select materialized_through, restatements_from is not null into v_stored_through, v_recording from analytics.settings;
  -- every finished period's numbers in the old zone, to restate those the
  -- new zone changes
  v_old_zone := analytics.reporting_timezone();
  v_weeks := array(select p.period_start from analytics.report_periods p where p.granularity = 'week');
  v_months := array(select p.period_start from analytics.report_periods p where p.granularity = 'month');
  v_before := (select coalesce(jsonb_agg(n), '[]') from analytics.period_numbers(v_weeks, v_months) n);
  update analytics.settings
  set reporting_timezone = p_timezone, timezone_chosen_at = now(), materialized_through = null;
  perform analytics.clear_rollups();
  perform analytics.invalidate_all();
  if v_stored_through is not null then
    perform analytics.refresh_pending(v_stored_through);
  end if;
  if v_stored_through is not null and v_recording then
    perform analytics.record_restatements(v_before, v_weeks, v_months,
      jsonb_build_object('*', format('reporting time zone changed from %s to %s', v_old_zone, p_timezone)));
  end if;
  return true;
end
$$;
comment on function analytics.set_reporting_timezone(p_timezone text) is
  'Changes the reporting time zone and, in the same transaction, rebuilds every stored day in it: readers see the old zone''s numbers until it commits. Every number of a finished period that the new zone changes is recorded in analytics.restatement_log. As long as a full rebuild (run it with no statement_timeout; `praxis-analytics timezone set` does). Returns true when the zone changed.';
revoke execute on function analytics.set_reporting_timezone(p_timezone text) from public;
drop function analytics.captured_columns();
comment on table analytics.invalidation_log is
  'Queue of changes whose aggregates are stale, written by triggers on the platform tables (and by invalidate_all, refresh_range, refresh_buckets) and consumed by analytics.refresh_pending(), which turns each row into local days in the reporting zone. Duplicates are expected.';
select analytics.install_capture_triggers();
