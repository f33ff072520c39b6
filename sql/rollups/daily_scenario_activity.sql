create table analytics.daily_scenario_activity (
  day                        date    not null,
  scenario_id                uuid    not null,
  sessions_started           integer not null,
  sessions_completed         integer not null,
  sessions_finished          integer not null,
  practice_seconds           bigint  not null,
  completed_seconds          bigint  not null,
  completed_timed_sessions   integer not null,
  scored_sessions            integer not null,
  score_sum                  numeric not null,
  primary key (day, scenario_id)
);
create index daily_scenario_activity_scenario_id_day_idx on analytics.daily_scenario_activity (scenario_id, day);
comment on table analytics.daily_scenario_activity is
  'One row per scenario per local day with at least one session started. Grain: (day, scenario_id). Basis of platform session metrics (summed over scenarios) and content metrics.';
comment on column analytics.daily_scenario_activity.day is
  'Local calendar day (reporting time zone) the sessions started on.';
comment on column analytics.daily_scenario_activity.scenario_id is
  'The scenario (platform scenarios.id).';
comment on column analytics.daily_scenario_activity.sessions_started is
  'Sessions started, any status (count): the scenario''s usage_count.';
comment on column analytics.daily_scenario_activity.sessions_completed is
  'Sessions with completion_status = completed (count).';
comment on column analytics.daily_scenario_activity.sessions_finished is
  'Sessions no longer in_progress: the completion-rate denominator (count).';
comment on column analytics.daily_scenario_activity.practice_seconds is
  'Sum of duration_seconds of all the sessions (seconds).';
comment on column analytics.daily_scenario_activity.completed_seconds is
  'Sum of duration_seconds of completed sessions (seconds): numerator of average_completion_time.';
comment on column analytics.daily_scenario_activity.completed_timed_sessions is
  'Completed sessions with a duration (count): denominator of average_completion_time.';
comment on column analytics.daily_scenario_activity.scored_sessions is
  'Completed sessions with a feedback report (count).';
comment on column analytics.daily_scenario_activity.score_sum is
  'Sum of score_raw (0-500) over scored_sessions.';
grant select on analytics.daily_scenario_activity to analytics_reader;
