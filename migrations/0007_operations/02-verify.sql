-- verify() against the platform tables only (migration 0007).
--
-- Two rollups are derived from another stored rollup, not from the platform:
-- daily_active_users and user_progress_snapshots are computed from
-- daily_user_activity (compute_daily_active_users through daily_rows(),
-- compute_user_progress_snapshots directly), which is what the refresh wants:
-- it is narrow, already distinct per user and day, and lets a refresh of a
-- few days continue from stored sums. But 0002's verify() recomputed them
-- with those same functions, so it compared a derived row with a
-- recomputation from the same stored input: a wrong daily_user_activity row
-- carried into them by a refresh was reported in daily_user_activity and
-- nowhere else, and a stale snapshot or rolling count passed as consistent.
--
-- Here verify() recomputes those two through the helpers below, from what
-- daily_user_activity itself is checked against: compute_daily_user_activity()
-- and its building block session_facts(), over public.sessions and
-- public.feedback_reports. Every other check already read the platform tables
-- only (public.sessions, feedback_reports, users, subscriptions) and is
-- unchanged, and so are the compute_* functions the refresh and the reports
-- use. The helpers repeat the derivation (rolling windows, running sums)
-- rather than share it with compute_*: a function cannot be handed a relation
-- to read, and the copy verify runs must not read stored rows.

create or replace function analytics.recompute_daily_active_users(p_days date[])
returns setof analytics.daily_active_users
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_first date := (select min(d) from unnest(p_days) d) - 29;
  v_last date := (select max(d) from unnest(p_days) d);
begin
  -- The same running sum of covers as compute_daily_active_users (see there),
  -- over who was active on which day according to the platform tables: the
  -- (day, user_id) pairs of daily_user_activity's recomputation, read from
  -- session_facts directly since the sums are not needed here.
  return query
  with active as (
    select distinct f.day, f.user_id
    from analytics.session_facts(array(select d::date from generate_series(v_first, v_last, interval '1 day') d)) f
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
    and r.mau > 0;
end
$$;
comment on function analytics.recompute_daily_active_users(date[]) is
  'verify()''s recomputation of analytics.daily_active_users for the given local days from the platform tables only (session_facts), never from the stored daily_user_activity that the refresh derives them from: a wrong stored activity row carried into the rolling counts must show up as a difference. Same rows as compute_daily_active_users when the rollups are right.';
revoke execute on function analytics.recompute_daily_active_users(date[]) from public;

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
comment on function analytics.recompute_user_progress_snapshots(date, date) is
  'verify()''s recomputation of analytics.user_progress_snapshots on local days p_from .. p_through from the platform tables only (compute_daily_user_activity from the first session on), never from the stored daily_user_activity or earlier snapshots that the refresh continues from: a wrong stored row carried into the running sums must show up as a difference.';
revoke execute on function analytics.recompute_user_progress_snapshots(date, date) from public;

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
comment on function analytics.verify(date, date) is
  'Compares every stored aggregate of local days p_from .. p_to (up to materialized_through) with a from-scratch recomputation from the platform tables only (never from another stored rollup, so an error carried from one rollup into another is seen in both); one row per difference (object, key, stored row, recomputed row). No rows = consistent.';
