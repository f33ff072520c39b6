-- Schema analytics_report: one relation per report grain, for DBAs and BI
-- tools (psql's \dv, Metabase, Superset, Grafana list relations, not
-- set-returning functions). Every relation is a plain view over the rollups
-- of schema analytics: the rollups already are the incrementally maintained
-- materialisation, so a view adds no refresh, no lock and no storage, and
-- its rows are current the moment a refresh commits (BENCHMARKS.md,
-- "Report relations", measures each against a materialized copy). Filters
-- on the leading keys (day, week, month, user_id, scenario_id) reach the
-- rollups' indexes: a view either exposes a rollup's key column itself
-- (also through a GROUP BY on it, which passes the filter down), or walks a
-- small spine of periods and reaches the rollup through a LATERAL subquery
-- bounded by the period (test/report-relations.test.ts checks each with
-- EXPLAIN).
--
-- Only stored, finished periods appear: days up to
-- analytics.settings.materialized_through (never today), and ISO weeks and
-- calendar months wholly inside it. For the current day, week or month use
-- the report functions of schema analytics, which add live rows.

create schema analytics_report;
comment on schema analytics_report is
  'Report relations of @oet-praxis/analytics for DBAs and BI tools: one view per report grain over the rollups of schema analytics, finished periods only (the current day, week and month are served live by the report functions). Read as analytics_reader.';
grant usage on schema analytics_report to analytics_reader;

-- scenario_daily and scenario_weekly filtered by scenario: without it a
-- filter on scenario_id alone scans every day of the rollup's (day,
-- scenario_id) key (PostgreSQL 15-17 have no skip scan). A small table,
-- written a few hundred rows per refreshed day.
create index daily_scenario_activity_scenario_id_day_idx on analytics.daily_scenario_activity (scenario_id, day);

create view analytics.report_periods as
with span as (
  -- the stored days: from the first day with a session or a signup (the
  -- first refresh starts there) to the last stored day. Not the first row
  -- of daily_active_users: it has none for days nobody was active in the
  -- last 30 (before the first session, and in any long lull).
  select least((select min(a.day) from analytics.daily_user_activity a),
               (select min(n.day) from analytics.daily_signups n)) as first_day,
         (select s.materialized_through from analytics.settings s) as last_day
)
select 'day'::text as granularity, d::date as period_start, d::date as period_end
from span, pg_catalog.generate_series(span.first_day::timestamp, span.last_day::timestamp, interval '1 day') d
union all
select 'week', w::date, (w + interval '6 days')::date
from span, pg_catalog.generate_series(date_trunc('week', span.first_day::timestamp), (span.last_day - 6)::timestamp, interval '1 week') w
union all
select 'month', m::date, (m + interval '1 month - 1 day')::date
from span, pg_catalog.generate_series(date_trunc('month', span.first_day::timestamp),
                                      date_trunc('month', (span.last_day + 1)::timestamp) - interval '1 month', interval '1 month') m;
comment on view analytics.report_periods is
  'The stored days, and the finished ISO weeks and calendar months of the stored history (from the day, week or month of the first stored day to the last one wholly stored): the spine of the zero-filled relations of schema analytics_report.';
comment on column analytics.report_periods.granularity is 'day, week (ISO, Monday to Sunday) or month.';
comment on column analytics.report_periods.period_start is 'First local day of the period (the day itself, a Monday, or the 1st).';
comment on column analytics.report_periods.period_end is 'Last local day of the period (the day itself, a Sunday, or the month''s last day).';
