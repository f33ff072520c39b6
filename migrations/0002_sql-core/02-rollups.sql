-- Rollup tables: sums and counts per bucket, never averages, so any range
-- can be summed and its means and rates derived when read. Each is
-- maintained only by analytics.refresh_pending() and holds local days up to
-- settings.materialized_through.

create table analytics.daily_user_activity (
  day                 date    not null,
  user_id             uuid    not null,
  sessions_started    integer not null,
  sessions_completed  integer not null,
  sessions_finished   integer not null,
  practice_seconds    bigint  not null,
  scored_sessions     integer not null,
  score_sum           numeric not null,
  last_active_at      timestamptz not null,
  primary key (day, user_id)
);
create index daily_user_activity_user_id_day_idx on analytics.daily_user_activity (user_id, day);
comment on table analytics.daily_user_activity is
  'One row per user per local day on which the user started at least one session. Grain: (day, user_id). Basis of per-user metrics, active users and progress snapshots.';
comment on column analytics.daily_user_activity.day is 'Local calendar day (reporting time zone) the sessions started on.';
comment on column analytics.daily_user_activity.user_id is 'The user (platform users.id); no other user attribute is stored.';
comment on column analytics.daily_user_activity.sessions_started is 'Sessions started that day, any status (count).';
comment on column analytics.daily_user_activity.sessions_completed is 'Of those, sessions with completion_status = completed (count).';
comment on column analytics.daily_user_activity.sessions_finished is 'Of those, sessions no longer in_progress: the completion-rate denominator (count).';
comment on column analytics.daily_user_activity.practice_seconds is 'Sum of duration_seconds of those sessions (seconds).';
comment on column analytics.daily_user_activity.scored_sessions is 'Completed sessions that have a feedback report (count): the average-score denominator.';
comment on column analytics.daily_user_activity.score_sum is 'Sum of score_raw (0-500 scale) over scored_sessions.';
comment on column analytics.daily_user_activity.last_active_at is 'Latest of started_at / ended_at among that day''s sessions.';

create table analytics.daily_scenario_activity (
  day                        date    not null,
  scenario_id                uuid    not null,
  sessions_started           integer not null,
  sessions_completed         integer not null,
  sessions_finished          integer not null,
  practice_seconds           bigint  not null,
  completed_seconds          bigint  not null,
  completed_timed_sessions   integer not null,
  scored_sessions            integer not null,
  score_sum                  numeric not null,
  primary key (day, scenario_id)
);
comment on table analytics.daily_scenario_activity is
  'One row per scenario per local day with at least one session started. Grain: (day, scenario_id). Basis of platform session metrics (summed over scenarios) and content metrics.';
comment on column analytics.daily_scenario_activity.day is 'Local calendar day (reporting time zone) the sessions started on.';
comment on column analytics.daily_scenario_activity.scenario_id is 'The scenario (platform scenarios.id).';
comment on column analytics.daily_scenario_activity.sessions_started is 'Sessions started, any status (count): the scenario''s usage_count.';
comment on column analytics.daily_scenario_activity.sessions_completed is 'Sessions with completion_status = completed (count).';
comment on column analytics.daily_scenario_activity.sessions_finished is 'Sessions no longer in_progress: the completion-rate denominator (count).';
comment on column analytics.daily_scenario_activity.practice_seconds is 'Sum of duration_seconds of all the sessions (seconds).';
comment on column analytics.daily_scenario_activity.completed_seconds is 'Sum of duration_seconds of completed sessions (seconds): numerator of average_completion_time.';
comment on column analytics.daily_scenario_activity.completed_timed_sessions is 'Completed sessions with a duration (count): denominator of average_completion_time.';
comment on column analytics.daily_scenario_activity.scored_sessions is 'Completed sessions with a feedback report (count).';
comment on column analytics.daily_scenario_activity.score_sum is 'Sum of score_raw (0-500) over scored_sessions.';

create table analytics.daily_session_durations (
  day                  date     not null,
  scenario_id          uuid     not null,
  bin_start_minutes    integer  not null,
  sessions             integer  not null,
  primary key (day, scenario_id, bin_start_minutes)
);
comment on table analytics.daily_session_durations is
  'Histogram of completed sessions'' durations in 5-minute bins. Grain: (day, scenario_id, bin). A session of d seconds falls in bin floor(d / 300) * 5.';
