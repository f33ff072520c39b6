create table analytics.daily_criteria_scores (
  day        date    not null,
  criterion  text    not null,
  reports    integer not null,
  score_sum  numeric not null,
  primary key (day, criterion)
);
comment on table analytics.daily_criteria_scores is
  'Platform-wide feedback criteria per local day (strength areas). Grain: (day, criterion).';
comment on column analytics.daily_criteria_scores.day is
  'Local calendar day the reports'' sessions started on.';
comment on column analytics.daily_criteria_scores.criterion is
  'Key of feedback_reports.criteria_scores, e.g. fluency.';
comment on column analytics.daily_criteria_scores.reports is
  'Reports that score the criterion (count).';
comment on column analytics.daily_criteria_scores.score_sum is
  'Sum of the criterion''s scores over those reports (criterion''s own scale).';
grant select on analytics.daily_criteria_scores to analytics_reader;
