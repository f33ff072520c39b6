create or replace view analytics_report.scenario_daily as
select a.day, a.scenario_id, sc.title, sc.profession, sc.difficulty_level,
       a.sessions_started as usage_count,
       a.sessions_completed, a.sessions_finished,
       round(a.sessions_completed::numeric / nullif(a.sessions_finished, 0), 4) as completion_rate,
       a.scored_sessions, a.score_sum,
       round(a.score_sum / nullif(a.scored_sessions, 0), 2) as average_score,
       a.completed_seconds, a.completed_timed_sessions,
       round(a.completed_seconds::numeric / nullif(a.completed_timed_sessions, 0), 1) as average_completion_time,
       a.practice_seconds
from analytics.daily_scenario_activity a
left join analytics.scenarios sc on sc.scenario_id = a.scenario_id;
comment on view analytics_report.scenario_daily is
  'Content metrics per local day and scenario with at least one session started that day (no row: no session). Mirrors analytics.scenario_performance(day, day).';
comment on column analytics_report.scenario_daily.day is
  'Local calendar day (reporting time zone, analytics.settings) the sessions started on.';
comment on column analytics_report.scenario_daily.scenario_id is
  'The scenario (platform scenarios.id).';
comment on column analytics_report.scenario_daily.title is
  'Scenario title.';
comment on column analytics_report.scenario_daily.profession is
  'Profession the scenario is written for.';
comment on column analytics_report.scenario_daily.difficulty_level is
  'Scenario difficulty level as the platform names it.';
comment on column analytics_report.scenario_daily.usage_count is
  'Sessions of the scenario started in the row''s period, any status (count).';
comment on column analytics_report.scenario_daily.sessions_completed is
  'Of the sessions started in the row''s period, those completed (count): completion_rate''s numerator.';
comment on column analytics_report.scenario_daily.sessions_finished is
  'Of the sessions started in the row''s period, those no longer in_progress (count): completion_rate''s denominator.';
comment on column analytics_report.scenario_daily.completion_rate is
  'sessions_completed / sessions_finished (0-1, 4 decimals); null when sessions_finished is 0.';
comment on column analytics_report.scenario_daily.scored_sessions is
  'Completed sessions with a feedback report (count): average_score''s denominator.';
comment on column analytics_report.scenario_daily.score_sum is
  'Sum of score_raw (0-500 scale) over scored_sessions: average_score''s numerator.';
comment on column analytics_report.scenario_daily.average_score is
  'score_sum / scored_sessions: mean overall score (0-500, 2 decimals); null when scored_sessions is 0.';
comment on column analytics_report.scenario_daily.completed_seconds is
  'Summed duration_seconds of completed sessions (seconds): average_completion_time''s numerator.';
comment on column analytics_report.scenario_daily.completed_timed_sessions is
  'Completed sessions with a duration (count): average_completion_time''s denominator.';
comment on column analytics_report.scenario_daily.average_completion_time is
  'completed_seconds / completed_timed_sessions: mean duration of completed sessions (seconds, 1 decimal); null when none.';
comment on column analytics_report.scenario_daily.practice_seconds is
  'Summed duration_seconds of the sessions started in the row''s period (seconds).';
grant select on analytics_report.scenario_daily to analytics_reader;
