create or replace view analytics_report.duration_histogram_daily as
select d.day, d.scenario_id, d.bin_start_minutes as from_minutes, d.bin_start_minutes + 5 as to_minutes, d.sessions
from analytics.daily_session_durations d;
comment on view analytics_report.duration_histogram_daily is
  'Time distribution: completed sessions per local day, scenario and 5-minute duration bin [from_minutes, to_minutes) (no row: none). Summed over days and scenarios it gives analytics.time_distribution().';
comment on column analytics_report.duration_histogram_daily.day is
  'Local calendar day (reporting time zone, analytics.settings) the sessions started on.';
comment on column analytics_report.duration_histogram_daily.scenario_id is
  'The scenario (platform scenarios.id).';
comment on column analytics_report.duration_histogram_daily.from_minutes is
  'Lower bound of the duration bin, minutes (inclusive).';
comment on column analytics_report.duration_histogram_daily.to_minutes is
  'Upper bound of the duration bin, minutes (exclusive): from_minutes + 5.';
comment on column analytics_report.duration_histogram_daily.sessions is
  'Completed sessions whose duration falls in the bin (count).';
grant select on analytics_report.duration_histogram_daily to analytics_reader;
