-- The reader role reads every report relation (and the two internal views
-- they are built on, like every other relation of schema analytics). Views
-- run with their owner's rights, so it still needs no platform table.
grant select on all tables in schema analytics_report to analytics_reader;
grant select on analytics.report_periods, analytics.platform_periods to analytics_reader;
