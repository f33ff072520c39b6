create table analytics.hourly_sessions (
  day               date     not null,
  hour              smallint not null constraint hourly_sessions_hour_check check (hour between 0 and 23),
  sessions_started  integer  not null,
  primary key (day, hour)
);
comment on table analytics.hourly_sessions is
  'Sessions started per local day and local hour of day. Grain: (day, hour). Basis of usage patterns (ISO weekday x hour).';
comment on column analytics.hourly_sessions.day is
  'Local calendar day the sessions started on.';
comment on column analytics.hourly_sessions.hour is
  'Local hour of day, 0-23 (on a DST fall-back day the repeated hour counts both).';
comment on column analytics.hourly_sessions.sessions_started is
  'Sessions started in that hour, any status (count).';
grant select on analytics.hourly_sessions to analytics_reader;
