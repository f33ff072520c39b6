-- Platform-wide reports: per day, per ISO week, per month, and the business
-- month. Each rate stands beside its numerator and denominator, so a reader
-- can re-aggregate (sum the parts, never average the rates).

-- One GROUP BY day over three arms (the day spine with its rolling active
-- users, the per-scenario session sums, the signups) rather than a join:
-- a filter on day, an equality or a range, passes through the grouping
-- into every arm and reaches each rollup's (day, ...) key, while reading
-- every day stays one pass over each table.
create view analytics_report.platform_daily as
select x.day,
       sum(x.sessions_started)::bigint as sessions_started,
       sum(x.sessions_completed)::bigint as sessions_completed,
       sum(x.sessions_finished)::bigint as sessions_finished,
       round(sum(x.sessions_completed)::numeric / nullif(sum(x.sessions_finished), 0), 4) as completion_rate,
       sum(x.scored_sessions)::bigint as scored_sessions,
       sum(x.score_sum) as score_sum,
       round(sum(x.score_sum) / nullif(sum(x.scored_sessions), 0), 2) as average_score,
       sum(x.practice_seconds)::bigint as practice_seconds,
       round(sum(x.practice_seconds) / 60.0, 2) as practice_minutes,
       sum(x.new_users)::bigint as new_users,
       max(x.dau) as dau, max(x.wau) as wau, max(x.mau) as mau,
       round(max(x.dau)::numeric / nullif(max(x.mau), 0), 4) as stickiness
from (
  -- the spine: every stored day, with its rolling active users (no row in
  -- daily_active_users means nobody was active in the last 30 days)
  select p.period_start as day, 0 as sessions_started, 0 as sessions_completed, 0 as sessions_finished, 0 as scored_sessions,
         0::numeric as score_sum, 0::bigint as practice_seconds, 0 as new_users,
         coalesce(d.dau, 0) as dau, coalesce(d.wau, 0) as wau, coalesce(d.mau, 0) as mau
  from analytics.report_periods p
  left join analytics.daily_active_users d on d.day = p.period_start
  where p.granularity = 'day'
  union all
  select s.day, s.sessions_started, s.sessions_completed, s.sessions_finished, s.scored_sessions,
         s.score_sum, s.practice_seconds, 0, null, null, null
  from analytics.daily_scenario_activity s
  union all
  select n.day, 0, 0, 0, 0, 0, 0, n.new_users, null, null, null
  from analytics.daily_signups n
) x
group by x.day;
comment on view analytics_report.platform_daily is
  'Platform session and user metrics per local day, zero-filled from the first stored day to settings.materialized_through (never today). Mirrors analytics.session_metrics(…, ''day'') and analytics.active_users().';

create view analytics.platform_periods as
select p.granularity, p.period_start, p.period_end,
       coalesce(a.sessions_started, 0)::bigint as sessions_started,
       coalesce(a.sessions_completed, 0)::bigint as sessions_completed,
       coalesce(a.sessions_finished, 0)::bigint as sessions_finished,
       round(a.sessions_completed::numeric / nullif(a.sessions_finished, 0), 4) as completion_rate,
       coalesce(a.scored_sessions, 0)::bigint as scored_sessions,
       coalesce(a.score_sum, 0) as score_sum,
       round(a.score_sum / nullif(a.scored_sessions, 0), 2) as average_score,
       coalesce(a.practice_seconds, 0)::bigint as practice_seconds,
       round(coalesce(a.practice_seconds, 0) / 60.0, 2) as practice_minutes,
       coalesce(u.active_users, 0)::bigint as active_users,
       coalesce(n.new_users, 0)::bigint as new_users
from analytics.report_periods p
left join lateral (
  select sum(s.sessions_started) as sessions_started, sum(s.sessions_completed) as sessions_completed,
         sum(s.sessions_finished) as sessions_finished, sum(s.scored_sessions) as scored_sessions,
         sum(s.score_sum) as score_sum, sum(s.practice_seconds) as practice_seconds
  from analytics.daily_scenario_activity s
  where s.day between p.period_start and p.period_end
) a on true
left join lateral (
  select sum(g.new_users) as new_users from analytics.daily_signups g where g.day between p.period_start and p.period_end
) n on true
-- a finished period without a row had no active user
left join analytics.period_active_users u on u.granularity = p.granularity and u.period_start = p.period_start
where p.granularity in ('week', 'month');
comment on view analytics.platform_periods is
  'Platform metrics per finished ISO week and calendar month (granularity week or month): the body of analytics_report.platform_weekly and platform_monthly.';

create view analytics_report.platform_weekly as
select p.period_start as week_start, p.period_end as week_end,
       p.sessions_started, p.sessions_completed, p.sessions_finished, p.completion_rate,
       p.scored_sessions, p.score_sum, p.average_score, p.practice_seconds, p.practice_minutes,
       p.active_users, p.new_users
from analytics.platform_periods p
where p.granularity = 'week';
comment on view analytics_report.platform_weekly is
  'Platform metrics per finished ISO week (Monday to Sunday, local), zero-filled from the week of the first stored day. active_users is distinct over the whole week, never a sum of days. Mirrors analytics.session_metrics(…, ''week'').';

create view analytics_report.platform_monthly as
select p.period_start as month_start, p.period_end as month_end,
       p.sessions_started, p.sessions_completed, p.sessions_finished, p.completion_rate,
       p.scored_sessions, p.score_sum, p.average_score, p.practice_seconds, p.practice_minutes,
       p.active_users, p.new_users
from analytics.platform_periods p
where p.granularity = 'month';
comment on view analytics_report.platform_monthly is
  'Platform metrics per finished calendar month (local), zero-filled from the month of the first stored day. active_users is distinct over the whole month. Mirrors analytics.session_metrics(…, ''month'').';

create view analytics_report.business_monthly as
select p.period_start as month_start, p.period_end as month_end,
       coalesce(u.active_users, 0)::bigint as active_users,
       coalesce(m.active_subscribers, 0) as active_subscribers,
       coalesce(m.new_subscribers, 0) as new_subscribers,
       coalesce(m.churned_subscribers, 0) as churned_subscribers,
       coalesce(m.paying_at_start, 0) as paying_at_start,
       round(m.churned_subscribers::numeric / nullif(m.paying_at_start, 0), 4) as churn_rate,
       round(coalesce(m.mrr_cents, 0), 2) as mrr_cents,
       coalesce(m.trials_ending, 0) as trials_ending,
       coalesce(m.trials_converted, 0) as trials_converted,
       round(m.trials_converted::numeric / nullif(m.trials_ending, 0), 4) as trial_conversion
from analytics.report_periods p
-- a finished month without a row had no subscription activity
left join analytics.monthly_subscriptions m on m.month_start = p.period_start
left join analytics.period_active_users u on u.granularity = 'month' and u.period_start = p.period_start
where p.granularity = 'month';
comment on view analytics_report.business_monthly is
  'Subscription business per finished calendar month (local), zero-filled, derived from subscription timestamps (see analytics.monthly_subscriptions). Mirrors analytics.subscription_metrics() and the month''s active users of analytics.session_metrics(…, ''month'').';
