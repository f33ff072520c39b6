-- Down of migration 0018: the subscription rollup, its computation and refresh
-- step, the monthly_business record, subscription_metrics() and
-- business_monthly as they were before it: one row per month, MRR added
-- across currencies. The stored months are marked stale so that the next
-- refresh fills mrr_cents again.
drop view analytics_report.business_monthly;
drop function analytics.subscription_metrics(date, date);
drop function analytics.reconcile_monthly_subscriptions(date[]);
drop function analytics.compute_monthly_subscriptions(date[]);
alter table analytics.monthly_subscriptions
  drop column customers_at_start, drop column new_customers, drop column reactivated_customers,
  drop column churned_customers, drop column paying_customers;
alter table analytics.monthly_subscriptions rename column active_subscriptions to active_subscribers;
alter table analytics.monthly_subscriptions rename column new_subscriptions to new_subscribers;
alter table analytics.monthly_subscriptions rename column churned_subscriptions to churned_subscribers;
alter table analytics.monthly_subscriptions rename column paying_subscriptions_at_start to paying_at_start;
alter table analytics.monthly_subscriptions add column mrr_cents numeric not null default 0;
-- back to the column order of a 0017 install
create temporary table monthly_subscriptions_0017 on commit drop as
select month_start, active_subscribers, new_subscribers, churned_subscribers, mrr_cents, paying_at_start, trials_ending, trials_converted
from analytics.monthly_subscriptions;
drop table analytics.monthly_subscriptions;
create table analytics.monthly_subscriptions (
  month_start          date    not null primary key,
  active_subscribers   integer not null,
  new_subscribers      integer not null,
  churned_subscribers  integer not null,
  mrr_cents            numeric not null,
  paying_at_start      integer not null,
  trials_ending        integer not null,
  trials_converted     integer not null
);
insert into analytics.monthly_subscriptions select * from pg_temp.monthly_subscriptions_0017;
comment on table analytics.monthly_subscriptions is
  'Subscription metrics per complete local calendar month, derived from subscription timestamps only (never from status), so history is reproducible. Paid period starts at coalesce(trial_ends_at, started_at); a subscription is paying at instant T when paid start <= T < coalesce(ended_at, infinity).';
comment on column analytics.monthly_subscriptions.month_start is
  'First local day of the month.';
comment on column analytics.monthly_subscriptions.active_subscribers is
  'Subscriptions paying at the first instant of the next month (count).';
comment on column analytics.monthly_subscriptions.new_subscribers is
  'Subscriptions whose paid start falls in the month and that are paying at that start (count).';
comment on column analytics.monthly_subscriptions.churned_subscribers is
  'Subscriptions whose ended_at falls in the month, after their paid start (count).';
comment on column analytics.monthly_subscriptions.mrr_cents is
  'Monthly recurring revenue of active_subscribers: amount_cents normalised to one month (quarter / 3, year / 12), in cents (exact, may have a fraction). Assumes one currency.';
comment on column analytics.monthly_subscriptions.paying_at_start is
  'Subscriptions paying at the first instant of the month (count): the churn-rate denominator.';
comment on column analytics.monthly_subscriptions.trials_ending is
  'Subscriptions whose trial_ends_at falls in the month (count).';
comment on column analytics.monthly_subscriptions.trials_converted is
  'Of those, subscriptions with ended_at null or after trial_ends_at (count).';
grant select on analytics.monthly_subscriptions to analytics_reader;
create or replace function analytics.compute_monthly_subscriptions(p_months date[])
returns setof analytics.monthly_subscriptions
language plpgsql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  return query
  select
    m.month_start,
    count(*) filter (where s.paid_from <= m.ends_at and (s.ended_at is null or m.ends_at < s.ended_at))::integer,
    count(*) filter (where s.paid_from >= m.starts_at and s.paid_from < m.ends_at
                       and (s.ended_at is null or s.paid_from < s.ended_at))::integer,
    count(*) filter (where s.ended_at >= m.starts_at and s.ended_at < m.ends_at and s.ended_at > s.paid_from)::integer,
    coalesce(sum(s.monthly_cents) filter (where s.paid_from <= m.ends_at and (s.ended_at is null or m.ends_at < s.ended_at)), 0),
    count(*) filter (where s.paid_from <= m.starts_at and (s.ended_at is null or m.starts_at < s.ended_at))::integer,
    count(*) filter (where s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at)::integer,
    count(*) filter (where s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at
                       and (s.ended_at is null or s.ended_at > s.trial_ends_at))::integer
  from analytics.month_instants(p_months) m
  cross join analytics.subscription_terms() s
  group by m.month_start
  -- like every rollup, no row where there is nothing to count
  having count(*) filter (where (s.paid_from < m.ends_at and (s.ended_at is null or s.ended_at >= m.starts_at))
                            or (s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at)) > 0;
end
$$;
comment on function analytics.compute_monthly_subscriptions(p_months date[]) is
  'Rows of analytics.monthly_subscriptions for the given month starts, computed from the platform subscriptions'' timestamps.';
