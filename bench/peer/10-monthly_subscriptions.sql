-- Peer of analytics.monthly_subscriptions: subscription and customer counts
-- of every local calendar month that has ended by {{through}}, from the
-- first month with a subscription timestamp, derived from the timestamps
-- only (see the rollup's comments: paid from coalesce(trial_ends_at,
-- started_at), paying at T when paid start <= T < coalesce(ended_at,
-- infinity); a customer, a user, pays at T when one of their subscriptions
-- does); no row for a month with nothing to count.
with months as (
  select m::date as month_start,
         m at time zone {{zone}} as starts_at,
         (m + interval '1 month') at time zone {{zone}} as ends_at
  from generate_series(
         (select date_trunc('month', min(least(s.started_at, s.trial_ends_at, s.ended_at)) at time zone {{zone}})
          from public.subscriptions s),
         date_trunc('month', ({{through}}::date + 1)::timestamp) - interval '1 month',
         interval '1 month') m
),
subs as (
  select s.user_id, coalesce(s.trial_ends_at, s.started_at) as paid_from, s.ended_at, s.trial_ends_at
  from public.subscriptions s
),
per_user as (
  select m.month_start, s.user_id,
         bool_or(s.paid_from <= m.starts_at and (s.ended_at is null or m.starts_at < s.ended_at)) as at_start,
         bool_or(s.paid_from <= m.ends_at and (s.ended_at is null or m.ends_at < s.ended_at)) as at_end,
         bool_or(s.paid_from < m.starts_at and (s.ended_at is null or s.paid_from < s.ended_at)) as paid_before
  from months m
  cross join subs s
  group by m.month_start, s.user_id
),
customers as (
  select month_start,
         count(*) filter (where at_start)::integer as customers_at_start,
         count(*) filter (where at_end and not at_start and not paid_before)::integer as new_customers,
         count(*) filter (where at_end and not at_start and paid_before)::integer as reactivated_customers,
         count(*) filter (where at_start and not at_end)::integer as churned_customers,
         count(*) filter (where at_end)::integer as paying_customers
  from per_user
  group by month_start
)
select m.month_start,
       count(*) filter (where s.paid_from <= m.ends_at and (s.ended_at is null or m.ends_at < s.ended_at))::integer as active_subscriptions,
       count(*) filter (where s.paid_from >= m.starts_at and s.paid_from < m.ends_at
                          and (s.ended_at is null or s.paid_from < s.ended_at))::integer as new_subscriptions,
       count(*) filter (where s.ended_at >= m.starts_at and s.ended_at < m.ends_at and s.ended_at > s.paid_from)::integer as churned_subscriptions,
       count(*) filter (where s.paid_from <= m.starts_at and (s.ended_at is null or m.starts_at < s.ended_at))::integer as paying_subscriptions_at_start,
       count(*) filter (where s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at)::integer as trials_ending,
       count(*) filter (where s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at
                          and (s.ended_at is null or s.ended_at > s.trial_ends_at))::integer as trials_converted,
       min(c.customers_at_start) as customers_at_start, min(c.new_customers) as new_customers,
       min(c.reactivated_customers) as reactivated_customers, min(c.churned_customers) as churned_customers,
       min(c.paying_customers) as paying_customers
from months m
cross join subs s
join customers c on c.month_start = m.month_start
group by m.month_start
having count(*) filter (where (s.paid_from < m.ends_at and (s.ended_at is null or s.ended_at >= m.starts_at))
                          or (s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at)) > 0
