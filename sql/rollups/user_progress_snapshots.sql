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
comment on column analytics.user_progress_snapshots.user_id is
  'The user (platform users.id).';
comment on column analytics.user_progress_snapshots.snapshot_date is
  'Local calendar day of the snapshot.';
comment on column analytics.user_progress_snapshots.sessions_completed is
  'Completed sessions started up to and including that day (count).';
comment on column analytics.user_progress_snapshots.average_score is
  'Mean score_raw (0-500) of completed, scored sessions up to that day; null when none.';
comment on column analytics.user_progress_snapshots.total_practice_time is
  'Sum of duration_seconds of sessions up to that day, in whole minutes (rounded).';
comment on column analytics.user_progress_snapshots.last_active is
  'Latest started_at / ended_at of the user''s sessions up to that day.';
comment on column analytics.user_progress_snapshots.scored_sessions is
  'Completed, scored sessions up to that day (count): average_score''s denominator, kept so the next day''s snapshot continues from this one exactly.';
comment on column analytics.user_progress_snapshots.score_sum is
  'Sum of score_raw of those sessions: average_score''s numerator.';
comment on column analytics.user_progress_snapshots.practice_seconds is
  'Sum of duration_seconds up to that day (seconds, exact): total_practice_time before rounding.';
grant select on analytics.user_progress_snapshots to analytics_reader;
