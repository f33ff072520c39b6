create table analytics.weekly_retention (
  cohort_week  date    not null,
  week_offset  integer not null constraint weekly_retention_offset_check check (week_offset >= 0),
  retained     integer not null,
  primary key (cohort_week, week_offset)
);
comment on table analytics.weekly_retention is
  'Signup-week cohorts: how many of a cohort''s users started a session in week cohort_week + week_offset. Cohort sizes come from daily_signups.';
comment on column analytics.weekly_retention.cohort_week is
  'Monday of the ISO week (local) in which the cohort''s users were created.';
comment on column analytics.weekly_retention.week_offset is
  'Weeks after the cohort week, 0 = the signup week itself.';
comment on column analytics.weekly_retention.retained is
  'Cohort users with at least one session started in that week (count).';
grant select on analytics.weekly_retention to analytics_reader;