comment on column analytics.daily_session_durations.day is 'Local calendar day the sessions started on.';
comment on column analytics.daily_session_durations.scenario_id is 'The scenario (platform scenarios.id).';
comment on column analytics.daily_session_durations.bin_start_minutes is 'Lower bound of the bin in minutes (inclusive); the bin ends 5 minutes later (exclusive).';
comment on column analytics.daily_session_durations.sessions is 'Completed sessions with a duration in the bin (count).';

create table analytics.hourly_sessions (
  day               date     not null,
  hour              smallint not null constraint hourly_sessions_hour_check check (hour between 0 and 23),
  sessions_started  integer  not null,
  primary key (day, hour)
);
comment on table analytics.hourly_sessions is
  'Sessions started per local day and local hour of day. Grain: (day, hour). Basis of usage patterns (ISO weekday x hour).';
comment on column analytics.hourly_sessions.day is 'Local calendar day the sessions started on.';
comment on column analytics.hourly_sessions.hour is 'Local hour of day, 0-23 (on a DST fall-back day the repeated hour counts both).';
comment on column analytics.hourly_sessions.sessions_started is 'Sessions started in that hour, any status (count).';

create table analytics.daily_criteria_scores (
  day        date    not null,
  criterion  text    not null,
  reports    integer not null,
  score_sum  numeric not null,
  primary key (day, criterion)
);
comment on table analytics.daily_criteria_scores is
  'Platform-wide feedback criteria per local day (strength areas). Grain: (day, criterion).';
comment on column analytics.daily_criteria_scores.day is 'Local calendar day the reports'' sessions started on.';
comment on column analytics.daily_criteria_scores.criterion is 'Key of feedback_reports.criteria_scores, e.g. fluency.';
comment on column analytics.daily_criteria_scores.reports is 'Reports that score the criterion (count).';
comment on column analytics.daily_criteria_scores.score_sum is 'Sum of the criterion''s scores over those reports (criterion''s own scale).';

create table analytics.daily_signups (
  day        date    not null primary key,
  new_users  integer not null
);
comment on table analytics.daily_signups is 'Users created per local day, deleted users included. Grain: day.';
comment on column analytics.daily_signups.day is 'Local calendar day of users.created_at.';
comment on column analytics.daily_signups.new_users is 'Users created that day (count).';

create table analytics.daily_active_users (
  day  date    not null primary key,
  dau  integer not null,
  wau  integer not null,
  mau  integer not null
);
comment on table analytics.daily_active_users is
  'Rolling distinct active users for every local day up to materialized_through. A user is active on a day when they started a session that day.';
comment on column analytics.daily_active_users.day is 'Local calendar day d.';
comment on column analytics.daily_active_users.dau is 'Distinct users active on d (count).';
comment on column analytics.daily_active_users.wau is 'Distinct users active on d-6 .. d (count).';
comment on column analytics.daily_active_users.mau is 'Distinct users active on d-29 .. d (count).';

create table analytics.period_active_users (
  granularity   text    not null constraint period_active_users_granularity_check check (granularity in ('week', 'month')),
  period_start  date    not null,
  active_users  integer not null,
  primary key (granularity, period_start)
);
comment on table analytics.period_active_users is
  'Distinct active users over whole ISO weeks and calendar months (never a sum of days); complete periods only.';
comment on column analytics.period_active_users.granularity is 'week (ISO, Monday to Sunday) or month.';
comment on column analytics.period_active_users.period_start is 'First local day of the period (a Monday, or the 1st).';
comment on column analytics.period_active_users.active_users is 'Distinct users who started a session in the period (count).';

create table analytics.weekly_retention (
  cohort_week  date    not null,
  week_offset  integer not null constraint weekly_retention_offset_check check (week_offset >= 0),
  retained     integer not null,
  primary key (cohort_week, week_offset)
);
comment on table analytics.weekly_retention is
  'Signup-week cohorts: how many of a cohort''s users started a session in week cohort_week + week_offset. Cohort sizes come from daily_signups.';
comment on column analytics.weekly_retention.cohort_week is 'Monday of the ISO week (local) in which the cohort''s users were created.';
comment on column analytics.weekly_retention.week_offset is 'Weeks after the cohort week, 0 = the signup week itself.';
comment on column analytics.weekly_retention.retained is 'Cohort users with at least one session started in that week (count).';

create table analytics.monthly_subscriptions (
  month_start          date    not null primary key,
  active_subscribers   integer not null,
  new_subscribers      integer not null,
  churned_subscribers  integer not null,
  mrr_cents            numeric not null,
  paying_at_start      integer not null,
  trials_ending        integer not null,
  trials_converted     integer not null
);
comment on table analytics.monthly_subscriptions is
  'Subscription metrics per complete local calendar month, derived from subscription timestamps only (never from status), so history is reproducible. Paid period starts at coalesce(trial_ends_at, started_at); a subscription is paying at instant T when paid start <= T < coalesce(ended_at, infinity).';
