create or replace view analytics_report.criteria_daily as
select c.day, c.criterion, c.reports, c.score_sum, round(c.score_sum / nullif(c.reports, 0), 3) as average_score
from analytics.daily_criteria_scores c;
comment on view analytics_report.criteria_daily is
  'Strength areas: feedback criteria per local day over the reports of sessions started that day (no row: no report scored it). Mirrors analytics.strength_areas(day, day).';
comment on column analytics_report.criteria_daily.day is
  'Local calendar day (reporting time zone, analytics.settings) the sessions started on.';
comment on column analytics_report.criteria_daily.criterion is
  'Key of feedback_reports.criteria_scores, e.g. fluency.';
comment on column analytics_report.criteria_daily.reports is
  'Feedback reports that score the criterion (count): average_score''s denominator.';
comment on column analytics_report.criteria_daily.score_sum is
  'Sum of the criterion''s scores over those reports (the criterion''s own scale): average_score''s numerator.';
comment on column analytics_report.criteria_daily.average_score is
  'score_sum / reports: mean score of the criterion (its own scale, 3 decimals).';
grant select on analytics_report.criteria_daily to analytics_reader;