revoke execute on function analytics.compute_monthly_subscriptions(p_months date[]) from public;
-- Refresh step: the subscription figures of the given complete months.
create or replace function analytics.reconcile_monthly_subscriptions(p_months date[])
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  if cardinality(p_months) > 0 then
    with month_diff as materialized (
      select coalesce(f.month_start, s.month_start) as month_start,
             case when s.month_start is null then 'insert' when f.month_start is null then 'delete' else 'update' end as change,
             f.active_subscribers, f.new_subscribers, f.churned_subscribers, f.mrr_cents,
             f.paying_at_start, f.trials_ending, f.trials_converted
      from analytics.compute_monthly_subscriptions(p_months) f
      full join (select * from analytics.monthly_subscriptions a where a.month_start = any(p_months)) s
        on s.month_start = f.month_start
      where row(f.*) is distinct from row(s.*)
    ),
    month_deleted as (
      delete from analytics.monthly_subscriptions t using month_diff d
      where d.change = 'delete' and t.month_start = d.month_start
    ),
    month_updated as (
      update analytics.monthly_subscriptions t
      set active_subscribers = d.active_subscribers, new_subscribers = d.new_subscribers,
          churned_subscribers = d.churned_subscribers, mrr_cents = d.mrr_cents,
          paying_at_start = d.paying_at_start, trials_ending = d.trials_ending, trials_converted = d.trials_converted
      from month_diff d
      where d.change = 'update' and t.month_start = d.month_start
    )
    insert into analytics.monthly_subscriptions
      (month_start, active_subscribers, new_subscribers, churned_subscribers, mrr_cents,
       paying_at_start, trials_ending, trials_converted)
    select d.month_start, d.active_subscribers, d.new_subscribers, d.churned_subscribers, d.mrr_cents,
           d.paying_at_start, d.trials_ending, d.trials_converted
    from month_diff d where d.change = 'insert';
  end if;
end
$$;
comment on function analytics.reconcile_monthly_subscriptions(p_months date[]) is
  'Refresh step: makes the rows of analytics.monthly_subscriptions of the given months (first days; complete months only) equal to their recomputation from public.subscriptions, writing only the rows that come, go or change value.';
revoke execute on function analytics.reconcile_monthly_subscriptions(p_months date[]) from public;
create or replace function analytics.record_aggregates(p_days date[], p_weeks date[], p_months date[])
returns void
language sql
set search_path = pg_catalog, analytics, pg_temp
as $$
  insert into analytics.analytics_aggregates as a (metric_type, time_bucket, dimension, data)
  select 'daily_activity', d::timestamp, '',
         jsonb_build_object(
           'sessions_started', coalesce(sum(x.sessions_started), 0),
           'sessions_completed', coalesce(sum(x.sessions_completed), 0),
           'sessions_finished', coalesce(sum(x.sessions_finished), 0),
           'practice_seconds', coalesce(sum(x.practice_seconds), 0),
           'scored_sessions', coalesce(sum(x.scored_sessions), 0),
           'score_sum', coalesce(sum(x.score_sum), 0),
           'active_users', (select count(*) from analytics.daily_user_activity u where u.day = d),
           'new_users', coalesce((select s.new_users from analytics.daily_signups s where s.day = d), 0))
  from unnest(p_days) d
  left join analytics.daily_scenario_activity x on x.day = d
  group by d
  union all
  select 'weekly_content', w::timestamp, x.scenario_id::text,
         jsonb_build_object(
           'sessions_started', sum(x.sessions_started),
           'sessions_completed', sum(x.sessions_completed),
           'sessions_finished', sum(x.sessions_finished),
           'completed_seconds', sum(x.completed_seconds),
           'completed_timed_sessions', sum(x.completed_timed_sessions),
           'scored_sessions', sum(x.scored_sessions),
           'score_sum', sum(x.score_sum))
  from unnest(p_weeks) w
  join analytics.daily_scenario_activity x on x.day between w and w + 6
  group by w, x.scenario_id
  union all
  select 'monthly_business', m::timestamp, '',
         jsonb_build_object(
           'active_subscribers', coalesce(s.active_subscribers, 0),
           'new_subscribers', coalesce(s.new_subscribers, 0),
           'churned_subscribers', coalesce(s.churned_subscribers, 0),
           'mrr_cents', coalesce(s.mrr_cents, 0),
           'paying_at_start', coalesce(s.paying_at_start, 0),
           'trials_ending', coalesce(s.trials_ending, 0),
           'trials_converted', coalesce(s.trials_converted, 0),
           'active_users', coalesce(p.active_users, 0))
  from unnest(p_months) m
  left join analytics.monthly_subscriptions s on s.month_start = m
  left join analytics.period_active_users p on p.granularity = 'month' and p.period_start = m
  on conflict (metric_type, time_bucket, dimension)
  do update set data = excluded.data, created_at = excluded.created_at
