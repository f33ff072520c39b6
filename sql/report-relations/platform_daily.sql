-- One GROUP BY day over three arms (the day spine with its rolling active
-- users, the per-scenario session sums, the signups) rather than a join:
-- a filter on day, an equality or a range, passes through the grouping
-- into every arm and reaches each rollup's (day, ...) key, while reading
-- every day stays one pass over each table.
create or replace view analytics_report.platform_daily as
select x.day,
       sum(x.sessions_started)::bigint as sessions_started,
       sum(x.sessions_completed)::bigint as sessions_completed,
       sum(x.sessions_finished)::bigint as sessions_finished,
       round(sum(x.sessions_completed)::numeric / nullif(sum(x.sessions_finished), 0), 4) as completion_rate,
       sum(x.scored_sessions)::bigint as scored_sessions,
       sum(x.score_sum) as score_sum,
       round(sum(x.score_sum) / nullif(sum(x.scored_sessions), 0), 2) as average_score,
       sum(x.practice_seconds)::bigint as practice_seconds,
       round(sum(x.practice_seconds) / 60.0, 2) as practice_minutes,
       sum(x.new_users)::bigint as new_users,
       max(x.dau) as dau, max(x.wau) as wau, max(x.mau) as mau,
       round(max(x.dau)::numeric / nullif(max(x.mau), 0), 4) as stickiness
from (
  -- the spine: every stored day, with its rolling active users (no row in
  -- daily_active_users means nobody was active in the last 30 days)
  select p.period_start as day, 0 as sessions_started, 0 as sessions_completed, 0 as sessions_finished, 0 as scored_sessions,
         0::numeric as score_sum, 0::bigint as practice_seconds, 0 as new_users,
         coalesce(d.dau, 0) as dau, coalesce(d.wau, 0) as wau, coalesce(d.mau, 0) as mau
  from analytics.report_periods p
  left join analytics.daily_active_users d on d.day = p.period_start
  where p.granularity = 'day'
  union all
  select s.day, s.sessions_started, s.sessions_completed, s.sessions_finished, s.scored_sessions,
         s.score_sum, s.practice_seconds, 0, null, null, null
  from analytics.daily_scenario_activity s
  union all
  select n.day, 0, 0, 0, 0, 0, 0, n.new_users, null, null, null
  from analytics.daily_signups n
) x
group by x.day;
comment on view analytics_report.platform_daily is
  'Platform session and user metrics per local day, zero-filled from the first stored day to settings.materialized_through (never today). Mirrors analytics.session_metrics(…, ''day'') and analytics.active_users().';
comment on column analytics_report.platform_daily.day is
  'Local calendar day (reporting time zone, analytics.settings) the sessions started on.';
comment on column analytics_report.platform_daily.sessions_started is
  'Sessions started in the row''s period, any status (count).';
comment on column analytics_report.platform_daily.sessions_completed is
  'Of the sessions started in the row''s period, those completed (count): completion_rate''s numerator.';
comment on column analytics_report.platform_daily.sessions_finished is
  'Of the sessions started in the row''s period, those no longer in_progress (count): completion_rate''s denominator.';
comment on column analytics_report.platform_daily.completion_rate is
  'sessions_completed / sessions_finished (0-1, 4 decimals); null when sessions_finished is 0.';
comment on column analytics_report.platform_daily.scored_sessions is
  'Completed sessions with a feedback report (count): average_score''s denominator.';
comment on column analytics_report.platform_daily.score_sum is
  'Sum of score_raw (0-500 scale) over scored_sessions: average_score''s numerator.';
comment on column analytics_report.platform_daily.average_score is
  'score_sum / scored_sessions: mean overall score (0-500, 2 decimals); null when scored_sessions is 0.';
comment on column analytics_report.platform_daily.practice_seconds is
  'Summed duration_seconds of the sessions started in the row''s period (seconds).';
comment on column analytics_report.platform_daily.practice_minutes is
  'practice_seconds / 60 (minutes, 2 decimals).';
comment on column analytics_report.platform_daily.new_users is
  'Users created in the row''s period, deleted ones included (count).';
comment on column analytics_report.platform_daily.dau is
  'Distinct users who started a session that day (count): stickiness''s numerator.';
comment on column analytics_report.platform_daily.wau is
  'Distinct users who started a session on day-6 .. day (count).';
comment on column analytics_report.platform_daily.mau is
  'Distinct users who started a session on day-29 .. day (count): stickiness''s denominator.';
comment on column analytics_report.platform_daily.stickiness is
  'dau / mau (0-1, 4 decimals); null when mau is 0.';
grant select on analytics_report.platform_daily to analytics_reader;
