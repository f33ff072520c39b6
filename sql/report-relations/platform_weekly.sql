create or replace view analytics_report.platform_weekly as
select p.period_start as week_start, p.period_end as week_end,
       p.sessions_started, p.sessions_completed, p.sessions_finished, p.completion_rate,
       p.scored_sessions, p.score_sum, p.average_score, p.practice_seconds, p.practice_minutes,
       p.active_users, p.new_users
from analytics.platform_periods p
where p.granularity = 'week';
comment on view analytics_report.platform_weekly is
  'Platform metrics per finished ISO week (Monday to Sunday, local), zero-filled from the week of the first stored day. active_users is distinct over the whole week, never a sum of days. Mirrors analytics.session_metrics(…, ''week'').';
comment on column analytics_report.platform_weekly.week_start is
  'Monday of the ISO week (local).';
comment on column analytics_report.platform_weekly.week_end is
  'Sunday of the ISO week (local).';
comment on column analytics_report.platform_weekly.sessions_started is
  'Sessions started in the row''s period, any status (count).';
comment on column analytics_report.platform_weekly.sessions_completed is
  'Of the sessions started in the row''s period, those completed (count): completion_rate''s numerator.';
comment on column analytics_report.platform_weekly.sessions_finished is
  'Of the sessions started in the row''s period, those no longer in_progress (count): completion_rate''s denominator.';
comment on column analytics_report.platform_weekly.completion_rate is
  'sessions_completed / sessions_finished (0-1, 4 decimals); null when sessions_finished is 0.';
comment on column analytics_report.platform_weekly.scored_sessions is
  'Completed sessions with a feedback report (count): average_score''s denominator.';
comment on column analytics_report.platform_weekly.score_sum is
  'Sum of score_raw (0-500 scale) over scored_sessions: average_score''s numerator.';
comment on column analytics_report.platform_weekly.average_score is
  'score_sum / scored_sessions: mean overall score (0-500, 2 decimals); null when scored_sessions is 0.';
comment on column analytics_report.platform_weekly.practice_seconds is
  'Summed duration_seconds of the sessions started in the row''s period (seconds).';
comment on column analytics_report.platform_weekly.practice_minutes is
  'practice_seconds / 60 (minutes, 2 decimals).';
comment on column analytics_report.platform_weekly.active_users is
  'Distinct users who started a session in the row''s period (count; exact, never a sum of days).';
comment on column analytics_report.platform_weekly.new_users is
  'Users created in the row''s period, deleted ones included (count).';
grant select on analytics_report.platform_weekly to analytics_reader;
