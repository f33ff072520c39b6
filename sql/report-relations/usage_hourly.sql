create or replace view analytics_report.usage_hourly as
select h.day, extract(isodow from h.day)::integer as weekday, h.hour::integer as hour, h.sessions_started
from analytics.hourly_sessions h;
comment on view analytics_report.usage_hourly is
  'Usage patterns: sessions started per local day and local hour (no row: none). Summed by weekday and hour it gives analytics.usage_patterns().';
comment on column analytics_report.usage_hourly.day is
  'Local calendar day (reporting time zone, analytics.settings) the sessions started on.';
comment on column analytics_report.usage_hourly.weekday is
  'ISO day of week of day: 1 = Monday .. 7 = Sunday.';
comment on column analytics_report.usage_hourly.hour is
  'Local hour of day, 0-23 (on a DST fall-back day the repeated hour counts both).';
comment on column analytics_report.usage_hourly.sessions_started is
  'Sessions started in the row''s period, any status (count).';
grant select on analytics_report.usage_hourly to analytics_reader;
