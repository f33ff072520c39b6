-- Each platform user's latest snapshot by one backward probe of the
-- snapshots' (user_id, snapshot_date) key: every user costs a few pages
-- instead of reading every snapshot, and a filter on user_id reaches the
-- users' primary key. Only users.id is read from the platform table.
create or replace view analytics_report.user_progress as
select u.id as user_id, s.snapshot_date as as_of, s.sessions_completed, s.scored_sessions, s.score_sum,
       round(s.score_sum / nullif(s.scored_sessions, 0), 2) as average_score,
       s.practice_seconds, s.total_practice_time, s.last_active
from public.users u
cross join lateral (
  select * from analytics.user_progress_snapshots p
  where p.user_id = u.id
  order by p.snapshot_date desc
  limit 1
) s;
comment on view analytics_report.user_progress is
  'Spec 1.1 user progress: each learner''s latest stored snapshot (analytics.user_progress_snapshots), cumulative over every stored day up to as_of, the last day they started a session.';
comment on column analytics_report.user_progress.user_id is
  'The learner (platform users.id); no other user attribute is exposed.';
comment on column analytics_report.user_progress.as_of is
  'Local day of the snapshot: the last stored day on which the learner started a session.';
comment on column analytics_report.user_progress.sessions_completed is
  'Completed sessions up to as_of (count, cumulative).';
comment on column analytics_report.user_progress.scored_sessions is
  'Completed, scored sessions up to as_of (count, cumulative): average_score''s denominator.';
comment on column analytics_report.user_progress.score_sum is
  'Sum of score_raw (0-500) of those sessions: average_score''s numerator.';
comment on column analytics_report.user_progress.average_score is
  'score_sum / scored_sessions: mean score_raw (0-500, 2 decimals) of completed, scored sessions up to as_of; null when none.';
comment on column analytics_report.user_progress.practice_seconds is
  'Summed duration_seconds of sessions up to as_of (seconds, cumulative).';
comment on column analytics_report.user_progress.total_practice_time is
  'practice_seconds in whole minutes (rounded), as the platform''s user_progress_snapshots holds it.';
comment on column analytics_report.user_progress.last_active is
  'Latest started_at / ended_at of the learner''s sessions up to as_of.';
grant select on analytics_report.user_progress to analytics_reader;