$$;
comment on function analytics.record_aggregates(p_days date[], p_weeks date[], p_months date[]) is
  'Writes the outputs of a refresh into analytics_aggregates: daily_activity per day, weekly_content per complete week and scenario, monthly_business per complete month.';
revoke execute on function analytics.record_aggregates(p_days date[], p_weeks date[], p_months date[]) from public;
create or replace function analytics.subscription_metrics(p_from date, p_to date)
returns table (
  bucket date, active_subscribers integer, new_subscribers integer, churned_subscribers integer,
  mrr_cents numeric, churn_rate numeric, trial_conversion numeric, complete boolean
)
language plpgsql stable security definer
set search_path = pg_catalog, analytics, pg_temp
set plan_cache_mode = force_custom_plan
as $$
declare
  v_through date := (select s.materialized_through from analytics.settings s);
  -- months not wholly stored yet (the current one): computed live
  v_live_months date[] := array(select b.bucket from analytics.bucket_span(p_from, p_to, 'month') b
                                where b.last_day > coalesce(v_through, '-infinity'));
begin
  return query
  with months as (select * from analytics.bucket_span(p_from, p_to, 'month')),
  monthly as (
    -- stored months (a month without a row had no subscription activity)
    select m.* from analytics.monthly_subscriptions m
    join months b on b.bucket = m.month_start
    where b.last_day <= v_through
    union all
    select c.* from analytics.compute_monthly_subscriptions(v_live_months) c
    where cardinality(v_live_months) > 0
  )
  select b.bucket, coalesce(r.active_subscribers, 0), coalesce(r.new_subscribers, 0), coalesce(r.churned_subscribers, 0),
         round(coalesce(r.mrr_cents, 0), 2),
         round(r.churned_subscribers::numeric / nullif(r.paying_at_start, 0), 4),
         round(r.trials_converted::numeric / nullif(r.trials_ending, 0), 4),
         b.complete
  from months b
  left join monthly r on r.month_start = b.bucket
  order by 1;
end
$$;
comment on function analytics.subscription_metrics(p_from date, p_to date) is
  'Per calendar month covering p_from .. p_to: active_subscribers, new_subscribers, churned_subscribers, mrr_cents (monthly recurring revenue, cents), churn_rate = churned / paying at month start (0-1), trial_conversion = converted / trials ending (0-1); months not stored yet (the current one) are computed live.';
revoke execute on function analytics.subscription_metrics(p_from date, p_to date) from public;
grant execute on function analytics.subscription_metrics(p_from date, p_to date) to analytics_reader;
create or replace view analytics_report.business_monthly as
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
comment on column analytics_report.business_monthly.month_start is
  'First local day of the calendar month.';
comment on column analytics_report.business_monthly.month_end is
  'Last local day of the calendar month.';
comment on column analytics_report.business_monthly.active_users is
  'Distinct users who started a session in the row''s period (count; exact, never a sum of days).';
comment on column analytics_report.business_monthly.active_subscribers is
  'Subscriptions paying at the first instant of the next month (count).';
comment on column analytics_report.business_monthly.new_subscribers is
  'Subscriptions whose paid period starts in the month and that are paying then (count).';
comment on column analytics_report.business_monthly.churned_subscribers is
  'Subscriptions ended in the month after their paid start (count): churn_rate''s numerator.';
comment on column analytics_report.business_monthly.paying_at_start is
  'Subscriptions paying at the first instant of the month (count): churn_rate''s denominator.';
comment on column analytics_report.business_monthly.churn_rate is
  'churned_subscribers / paying_at_start (0-1, 4 decimals); null when paying_at_start is 0.';
comment on column analytics_report.business_monthly.mrr_cents is
  'Monthly recurring revenue of active_subscribers: amount_cents normalised to one month (quarter / 3, year / 12), in cents, 2 decimals. Assumes one currency.';
comment on column analytics_report.business_monthly.trials_ending is
  'Subscriptions whose trial ends in the month (count): trial_conversion''s denominator.';
comment on column analytics_report.business_monthly.trials_converted is
  'Of those, subscriptions not ended by the trial''s end (count): trial_conversion''s numerator.';
comment on column analytics_report.business_monthly.trial_conversion is
  'trials_converted / trials_ending (0-1, 4 decimals); null when trials_ending is 0.';
grant select on analytics_report.business_monthly to analytics_reader;
comment on column analytics.analytics_aggregates.metric_type is
  'daily_activity (per day), weekly_content (per ISO week and scenario), monthly_business (per month).';
comment on column analytics.analytics_aggregates.dimension is
  'The bucket''s dimension value (scenario id for weekly_content), empty for platform-wide rows.';
delete from analytics.analytics_aggregates where metric_type = 'monthly_revenue';
insert into analytics.invalidation_log (source, at, cause)
select 'subscriptions', min(least(x.started_at, x.trial_ends_at, x.ended_at)), 'migration 0018_revenue-per-currency down: MRR of the stored months'
from public.subscriptions x
where (select s.materialized_through from analytics.settings s) is not null
having count(*) > 0;
