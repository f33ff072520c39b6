create or replace function analytics.record_aggregates(p_days date[], p_weeks date[], p_months date[])
returns void
language sql
set search_path = pg_catalog, analytics, pg_temp
as $$
  -- a month's currencies can go as well as come
  delete from analytics.analytics_aggregates a
  where a.metric_type = 'monthly_revenue' and a.time_bucket = any(p_months::timestamp[]);
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
           'active_subscriptions', coalesce(s.active_subscriptions, 0),
           'new_subscriptions', coalesce(s.new_subscriptions, 0),
           'churned_subscriptions', coalesce(s.churned_subscriptions, 0),
           'paying_subscriptions_at_start', coalesce(s.paying_subscriptions_at_start, 0),
           'trials_ending', coalesce(s.trials_ending, 0),
           'trials_converted', coalesce(s.trials_converted, 0),
           'customers_at_start', coalesce(s.customers_at_start, 0),
           'new_customers', coalesce(s.new_customers, 0),
           'reactivated_customers', coalesce(s.reactivated_customers, 0),
           'churned_customers', coalesce(s.churned_customers, 0),
           'paying_customers', coalesce(s.paying_customers, 0),
           'active_users', coalesce(p.active_users, 0))
  from unnest(p_months) m
  left join analytics.monthly_subscriptions s on s.month_start = m
  left join analytics.period_active_users p on p.granularity = 'month' and p.period_start = m
  union all
  select 'monthly_revenue', m::timestamp, c.currency,
         jsonb_build_object('mrr_cents', sum(c.mrr_end_cents))
  from unnest(p_months) m
  join analytics.monthly_customer_mrr c on c.month_start = m
  group by m, c.currency
  on conflict (metric_type, time_bucket, dimension)
  do update set data = excluded.data, created_at = excluded.created_at
$$;
comment on function analytics.record_aggregates(p_days date[], p_weeks date[], p_months date[]) is
  'Writes the outputs of a refresh into analytics_aggregates: daily_activity per day, weekly_content per complete week and scenario, monthly_business per complete month (counts, platform-wide), monthly_revenue per complete month and currency with a paying customer (MRR at the month''s end).';
revoke execute on function analytics.record_aggregates(p_days date[], p_weeks date[], p_months date[]) from public;
