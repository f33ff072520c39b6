create or replace view analytics_report.user_daily as
select u.day, u.user_id,
       u.sessions_started, u.sessions_completed, u.sessions_finished,
       round(u.sessions_completed::numeric / nullif(u.sessions_finished, 0), 4) as completion_rate,
       u.scored_sessions, u.score_sum,
       round(u.score_sum / nullif(u.scored_sessions, 0), 2) as average_score,
       u.practice_seconds,
       round(u.practice_seconds / 60.0, 2) as practice_minutes,
       u.last_active_at
from analytics.daily_user_activity u;
comment on view analytics_report.user_daily is
  'One learner''s session metrics per local day on which they started a session (no row: no session). Mirrors analytics.user_activity_metrics(user_id, day, day).';
comment on column analytics_report.user_daily.day is
  'Local calendar day (reporting time zone, analytics.settings) the sessions started on.';
comment on column analytics_report.user_daily.user_id is
  'The learner (platform users.id); no other user attribute is exposed.';
comment on column analytics_report.user_daily.sessions_started is
  'Sessions started in the row''s period, any status (count).';
comment on column analytics_report.user_daily.sessions_completed is
  'Of the sessions started in the row''s period, those completed (count): completion_rate''s numerator.';
comment on column analytics_report.user_daily.sessions_finished is
  'Of the sessions started in the row''s period, those no longer in_progress (count): completion_rate''s denominator.';
comment on column analytics_report.user_daily.completion_rate is
  'sessions_completed / sessions_finished (0-1, 4 decimals); null when sessions_finished is 0.';
comment on column analytics_report.user_daily.scored_sessions is
  'Completed sessions with a feedback report (count): average_score''s denominator.';
comment on column analytics_report.user_daily.score_sum is
  'Sum of score_raw (0-500 scale) over scored_sessions: average_score''s numerator.';
comment on column analytics_report.user_daily.average_score is
  'score_sum / scored_sessions: mean overall score (0-500, 2 decimals); null when scored_sessions is 0.';
comment on column analytics_report.user_daily.practice_seconds is
  'Summed duration_seconds of the sessions started in the row''s period (seconds).';
comment on column analytics_report.user_daily.practice_minutes is
  'practice_seconds / 60 (minutes, 2 decimals).';
comment on column analytics_report.user_daily.last_active_at is
  'Latest started_at / ended_at of that day''s sessions.';
grant select on analytics_report.user_daily to analytics_reader;
