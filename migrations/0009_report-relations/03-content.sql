-- Content and usage reports: per scenario, per criterion, per hour and per
-- duration bin. Rows exist only where something happened (a missing row
-- means zero), as in the rollups they read.

create view analytics_report.scenario_daily as
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

create view analytics_report.scenario_weekly as
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

create view analytics_report.criteria_daily as
select c.day, c.criterion, c.reports, c.score_sum, round(c.score_sum / nullif(c.reports, 0), 3) as average_score
from analytics.daily_criteria_scores c;
comment on view analytics_report.criteria_daily is
  'Strength areas: feedback criteria per local day over the reports of sessions started that day (no row: no report scored it). Mirrors analytics.strength_areas(day, day).';

create view analytics_report.usage_hourly as
select h.day, extract(isodow from h.day)::integer as weekday, h.hour::integer as hour, h.sessions_started
from analytics.hourly_sessions h;
comment on view analytics_report.usage_hourly is
  'Usage patterns: sessions started per local day and local hour (no row: none). Summed by weekday and hour it gives analytics.usage_patterns().';

create view analytics_report.duration_histogram_daily as
select d.day, d.scenario_id, d.bin_start_minutes as from_minutes, d.bin_start_minutes + 5 as to_minutes, d.sessions
from analytics.daily_session_durations d;
comment on view analytics_report.duration_histogram_daily is
  'Time distribution: completed sessions per local day, scenario and 5-minute duration bin [from_minutes, to_minutes) (no row: none). Summed over days and scenarios it gives analytics.time_distribution().';
