-- Report functions: what DBAs, the API and the CSV export read. Each takes an
-- inclusive range of local dates and returns finished numbers: rates and
-- means are derived here from stored sums and counts. Buckets are whole
-- days, ISO weeks or calendar months: a range is widened to the buckets that
-- contain its ends. Days up to settings.materialized_through come from the
-- rollups; later days (today) are computed live from the platform tables,
-- so session metrics are current without a refresh. They run with their
-- owner's rights (SECURITY DEFINER), so analytics_reader needs no access to
-- the platform tables.

create function analytics.live_days(p_from date, p_to date)
returns date[]
language sql stable
set search_path = pg_catalog, analytics
as $$
  select coalesce(array_agg(d::date order by d), '{}')
  from analytics.settings s,
       generate_series(greatest(p_from, coalesce(s.materialized_through + 1, p_from)),
                       least(p_to, (now() at time zone s.reporting_timezone)::date),
                       interval '1 day') d
$$;
comment on function analytics.live_days(date, date) is 'Local days of p_from .. p_to that are not stored yet (after materialized_through, up to today): read live.';

create function analytics.daily_rows(p_rollup anyelement, p_from date, p_to date)
returns setof anyelement
language plpgsql stable
set search_path = pg_catalog, analytics
as $$
declare
  -- the rollup's table name, e.g. daily_scenario_activity; its computation is compute_<name>
  v_table text := (select typname from pg_type where oid = pg_typeof(p_rollup));
begin
  return query execute format(
    'select * from analytics.%I where day between $1 and least($2, (select materialized_through from analytics.settings))
     union all
     select * from analytics.%I($3)',
    v_table, 'compute_' || v_table)
  using p_from, p_to, analytics.live_days(p_from, p_to);
end
$$;
comment on function analytics.daily_rows(anyelement, date, date) is
  'Rows of a daily rollup (given by a null of its row type, e.g. null::analytics.hourly_sessions) for local days p_from .. p_to: stored days plus live ones.';

create function analytics.bucket_span(p_from date, p_to date, p_granularity text)
returns table (bucket date, first_day date, last_day date, complete boolean)
language plpgsql stable
set search_path = pg_catalog, analytics
as $$
begin
  if p_granularity is null or p_granularity not in ('day', 'week', 'month') then
    raise exception 'granularity "%": expected day, week or month', p_granularity using errcode = 'invalid_parameter_value';
  end if;
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'date range % .. %: expected two dates with from <= to', p_from, p_to using errcode = 'invalid_parameter_value';
  end if;
  return query
  select b::date,
         b::date,
         (b + ('1 ' || p_granularity)::interval - interval '1 day')::date,
         (b + ('1 ' || p_granularity)::interval)::date <= (now() at time zone analytics.reporting_timezone())::date
  from generate_series(date_trunc(p_granularity, p_from::timestamp), date_trunc(p_granularity, p_to::timestamp),
                       ('1 ' || p_granularity)::interval) b;
end
$$;
comment on function analytics.bucket_span(date, date, text) is
  'The day / ISO week / month buckets covering p_from .. p_to: first and last local day of each, and whether it is over (complete).';

