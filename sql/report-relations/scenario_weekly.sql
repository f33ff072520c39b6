create or replace view analytics_report.scenario_weekly as
select p.period_start as week_start, p.period_end as week_end,
       a.scenario_id, sc.title, sc.profession, sc.difficulty_level,
       a.usage_count, a.sessions_completed, a.sessions_finished,
       round(a.sessions_completed::numeric / nullif(a.sessions_finished, 0), 4) as completion_rate,
       a.scored_sessions, a.score_sum,
       round(a.score_sum / nullif(a.scored_sessions, 0), 2) as average_score,
       a.completed_seconds, a.completed_timed_sessions,
       round(a.completed_seconds::numeric / nullif(a.completed_timed_sessions, 0), 1) as average_completion_time,
       a.practice_seconds
from analytics.report_periods p
cross join lateral (
  select s.scenario_id,
         sum(s.sessions_started)::bigint as usage_count, sum(s.sessions_completed)::bigint as sessions_completed,
         sum(s.sessions_finished)::bigint as sessions_finished, sum(s.scored_sessions)::bigint as scored_sessions,
         sum(s.score_sum) as score_sum, sum(s.completed_seconds)::bigint as completed_seconds,
         sum(s.completed_timed_sessions)::bigint as completed_timed_sessions, sum(s.practice_seconds)::bigint as practice_seconds
  from analytics.daily_scenario_activity s
  where s.day between p.period_start and p.period_end
  group by s.scenario_id
) a
left join analytics.scenarios sc on sc.scenario_id = a.scenario_id
where p.granularity = 'week';
comment on view analytics_report.scenario_weekly is
  'Content metrics per finished ISO week and scenario with at least one session started that week. Mirrors analytics.scenario_performance(week_start, week_end).';
comment on column analytics_report.scenario_weekly.week_start is
  'Monday of the ISO week (local).';
comment on column analytics_report.scenario_weekly.week_end is
  'Sunday of the ISO week (local).';
comment on column analytics_report.scenario_weekly.scenario_id is
  'The scenario (platform scenarios.id).';
comment on column analytics_report.scenario_weekly.title is
  'Scenario title.';
comment on column analytics_report.scenario_weekly.profession is
  'Profession the scenario is written for.';
comment on column analytics_report.scenario_weekly.difficulty_level is
  'Scenario difficulty level as the platform names it.';
comment on column analytics_report.scenario_weekly.usage_count is
  'Sessions of the scenario started in the row''s period, any status (count).';
comment on column analytics_report.scenario_weekly.sessions_completed is
  'Of the sessions started in the row''s period, those completed (count): completion_rate''s numerator.';
comment on column analytics_report.scenario_weekly.sessions_finished is
  'Of the sessions started in the row''s period, those no longer in_progress (count): completion_rate''s denominator.';
comment on column analytics_report.scenario_weekly.completion_rate is
  'sessions_completed / sessions_finished (0-1, 4 decimals); null when sessions_finished is 0.';
comment on column analytics_report.scenario_weekly.scored_sessions is
  'Completed sessions with a feedback report (count): average_score''s denominator.';
comment on column analytics_report.scenario_weekly.score_sum is
  'Sum of score_raw (0-500 scale) over scored_sessions: average_score''s numerator.';
comment on column analytics_report.scenario_weekly.average_score is
  'score_sum / scored_sessions: mean overall score (0-500, 2 decimals); null when scored_sessions is 0.';
comment on column analytics_report.scenario_weekly.completed_seconds is
  'Summed duration_seconds of completed sessions (seconds): average_completion_time''s numerator.';
comment on column analytics_report.scenario_weekly.completed_timed_sessions is
  'Completed sessions with a duration (count): average_completion_time''s denominator.';
comment on column analytics_report.scenario_weekly.average_completion_time is
  'completed_seconds / completed_timed_sessions: mean duration of completed sessions (seconds, 1 decimal); null when none.';
comment on column analytics_report.scenario_weekly.practice_seconds is
  'Summed duration_seconds of the sessions started in the row''s period (seconds).';
grant select on analytics_report.scenario_weekly to analytics_reader;
