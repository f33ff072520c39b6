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
comment on column analytics.daily_user_activity.day is
  'Local calendar day (reporting time zone) the sessions started on.';
comment on column analytics.daily_user_activity.user_id is
  'The user (platform users.id); no other user attribute is stored.';
comment on column analytics.daily_user_activity.sessions_started is
  'Sessions started that day, any status (count).';
comment on column analytics.daily_user_activity.sessions_completed is
  'Of those, sessions with completion_status = completed (count).';
comment on column analytics.daily_user_activity.sessions_finished is
  'Of those, sessions no longer in_progress: the completion-rate denominator (count).';
comment on column analytics.daily_user_activity.practice_seconds is
  'Sum of duration_seconds of those sessions (seconds).';
comment on column analytics.daily_user_activity.scored_sessions is
  'Completed sessions that have a feedback report (count): the average-score denominator.';
comment on column analytics.daily_user_activity.score_sum is
  'Sum of score_raw (0-500 scale) over scored_sessions.';
comment on column analytics.daily_user_activity.last_active_at is
  'Latest of started_at / ended_at among that day''s sessions.';
grant select on analytics.daily_user_activity to analytics_reader;
