create or replace view analytics.report_periods as
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
comment on column analytics.report_periods.granularity is
  'day, week (ISO, Monday to Sunday) or month.';
comment on column analytics.report_periods.period_start is
  'First local day of the period (the day itself, a Monday, or the 1st).';
comment on column analytics.report_periods.period_end is
  'Last local day of the period (the day itself, a Sunday, or the month''s last day).';
grant select on analytics.report_periods to analytics_reader;
