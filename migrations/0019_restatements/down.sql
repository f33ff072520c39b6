-- Down of migration 0019: no restatements (their table, view, API function
-- and refresh steps are dropped, with the history they held); the refresh,
-- backfill, forced refresh, zone change and subscription_metrics() as 0018
-- left them.
drop view analytics_report.restatements;
drop function analytics.restatement_history(date, date);
drop function analytics.record_restatements(jsonb, date[], date[], jsonb);
drop function analytics.period_numbers(date[], date[]);
drop table analytics.restatement_log;
alter table analytics.settings drop column restatements_from;
drop function analytics.take_invalidations(date, text);
-- The first step of a refresh: what the change capture logged, as local days.
-- Consumes (deletes) the log rows this transaction can see that start on a
-- day up to p_through, read as local days of p_zone, the zone that holds
-- now (the caller holds the refresh lock, which set_reporting_timezone()
-- takes too): a row's own day or range, and for a feedback report the day
-- its session starts on now. Rows of later days stay for a later refresh:
-- days after p_through are not stored, so they need nothing yet.
create or replace function analytics.take_invalidations(
  p_through date, p_zone text,
  out activity_days date[], out report_days date[], out signup_days date[], out subscriptions_from date)
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  with taken as (
    delete from analytics.invalidation_log l
    where l.at < (p_through + 1)::timestamp at time zone p_zone
    returning l.source, l.at, l.until, l.session_id, l.reports_unchanged
  ),
  days as (
    select t.source, d::date as day, not t.reports_unchanged as reports
    from taken t,
         pg_catalog.generate_series((t.at at time zone p_zone)::date,
                         least(coalesce((t.until at time zone p_zone)::date, (t.at at time zone p_zone)::date), p_through),
                         interval '1 day') d
    union
    select 'activity', (s.started_at at time zone p_zone)::date, true
    from taken t join public.sessions s on s.id = t.session_id
  )
  select array_agg(distinct days.day) filter (where days.source = 'activity' and days.day <= p_through),
         array_agg(distinct days.day) filter (where days.source = 'activity' and days.reports and days.day <= p_through),
         coalesce(array_agg(distinct days.day) filter (where days.source = 'signups' and days.day <= p_through), '{}'),
         min(days.day) filter (where days.source = 'subscriptions')
  into activity_days, report_days, signup_days, subscriptions_from
  from days;
end
$$;
comment on function analytics.take_invalidations(p_through date, p_zone text) is
  'Refresh step: deletes the rows of analytics.invalidation_log that start on a local day (in p_zone) up to p_through, and returns what they make stale: the days of session activity (null when none), those of them whose feedback reports may have changed, the signup days (empty when none), and the first day of changed subscriptions (null when none). Days after p_through are left out, and log rows starting after it stay.';
revoke execute on function analytics.take_invalidations(p_through date, p_zone text) from public;
-- The refresh: a sequence of steps, each its own function (sql/refresh/),
-- run in one transaction under the refresh lock. It takes what the capture
-- logged, chooses the days to recompute, reconciles the rollups that depend
-- only on the platform tables, then those derived from the stored days, and
-- records the outputs. Every step writes only the rows whose values change.
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

  -- Subscription months: from the earliest changed one, and every month that
  -- has ended since the last refresh; complete months only. A change on a
  -- month's first day also changes the month before: a month's closing
  -- figures are taken at the next month's first instant.
  v_business_months := array(
    select m::date from pg_catalog.generate_series(
      least(date_trunc('month', (v_taken.subscriptions_from - 1)::timestamp), date_trunc('month', (v_previous + 1)::timestamp),
            case when v_previous is null then date_trunc('month', (select min(x) from unnest(v_days) x)::timestamp) end),
      date_trunc('month', (v_through + 1)::timestamp) - interval '1 month', interval '1 month') m);
  perform analytics.reconcile_monthly_subscriptions(v_business_months);
  perform analytics.reconcile_monthly_customer_mrr(v_business_months);

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
  insert into analytics.invalidation_log (source, at, until)
  select source, p_from::timestamp at time zone v_zone, case when source <> 'subscriptions' then p_to::timestamp at time zone v_zone end
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
    insert into analytics.invalidation_log (source, at, until)
    select source, b::timestamp at time zone z.name, analytics.bucket_end(p_granularity, b)::timestamp at time zone z.name
    from unnest(p_starts) b, unnest(array['activity', 'signups']) source, (select analytics.reporting_timezone() as name) z
    union all
    -- and the business months from the first bucket on, as refresh_range() does
    select 'subscriptions', min(b)::timestamp at time zone analytics.reporting_timezone(), null from unnest(p_starts) b;
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
  select materialized_through into v_stored_through from analytics.settings;
  update analytics.settings
  set reporting_timezone = p_timezone, timezone_chosen_at = now(), materialized_through = null;
  perform analytics.clear_rollups();
  perform analytics.invalidate_all();
  if v_stored_through is not null then
    perform analytics.refresh_pending(v_stored_through);
  end if;
  return true;
end
$$;
comment on function analytics.set_reporting_timezone(p_timezone text) is
  'Changes the reporting time zone and, in the same transaction, rebuilds every stored day in it: readers see the old zone''s numbers until it commits. As long as a full rebuild (run it with no statement_timeout; `praxis-analytics timezone set` does). Returns true when the zone changed.';