create function analytics.session_metrics(p_from date, p_to date, p_granularity text default 'day')
returns table (
  bucket date, sessions_started bigint, sessions_completed bigint, completion_rate numeric,
  average_score numeric, practice_minutes numeric, active_users bigint, new_users bigint, complete boolean
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics
as $$
declare
  v_first date;
  v_last date;
  v_through date := (select materialized_through from analytics.settings);
  v_unstored_from date;
begin
  select min(b.first_day), max(b.last_day) into v_first, v_last from analytics.bucket_span(p_from, p_to, p_granularity) b;
  -- first day of the first week/month not wholly stored (periods are stored
  -- once they end; a stored period without a row had no active user)
  select coalesce(min(b.first_day), v_last + 1) into v_unstored_from
  from analytics.bucket_span(p_from, p_to, p_granularity) b
  where b.last_day > coalesce(v_through, '-infinity');
  return query
  with spans as (select * from analytics.bucket_span(p_from, p_to, p_granularity)),
  activity as (
    select s.bucket, sum(a.sessions_started) as started, sum(a.sessions_completed) as completed,
           sum(a.sessions_finished) as finished, sum(a.practice_seconds) as seconds,
           sum(a.scored_sessions) as scored, sum(a.score_sum) as score_sum
    from analytics.daily_rows(null::analytics.daily_scenario_activity, v_first, v_last) a
    join spans s on s.bucket = date_trunc(p_granularity, a.day::timestamp)::date
    group by s.bucket
  ),
  signups as (
    select s.bucket, sum(n.new_users) as new_users
    from analytics.daily_rows(null::analytics.daily_signups, v_first, v_last) n
    join spans s on s.bucket = date_trunc(p_granularity, n.day::timestamp)::date
    group by s.bucket
  ),
  active as (
    -- days: the stored (or live) dau; weeks and months: the stored distinct
    -- count of a whole period, else distinct users over the period's days
    select d.day as bucket, d.dau::bigint as users
    from analytics.daily_rows(null::analytics.daily_active_users, v_first, v_last) d
    where p_granularity = 'day'
    union all
    select p.period_start, p.active_users::bigint
    from analytics.period_active_users p
    join spans s on s.bucket = p.period_start
    where p.granularity = p_granularity
    union all
    select s.bucket, count(distinct u.user_id)
    from analytics.daily_rows(null::analytics.daily_user_activity, v_unstored_from, v_last) u
    join spans s on s.bucket = date_trunc(p_granularity, u.day::timestamp)::date
    where p_granularity <> 'day' and s.last_day > coalesce(v_through, '-infinity')
    group by s.bucket
  )
  select s.bucket,
         coalesce(a.started, 0)::bigint,
         coalesce(a.completed, 0)::bigint,
         round(a.completed::numeric / nullif(a.finished, 0), 4),
         round(a.score_sum / nullif(a.scored, 0), 2),
         round(coalesce(a.seconds, 0) / 60.0, 2),
         coalesce(u.users, 0)::bigint,
         coalesce(n.new_users, 0)::bigint,
         s.complete
  from spans s
  left join activity a using (bucket)
  left join signups n using (bucket)
  left join active u using (bucket)
  order by s.bucket;
end
$$;
comment on function analytics.session_metrics(date, date, text) is
  'Platform session metrics per bucket (day, week or month) covering p_from .. p_to, zero-filled: sessions started / completed (counts), completion_rate (completed / not in_progress, 0-1, null when none), average_score (mean score_raw of completed scored sessions, 0-500, null when none), practice_minutes (sum of durations), active_users (distinct over the whole bucket), new_users, complete (bucket is over).';

create function analytics.user_activity_metrics(p_user_id uuid, p_from date, p_to date, p_granularity text default 'day')
returns table (
  bucket date, sessions_started bigint, sessions_completed bigint, completion_rate numeric,
  average_score numeric, practice_minutes numeric, complete boolean
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics
as $$
declare
  v_first date;
  v_last date;
begin
  select min(b.first_day), max(b.last_day) into v_first, v_last from analytics.bucket_span(p_from, p_to, p_granularity) b;
  return query
  with spans as (select * from analytics.bucket_span(p_from, p_to, p_granularity)),
  days as (
    select * from analytics.daily_user_activity d
    where d.user_id = p_user_id and d.day between v_first and least(v_last, (select materialized_through from analytics.settings))
    union all
    select * from analytics.compute_daily_user_activity(analytics.live_days(v_first, v_last)) d where d.user_id = p_user_id
  ),
  activity as (
    select s.bucket, sum(d.sessions_started) as started, sum(d.sessions_completed) as completed,
           sum(d.sessions_finished) as finished, sum(d.practice_seconds) as seconds,
           sum(d.scored_sessions) as scored, sum(d.score_sum) as score_sum
    from days d join spans s on s.bucket = date_trunc(p_granularity, d.day::timestamp)::date
    group by s.bucket
  )
  select s.bucket, coalesce(a.started, 0)::bigint, coalesce(a.completed, 0)::bigint,
         round(a.completed::numeric / nullif(a.finished, 0), 4),
         round(a.score_sum / nullif(a.scored, 0), 2),
         round(coalesce(a.seconds, 0) / 60.0, 2),
         s.complete
  from spans s left join activity a using (bucket)
  order by s.bucket;
end
$$;
comment on function analytics.user_activity_metrics(uuid, date, date, text) is
  'One user''s session metrics per bucket covering p_from .. p_to, zero-filled (same meanings as session_metrics). score_progression is this function''s average_score with granularity week.';

create function analytics.strength_areas(p_from date, p_to date, p_user_id uuid default null)
returns table (criterion text, average_score numeric, reports bigint)
language plpgsql stable security definer
set search_path = pg_catalog, analytics
as $$
begin
  if p_user_id is null then
    return query
    select c.criterion, round(sum(c.score_sum) / sum(c.reports), 3), sum(c.reports)::bigint
    from analytics.daily_rows(null::analytics.daily_criteria_scores, p_from, p_to) c
    group by c.criterion
    order by c.criterion;
  else
    -- One user's reports are few and indexed by user: read them directly
    -- rather than keep a per-user, per-criterion rollup nine times the size
    -- of daily_user_activity for a report read one user at a time.
    return query
    select e.key, round(avg(e.value::numeric), 3), count(*)::bigint
    from public.sessions s
    join public.feedback_reports f on f.session_id = s.id,
         jsonb_each(f.criteria_scores) e
    where s.user_id = p_user_id
      and s.started_at >= p_from::timestamp at time zone analytics.reporting_timezone()
      and s.started_at < (p_to + 1)::timestamp at time zone analytics.reporting_timezone()
      and jsonb_typeof(e.value) = 'number'
    group by e.key
    order by e.key;
  end if;
end
$$;
comment on function analytics.strength_areas(date, date, uuid) is
  'Mean score per feedback criterion over the reports of sessions started on p_from .. p_to, platform-wide or for one user: criterion, average_score (criterion''s own scale), reports (count).';

create function analytics.scenario_performance(p_from date, p_to date)
returns table (
  scenario_id uuid, title text, difficulty_level text, usage_count bigint, sessions_completed bigint,
  completion_rate numeric, average_score numeric, average_completion_time numeric
)
language sql stable security definer
set search_path = pg_catalog, analytics
as $$
  select a.scenario_id, sc.title, sc.difficulty_level,
         sum(a.sessions_started)::bigint,
         sum(a.sessions_completed)::bigint,
         round(sum(a.sessions_completed)::numeric / nullif(sum(a.sessions_finished), 0), 4),
         round(sum(a.score_sum) / nullif(sum(a.scored_sessions), 0), 2),
         round(sum(a.completed_seconds)::numeric / nullif(sum(a.completed_timed_sessions), 0), 1)
  from analytics.daily_rows(null::analytics.daily_scenario_activity, p_from, p_to) a
  left join public.scenarios sc on sc.id = a.scenario_id
  group by a.scenario_id, sc.title, sc.difficulty_level
  order by 4 desc, 1
$$;
comment on function analytics.scenario_performance(date, date) is
  'Content metrics per scenario with sessions started on p_from .. p_to, most used first: usage_count (sessions started), sessions_completed, completion_rate (0-1), average_score (0-500), average_completion_time (mean duration of completed sessions, seconds), title and difficulty_level.';

create function analytics.time_distribution(p_from date, p_to date, p_scenario_id uuid default null)
returns table (from_minutes integer, to_minutes integer, sessions bigint)
language sql stable security definer
set search_path = pg_catalog, analytics
as $$
  select d.bin_start_minutes, d.bin_start_minutes + 5, sum(d.sessions)::bigint
  from analytics.daily_rows(null::analytics.daily_session_durations, p_from, p_to) d
  where p_scenario_id is null or d.scenario_id = p_scenario_id
  group by d.bin_start_minutes
  order by 1
$$;
comment on function analytics.time_distribution(date, date, uuid) is
  'Histogram of completed sessions'' durations (5-minute bins, [from_minutes, to_minutes)) for sessions started on p_from .. p_to, optionally for one scenario; empty bins are omitted.';

create function analytics.usage_patterns(p_from date, p_to date)
returns table (weekday integer, hour integer, sessions bigint)
language sql stable security definer
set search_path = pg_catalog, analytics
as $$
  select w, h, coalesce(sum(x.sessions_started), 0)::bigint
  from generate_series(1, 7) w
  cross join generate_series(0, 23) h
  left join analytics.daily_rows(null::analytics.hourly_sessions, p_from, p_to) x
    on extract(isodow from x.day)::integer = w and x.hour = h
  group by w, h
  order by w, h
$$;
comment on function analytics.usage_patterns(date, date) is
  'Sessions started on p_from .. p_to per ISO weekday (1 = Monday .. 7 = Sunday) and local hour (0-23), all 168 cells.';

create function analytics.active_users(p_from date, p_to date)
returns table (day date, dau integer, wau integer, mau integer, stickiness numeric)
language sql stable security definer
set search_path = pg_catalog, analytics
as $$
  select g::date, coalesce(d.dau, 0), coalesce(d.wau, 0), coalesce(d.mau, 0),
         round(d.dau::numeric / nullif(d.mau, 0), 4)
  from generate_series(p_from, p_to, interval '1 day') g
  left join analytics.daily_rows(null::analytics.daily_active_users, p_from, p_to) d on d.day = g::date
  order by 1
$$;
comment on function analytics.active_users(date, date) is
  'Per local day of p_from .. p_to, zero-filled: dau (distinct users that day), wau (over d-6 .. d), mau (over d-29 .. d), stickiness = dau / mau (0-1, null when mau is 0).';

create function analytics.retention(p_from date, p_to date)
returns table (cohort date, cohort_size bigint, week_offset integer, retained bigint, rate numeric)
language plpgsql stable security definer
set search_path = pg_catalog, analytics
as $$
declare
  v_first_week date := date_trunc('week', p_from::timestamp)::date;
  v_last_week date := date_trunc('week', p_to::timestamp)::date;
  -- weeks with days not stored yet: their cells are computed live
  v_live_weeks date[] := array(
    select distinct date_trunc('week', d::timestamp)::date from unnest(analytics.live_days(v_first_week, v_last_week + 6)) d);
begin
  return query
  with cohorts as (
    select date_trunc('week', n.day::timestamp)::date as cohort, sum(n.new_users)::bigint as size
    from analytics.daily_rows(null::analytics.daily_signups, v_first_week, v_last_week + 6) n
    group by 1
  ),
  cells as (
    select c.cohort, c.size, k as week_offset
    from cohorts c, generate_series(0, (v_last_week - c.cohort) / 7) k
  ),
  retained as (
    select r.cohort_week, r.week_offset, r.retained from analytics.weekly_retention r
    where r.cohort_week between v_first_week and v_last_week
      and not (r.cohort_week + r.week_offset * 7 = any(v_live_weeks))
    union all
    select r.cohort_week, r.week_offset, r.retained
    from analytics.compute_weekly_retention('{}', v_live_weeks, (now() at time zone analytics.reporting_timezone())::date) r
    where r.cohort_week between v_first_week and v_last_week
  )
  select c.cohort, c.size, c.week_offset, coalesce(r.retained, 0)::bigint,
         round(coalesce(r.retained, 0)::numeric / nullif(c.size, 0), 4)
  from cells c
  left join retained r on r.cohort_week = c.cohort and r.week_offset = c.week_offset
  order by 1, 3;
end
$$;
comment on function analytics.retention(date, date) is
  'Signup-week cohorts of the ISO weeks containing p_from .. p_to (whole weeks): for every offset up to the week of p_to, retained = cohort users with a session in week cohort + offset, rate = retained / cohort_size (0-1). Weeks with days not stored yet are computed live.';

create function analytics.subscription_metrics(p_from date, p_to date)
returns table (
  bucket date, active_subscribers integer, new_subscribers integer, churned_subscribers integer,
  mrr_cents numeric, churn_rate numeric, trial_conversion numeric, complete boolean
)
language sql stable security definer
set search_path = pg_catalog, analytics
as $$
  with months as (select * from analytics.bucket_span(p_from, p_to, 'month')),
  monthly as (
    -- stored months (a month without a row had no subscription activity)
    select m.* from analytics.monthly_subscriptions m
    join months b on b.bucket = m.month_start
    where b.last_day <= (select materialized_through from analytics.settings)
    union all
    select c.* from analytics.compute_monthly_subscriptions(array(
      select b.bucket from months b
      where b.last_day > coalesce((select materialized_through from analytics.settings), '-infinity'))) c
  )
  select b.bucket, coalesce(r.active_subscribers, 0), coalesce(r.new_subscribers, 0), coalesce(r.churned_subscribers, 0),
         round(coalesce(r.mrr_cents, 0), 2),
         round(r.churned_subscribers::numeric / nullif(r.paying_at_start, 0), 4),
         round(r.trials_converted::numeric / nullif(r.trials_ending, 0), 4),
         b.complete
  from months b
  left join monthly r on r.month_start = b.bucket
  order by 1
$$;
comment on function analytics.subscription_metrics(date, date) is
  'Per calendar month covering p_from .. p_to: active_subscribers, new_subscribers, churned_subscribers, mrr_cents (monthly recurring revenue, cents), churn_rate = churned / paying at month start (0-1), trial_conversion = converted / trials ending (0-1); months not stored yet (the current one) are computed live.';

create view analytics.scenarios as
select id as scenario_id, title, profession, difficulty_level from public.scenarios;
comment on view analytics.scenarios is 'The platform''s scenarios (no personal data), for joining scenario ids in reports to titles.';
comment on column analytics.scenarios.scenario_id is 'platform scenarios.id';
comment on column analytics.scenarios.title is 'Scenario title.';
comment on column analytics.scenarios.profession is 'Profession the scenario is written for.';
comment on column analytics.scenarios.difficulty_level is 'Difficulty level as the platform names it.';
