create table analytics.daily_session_durations (
  day                  date     not null,
  scenario_id          uuid     not null,
  bin_start_minutes    integer  not null,
  sessions             integer  not null,
  primary key (day, scenario_id, bin_start_minutes)
);
comment on table analytics.daily_session_durations is
  'Histogram of completed sessions'' durations in 5-minute bins. Grain: (day, scenario_id, bin). A session of d seconds falls in bin floor(d / 300) * 5.';
comment on column analytics.daily_session_durations.day is
  'Local calendar day the sessions started on.';
comment on column analytics.daily_session_durations.scenario_id is
  'The scenario (platform scenarios.id).';
comment on column analytics.daily_session_durations.bin_start_minutes is
  'Lower bound of the bin in minutes (inclusive); the bin ends 5 minutes later (exclusive).';
comment on column analytics.daily_session_durations.sessions is
  'Completed sessions with a duration in the bin (count).';
grant select on analytics.daily_session_durations to analytics_reader;