revoke execute on function analytics.set_reporting_timezone(p_timezone text) from public;
create or replace view analytics.metric_freshness as
select c.endpoint, c.metric, r.granularity, r.last_bucket, r.last_success_at, r.last_error, r.last_error_at, r.pending_buckets, r.lag
from (values
  ('users', 'active_users', 'day'), ('users', 'new_users', 'day'), ('users', 'sessions_started', 'day'),
  ('users', 'sessions_completed', 'day'), ('users', 'completion_rate', 'day'), ('users', 'average_score', 'day'),
  ('users', 'practice_time', 'day'), ('users', 'retention', 'week'), ('users', 'strength_areas', 'day'),
  ('users', 'score_progression', 'day'),
  ('content', 'popular_scenarios', 'day'), ('content', 'completion_rates', 'day'), ('content', 'average_scores', 'day'),
  ('content', 'time_distribution', 'day'), ('content', 'scenario_performance', 'day'),
  ('business', 'active_users', 'day'), ('business', 'subscriptions', 'month'), ('business', 'mrr_movements', 'month'),
  ('business', 'usage_patterns', 'day'), ('business', 'retention', 'week')
) as c (endpoint, metric, granularity)
join analytics.refresh_status r using (granularity);
comment on view analytics.metric_freshness is
  'Freshness of every metric of the admin API (GET /admin/analytics/freshness): the refresh_status of the interval whose buckets store it. Days after the stored ones are read live, so a lag delays late changes to stored days, not today''s numbers.';
comment on column analytics.metric_freshness.endpoint is
  'API endpoint: users, content or business.';
comment on column analytics.metric_freshness.metric is
  'Metric name, as the metric= query parameter takes it.';
comment on column analytics.metric_freshness.granularity is
  'Refresh interval that stores the metric: day, week or month.';
comment on column analytics.metric_freshness.last_bucket is
  'refresh_status.last_bucket of that interval.';
comment on column analytics.metric_freshness.last_success_at is
  'refresh_status.last_success_at of that interval.';
comment on column analytics.metric_freshness.last_error is
  'refresh_status.last_error of that interval.';
comment on column analytics.metric_freshness.last_error_at is
  'refresh_status.last_error_at of that interval.';
comment on column analytics.metric_freshness.pending_buckets is
  'refresh_status.pending_buckets of that interval.';
comment on column analytics.metric_freshness.lag is
  'refresh_status.lag of that interval.';
grant select on analytics.metric_freshness to analytics_reader;
-- The API's subscription metrics: analytics_report.business_monthly for any
-- range (without its active users), and the months not stored yet (the
-- current one) computed live, as the subscriptions stand now.
create or replace function analytics.subscription_metrics(p_from date, p_to date)
returns table (
  bucket date, currency text, mrr_cents numeric,
  paying_customers integer, new_customers integer, reactivated_customers integer, churned_customers integer,
  customer_churn_rate numeric,
  active_subscriptions integer, new_subscriptions integer, churned_subscriptions integer, subscription_churn_rate numeric,
  trial_conversion numeric, complete boolean
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  -- months not wholly stored yet (the current one): computed live
  v_live_months date[] := array(select b.bucket from analytics.bucket_span(p_from, p_to, 'month') b
                                where b.last_day > coalesce(v_through, '-infinity'));
begin
  return query
  with months as (select * from analytics.bucket_span(p_from, p_to, 'month')),
  monthly as (
    -- stored months (a month without a row had no subscription activity)
    select m.* from analytics.monthly_subscriptions m
    join months b on b.bucket = m.month_start
    where b.last_day <= v_through
    union all
    select c.* from analytics.compute_monthly_subscriptions(v_live_months) c
    where cardinality(v_live_months) > 0
  ),
  revenue as (
    select x.month_start, x.currency, sum(x.mrr_end_cents) as mrr_cents
    from (
      select c.* from analytics.monthly_customer_mrr c
      join months b on b.bucket = c.month_start
      where b.last_day <= v_through
      union all
      select c.* from analytics.compute_monthly_customer_mrr(v_live_months) c
      where cardinality(v_live_months) > 0
    ) x
    group by x.month_start, x.currency
  )
  select b.bucket, v.currency, round(coalesce(v.mrr_cents, 0), 2),
         coalesce(r.paying_customers, 0), coalesce(r.new_customers, 0), coalesce(r.reactivated_customers, 0),
         coalesce(r.churned_customers, 0),
         round(r.churned_customers::numeric / nullif(r.customers_at_start, 0), 4),
         coalesce(r.active_subscriptions, 0), coalesce(r.new_subscriptions, 0), coalesce(r.churned_subscriptions, 0),
         round(r.churned_subscriptions::numeric / nullif(r.paying_subscriptions_at_start, 0), 4),
         round(r.trials_converted::numeric / nullif(r.trials_ending, 0), 4),
         b.complete
  from months b
  -- as in business_monthly: the month's currencies, or one row with currency null
  left join revenue v on v.month_start = b.bucket
  left join monthly r on r.month_start = b.bucket
  order by 1, 2;
end
$$;
comment on function analytics.subscription_metrics(p_from date, p_to date) is
  'Per calendar month covering p_from .. p_to and currency (every currency with a customer paying at the month''s start or end; currency null, on a single row, in a month without one): mrr_cents in that currency (monthly recurring revenue, cents), and, platform-wide and the same on each currency row of a month, customers paying at the month''s end, new, reactivated and churned customers, customer_churn_rate = churned / paying at the month''s start (0-1), subscriptions active, new and churned, subscription_churn_rate, trial_conversion = converted / trials ending (0-1); as analytics_report.business_monthly defines them. Months not stored yet (the current one) are computed live.';
revoke execute on function analytics.subscription_metrics(p_from date, p_to date) from public;
grant execute on function analytics.subscription_metrics(p_from date, p_to date) to analytics_reader;
