-- The stored numbers that restatements watch, one row per number: what
-- refresh_pending() snapshots before its steps and compares after. Each
-- number carries the source whose changes move it, so that a restatement
-- names the cause of that source.
create or replace function analytics.period_numbers(p_weeks date[], p_months date[])
returns table (metric text, period_start date, currency text, value numeric, source text)
language sql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
  select 'platform_' || p.granularity || 'ly.' || n.name, p.period_start, null::text, n.value, n.source
  from analytics.platform_periods p
  cross join lateral (values
    ('sessions_started', p.sessions_started::numeric, 'activity'),
    ('sessions_completed', p.sessions_completed, 'activity'),
    ('sessions_finished', p.sessions_finished, 'activity'),
    ('completion_rate', p.completion_rate, 'activity'),
    ('scored_sessions', p.scored_sessions, 'activity'),
    ('score_sum', p.score_sum, 'activity'),
    ('average_score', p.average_score, 'activity'),
    ('practice_seconds', p.practice_seconds, 'activity'),
    ('active_users', p.active_users, 'activity'),
    ('new_users', p.new_users, 'signups')
  ) n(name, value, source)
  where (p.granularity = 'week' and p.period_start = any(p_weeks))
     or (p.granularity = 'month' and p.period_start = any(p_months))
  union all
  -- the counts once per month (they repeat on each currency row)
  select 'business_monthly.' || n.name, b.month_start, null, n.value, n.source
  from (select distinct on (x.month_start) x.*
        from analytics_report.business_monthly x
        where x.month_start = any(p_months)
        order by x.month_start) b
  cross join lateral (values
    ('active_users', b.active_users::numeric, 'activity'),
    ('paying_customers', b.paying_customers, 'subscriptions'),
    ('new_customers', b.new_customers, 'subscriptions'),
    ('reactivated_customers', b.reactivated_customers, 'subscriptions'),
    ('churned_customers', b.churned_customers, 'subscriptions'),
    ('customers_at_start', b.customers_at_start, 'subscriptions'),
    ('customer_churn_rate', b.customer_churn_rate, 'subscriptions'),
    ('active_subscriptions', b.active_subscriptions, 'subscriptions'),
    ('new_subscriptions', b.new_subscriptions, 'subscriptions'),
    ('churned_subscriptions', b.churned_subscriptions, 'subscriptions'),
    ('paying_subscriptions_at_start', b.paying_subscriptions_at_start, 'subscriptions'),
    ('subscription_churn_rate', b.subscription_churn_rate, 'subscriptions'),
    ('trials_ending', b.trials_ending, 'subscriptions'),
    ('trials_converted', b.trials_converted, 'subscriptions'),
    ('trial_conversion', b.trial_conversion, 'subscriptions')
  ) n(name, value, source)
  union all
  -- money per currency: the month's MRR and its movements (mrr_start_cents
  -- is the month before's mrr_cents, watched there)
  select 'business_monthly.mrr_cents', b.month_start, b.currency, b.mrr_cents, 'subscriptions'
  from analytics_report.business_monthly b
  where b.month_start = any(p_months) and b.currency is not null
  union all
  select 'mrr_movements.' || n.name, m.month_start, m.currency, n.value, 'subscriptions'
  from analytics_report.mrr_movements m
  cross join lateral (values
    ('new_cents', m.new_cents), ('expansion_cents', m.expansion_cents), ('contraction_cents', m.contraction_cents),
    ('churn_cents', m.churn_cents), ('reactivation_cents', m.reactivation_cents)
  ) n(name, value)
  where m.month_start = any(p_months)
$$;
comment on function analytics.period_numbers(p_weeks date[], p_months date[]) is
  'The numbers analytics.restatement_log watches, for the given finished weeks and months as stored now: one row per number (metric = relation.column of analytics_report, currency for money, null otherwise) with the source whose changes move it (activity, signups or subscriptions).';
revoke execute on function analytics.period_numbers(p_weeks date[], p_months date[]) from public;
