-- Down of migration 0016. The migration first re-applies refresh_pending()
-- of 0015 (migrations/0015_refresh-in-steps/refresh_pending.sql), which
-- reconciles no MRR movements; then clear_rollups(), verify() and
-- compute_monthly_subscriptions() as they were before 0016.
drop view analytics_report.mrr_movements_by_customer;
drop view analytics_report.mrr_movements;
drop function analytics.reconcile_monthly_customer_mrr(date[]);
create or replace function analytics.clear_rollups()
returns void
language sql
set search_path = pg_catalog, analytics, pg_temp
as $$
  -- DELETE, not TRUNCATE: readers keep reading while it runs.
  delete from analytics.daily_user_activity;
  delete from analytics.daily_scenario_activity;
  delete from analytics.daily_session_durations;
  delete from analytics.hourly_sessions;
  delete from analytics.daily_criteria_scores;
  delete from analytics.daily_signups;
  delete from analytics.daily_active_users;
  delete from analytics.period_active_users;
  delete from analytics.weekly_retention;
  delete from analytics.monthly_subscriptions;
  delete from analytics.user_progress_snapshots;
  delete from analytics.invalidation_log;
$$;
comment on function analytics.clear_rollups() is
  'Empties every rollup and the invalidation log (analytics_aggregates, the record of past outputs, is kept). Used when the reporting time zone changes; follow with invalidate_all() and a refresh.';
revoke execute on function analytics.clear_rollups() from public;
create or replace function analytics.verify(p_from date, p_to date)
returns table (object text, key text, stored jsonb, recomputed jsonb)
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  -- stored days of the range; retention cells count activity up to
  -- materialized_through whatever the range, and are checked that way
  v_through date := least(p_to, (select materialized_through from analytics.settings));
  v_days date[];
  v_weeks date[];
  v_months date[];
  v_check record;
begin
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'verify(%, %): expected two dates with from <= to', p_from, p_to using errcode = 'invalid_parameter_value';
  end if;
  if v_through is null or v_through < p_from then
    return;  -- nothing stored in the range
  end if;
  v_days := array(select d::date from generate_series(p_from, v_through, interval '1 day') d);
  v_weeks := array(select distinct date_trunc('week', d::timestamp)::date from unnest(v_days) d
                   where date_trunc('week', d::timestamp)::date >= p_from and date_trunc('week', d::timestamp)::date + 6 <= v_through);
  v_months := array(select distinct date_trunc('month', d::timestamp)::date from unnest(v_days) d
                    where date_trunc('month', d::timestamp)::date >= p_from
                      and (date_trunc('month', d::timestamp) + interval '1 month - 1 day')::date <= v_through);

  -- Each recomputation reads the platform tables (public.*) only, never a
  -- stored rollup: the derived rollups through the recompute_* helpers above.
  for v_check in
    select * from (values
      ('daily_user_activity', 'day, user_id',
       'select * from analytics.daily_user_activity where day = any($1)',
       'select * from analytics.compute_daily_user_activity($1)'),
      ('daily_scenario_activity', 'day, scenario_id',
       'select * from analytics.daily_scenario_activity where day = any($1)',
       'select * from analytics.compute_daily_scenario_activity($1)'),
      ('daily_session_durations', 'day, scenario_id, bin_start_minutes',
       'select * from analytics.daily_session_durations where day = any($1)',
       'select * from analytics.compute_daily_session_durations($1)'),
      ('hourly_sessions', 'day, hour',
       'select * from analytics.hourly_sessions where day = any($1)',
       'select * from analytics.compute_hourly_sessions($1)'),
      ('daily_criteria_scores', 'day, criterion',
       'select * from analytics.daily_criteria_scores where day = any($1)',
       'select * from analytics.compute_daily_criteria_scores($1)'),
      ('daily_signups', 'day',
       'select * from analytics.daily_signups where day = any($1)',
       'select * from analytics.compute_daily_signups($1)'),
      ('daily_active_users', 'day',
       'select * from analytics.daily_active_users where day = any($1)',
       'select * from analytics.recompute_daily_active_users($1)'),
      ('period_active_users', 'granularity, period_start',
       'select * from analytics.period_active_users where (granularity = ''week'' and period_start = any($2)) or (granularity = ''month'' and period_start = any($3))',
       'select * from analytics.compute_period_active_users(''week'', $2) union all select * from analytics.compute_period_active_users(''month'', $3)'),
      ('weekly_retention', 'cohort_week, week_offset',
       'select * from analytics.weekly_retention where cohort_week >= date_trunc(''week'', $4::timestamp)::date and cohort_week <= $5',
       'select * from analytics.compute_weekly_retention(array(select generate_series(date_trunc(''week'', $4::timestamp), $5::timestamp, interval ''1 week'')::date), ''{}'', $6)'),
      ('monthly_subscriptions', 'month_start',
       'select * from analytics.monthly_subscriptions where month_start = any($3)',
       'select * from analytics.compute_monthly_subscriptions($3)'),
      ('user_progress_snapshots', 'user_id, snapshot_date',
       'select * from analytics.user_progress_snapshots where snapshot_date between $4 and $5',
       'select * from analytics.recompute_user_progress_snapshots($4, $5)')
    ) as checks(object, key_columns, stored_sql, recomputed_sql)
  loop
    return query execute format(
      'with stored as (select concat_ws(''/'', %1$s) as key, to_jsonb(s) as row from (%2$s) s),
            recomputed as (select concat_ws(''/'', %1$s) as key, to_jsonb(r) as row from (%3$s) r)
       select %4$L, coalesce(s.key, r.key), s.row, r.row
       from stored s full join recomputed r on r.key = s.key
       where s.row is distinct from r.row
       order by 2',
      v_check.key_columns, v_check.stored_sql, v_check.recomputed_sql, v_check.object)
    using v_days, v_weeks, v_months, p_from, v_through, (select materialized_through from analytics.settings);
  end loop;
end
$$;
comment on function analytics.verify(p_from date, p_to date) is
  'Compares every stored aggregate of local days p_from .. p_to (up to materialized_through) with a from-scratch recomputation from the platform tables only (never from another stored rollup, so an error carried from one rollup into another is seen in both); one row per difference (object, key, stored row, recomputed row). No rows = consistent.';
revoke execute on function analytics.verify(p_from date, p_to date) from public;
drop function analytics.compute_monthly_customer_mrr(date[]);
create or replace function analytics.compute_monthly_subscriptions(p_months date[])
returns setof analytics.monthly_subscriptions
language plpgsql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
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
comment on function analytics.compute_monthly_subscriptions(p_months date[]) is
  'Rows of analytics.monthly_subscriptions for the given month starts, computed from the platform subscriptions'' timestamps.';
revoke execute on function analytics.compute_monthly_subscriptions(p_months date[]) from public;
drop function analytics.subscription_terms();
drop function analytics.month_instants(date[]);
drop table analytics.monthly_customer_mrr;
