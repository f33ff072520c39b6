create or replace view analytics.platform_periods as
select p.granularity, p.period_start, p.period_end,
       coalesce(a.sessions_started, 0)::bigint as sessions_started,
       coalesce(a.sessions_completed, 0)::bigint as sessions_completed,
       coalesce(a.sessions_finished, 0)::bigint as sessions_finished,
       round(a.sessions_completed::numeric / nullif(a.sessions_finished, 0), 4) as completion_rate,
       coalesce(a.scored_sessions, 0)::bigint as scored_sessions,
       coalesce(a.score_sum, 0) as score_sum,
       round(a.score_sum / nullif(a.scored_sessions, 0), 2) as average_score,
       coalesce(a.practice_seconds, 0)::bigint as practice_seconds,
       round(coalesce(a.practice_seconds, 0) / 60.0, 2) as practice_minutes,
       coalesce(u.active_users, 0)::bigint as active_users,
       coalesce(n.new_users, 0)::bigint as new_users
from analytics.report_periods p
left join lateral (
  select sum(s.sessions_started) as sessions_started, sum(s.sessions_completed) as sessions_completed,
         sum(s.sessions_finished) as sessions_finished, sum(s.scored_sessions) as scored_sessions,
         sum(s.score_sum) as score_sum, sum(s.practice_seconds) as practice_seconds
  from analytics.daily_scenario_activity s
  where s.day between p.period_start and p.period_end
) a on true
left join lateral (
  select sum(g.new_users) as new_users from analytics.daily_signups g where g.day between p.period_start and p.period_end
) n on true
-- a finished period without a row had no active user
left join analytics.period_active_users u on u.granularity = p.granularity and u.period_start = p.period_start
where p.granularity in ('week', 'month');
comment on view analytics.platform_periods is
  'Platform metrics per finished ISO week and calendar month (granularity week or month): the body of analytics_report.platform_weekly and platform_monthly.';
comment on column analytics.platform_periods.granularity is
  'week (ISO, Monday to Sunday) or month (platform_periods reads the weeks and months of report_periods).';
comment on column analytics.platform_periods.period_start is
  'First local day of the period.';
comment on column analytics.platform_periods.period_end is
  'Last local day of the period.';
comment on column analytics.platform_periods.sessions_started is
  'Sessions started in the row''s period, any status (count).';
comment on column analytics.platform_periods.sessions_completed is
  'Of the sessions started in the row''s period, those completed (count): completion_rate''s numerator.';
comment on column analytics.platform_periods.sessions_finished is
  'Of the sessions started in the row''s period, those no longer in_progress (count): completion_rate''s denominator.';
comment on column analytics.platform_periods.completion_rate is
  'sessions_completed / sessions_finished (0-1, 4 decimals); null when sessions_finished is 0.';
comment on column analytics.platform_periods.scored_sessions is
  'Completed sessions with a feedback report (count): average_score''s denominator.';
comment on column analytics.platform_periods.score_sum is
  'Sum of score_raw (0-500 scale) over scored_sessions: average_score''s numerator.';
comment on column analytics.platform_periods.average_score is
  'score_sum / scored_sessions: mean overall score (0-500, 2 decimals); null when scored_sessions is 0.';
comment on column analytics.platform_periods.practice_seconds is
  'Summed duration_seconds of the sessions started in the row''s period (seconds).';
comment on column analytics.platform_periods.practice_minutes is
  'practice_seconds / 60 (minutes, 2 decimals).';
comment on column analytics.platform_periods.active_users is
  'Distinct users who started a session in the row''s period (count; exact, never a sum of days).';
comment on column analytics.platform_periods.new_users is
  'Users created in the row''s period, deleted ones included (count).';
grant select on analytics.platform_periods to analytics_reader;