comment on column analytics.monthly_subscriptions.month_start is 'First local day of the month.';
comment on column analytics.monthly_subscriptions.active_subscribers is 'Subscriptions paying at the first instant of the next month (count).';
comment on column analytics.monthly_subscriptions.new_subscribers is 'Subscriptions whose paid start falls in the month and that are paying at that start (count).';
comment on column analytics.monthly_subscriptions.churned_subscribers is 'Subscriptions whose ended_at falls in the month, after their paid start (count).';
comment on column analytics.monthly_subscriptions.mrr_cents is 'Monthly recurring revenue of active_subscribers: amount_cents normalised to one month (quarter / 3, year / 12), in cents (exact, may have a fraction). Assumes one currency.';
comment on column analytics.monthly_subscriptions.paying_at_start is 'Subscriptions paying at the first instant of the month (count): the churn-rate denominator.';
comment on column analytics.monthly_subscriptions.trials_ending is 'Subscriptions whose trial_ends_at falls in the month (count).';
comment on column analytics.monthly_subscriptions.trials_converted is 'Of those, subscriptions with ended_at null or after trial_ends_at (count).';

create table analytics.user_progress_snapshots (
  user_id              uuid        not null,
  snapshot_date        date        not null,
  sessions_completed   integer     not null,
  average_score        numeric,
  total_practice_time  integer     not null,
  last_active          timestamptz not null,
  scored_sessions      integer     not null,
  score_sum            numeric     not null,
  practice_seconds     bigint      not null,
  primary key (user_id, snapshot_date)
);
comment on table analytics.user_progress_snapshots is
  'Spec 2.1 daily aggregation: one row per user per local day on which the user started a session, cumulative as of the end of that day.';
comment on column analytics.user_progress_snapshots.user_id is 'The user (platform users.id).';
comment on column analytics.user_progress_snapshots.snapshot_date is 'Local calendar day of the snapshot.';
comment on column analytics.user_progress_snapshots.sessions_completed is 'Completed sessions started up to and including that day (count).';
comment on column analytics.user_progress_snapshots.average_score is 'Mean score_raw (0-500) of completed, scored sessions up to that day; null when none.';
comment on column analytics.user_progress_snapshots.total_practice_time is 'Sum of duration_seconds of sessions up to that day, in whole minutes (rounded).';
comment on column analytics.user_progress_snapshots.last_active is 'Latest started_at / ended_at of the user''s sessions up to that day.';
comment on column analytics.user_progress_snapshots.scored_sessions is 'Completed, scored sessions up to that day (count): average_score''s denominator, kept so the next day''s snapshot continues from this one exactly.';
comment on column analytics.user_progress_snapshots.score_sum is 'Sum of score_raw of those sessions: average_score''s numerator.';
comment on column analytics.user_progress_snapshots.practice_seconds is 'Sum of duration_seconds up to that day (seconds, exact): total_practice_time before rounding.';

create table analytics.analytics_aggregates (
  id           uuid        primary key default gen_random_uuid(),
  metric_type  varchar(50) not null,
  time_bucket  timestamp   not null,
  dimension    text        not null default '',
  data         jsonb       not null,
  created_at   timestamp   not null default (now() at time zone 'UTC'),
  constraint analytics_aggregates_metric_bucket_dimension_key unique (metric_type, time_bucket, dimension)
);
comment on table analytics.analytics_aggregates is
  'Spec 3.2 record of every scheduled aggregation''s output (sums and counts as JSON), one row per metric type, bucket and dimension; rewritten when the bucket is recomputed.';
comment on column analytics.analytics_aggregates.id is 'Row id.';
comment on column analytics.analytics_aggregates.metric_type is 'daily_activity (per day), weekly_content (per ISO week and scenario), monthly_business (per month).';
comment on column analytics.analytics_aggregates.time_bucket is 'Start of the bucket as local wall-clock time in the reporting zone (midnight of its first day).';
comment on column analytics.analytics_aggregates.dimension is 'The bucket''s dimension value (scenario id for weekly_content), empty for platform-wide rows.';
comment on column analytics.analytics_aggregates.data is 'The bucket''s sums and counts; the keys are documented in the README catalogue.';
comment on column analytics.analytics_aggregates.created_at is 'When this output was recorded (UTC).';

create function analytics.clear_rollups()
returns void
language sql
set search_path = pg_catalog, analytics
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
