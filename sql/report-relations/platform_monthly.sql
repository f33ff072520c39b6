create or replace view analytics_report.platform_monthly as
select p.period_start as month_start, p.period_end as month_end,
       p.sessions_started, p.sessions_completed, p.sessions_finished, p.completion_rate,
       p.scored_sessions, p.score_sum, p.average_score, p.practice_seconds, p.practice_minutes,
       p.active_users, p.new_users
from analytics.platform_periods p
where p.granularity = 'month';
comment on view analytics_report.platform_monthly is
  'Platform metrics per finished calendar month (local), zero-filled from the month of the first stored day. active_users is distinct over the whole month. Mirrors analytics.session_metrics(…, ''month'').';
comment on column analytics_report.platform_monthly.month_start is
  'First local day of the calendar month.';
comment on column analytics_report.platform_monthly.month_end is
  'Last local day of the calendar month.';
comment on column analytics_report.platform_monthly.sessions_started is
  'Sessions started in the row''s period, any status (count).';
comment on column analytics_report.platform_monthly.sessions_completed is
  'Of the sessions started in the row''s period, those completed (count): completion_rate''s numerator.';
comment on column analytics_report.platform_monthly.sessions_finished is
  'Of the sessions started in the row''s period, those no longer in_progress (count): completion_rate''s denominator.';
comment on column analytics_report.platform_monthly.completion_rate is
  'sessions_completed / sessions_finished (0-1, 4 decimals); null when sessions_finished is 0.';
comment on column analytics_report.platform_monthly.scored_sessions is
  'Completed sessions with a feedback report (count): average_score''s denominator.';
comment on column analytics_report.platform_monthly.score_sum is
  'Sum of score_raw (0-500 scale) over scored_sessions: average_score''s numerator.';
comment on column analytics_report.platform_monthly.average_score is
  'score_sum / scored_sessions: mean overall score (0-500, 2 decimals); null when scored_sessions is 0.';
comment on column analytics_report.platform_monthly.practice_seconds is
  'Summed duration_seconds of the sessions started in the row''s period (seconds).';
comment on column analytics_report.platform_monthly.practice_minutes is
  'practice_seconds / 60 (minutes, 2 decimals).';
comment on column analytics_report.platform_monthly.active_users is
  'Distinct users who started a session in the row''s period (count; exact, never a sum of days).';
comment on column analytics_report.platform_monthly.new_users is
  'Users created in the row''s period, deleted ones included (count).';
grant select on analytics_report.platform_monthly to analytics_reader;
