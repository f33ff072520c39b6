-- Peer of analytics.monthly_subscriptions: subscription metrics of every
-- local calendar month that has ended by {{through}}, from the first month
-- with a subscription timestamp, derived from the timestamps only (see the
-- rollup's comments: paid from coalesce(trial_ends_at, started_at), paying
-- at T when paid start <= T < coalesce(ended_at, infinity)); no row for a
-- month with nothing to count.
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
  select coalesce(s.trial_ends_at, s.started_at) as paid_from, s.ended_at, s.trial_ends_at,
         s.amount_cents::numeric / case s.billing_interval when 'quarter' then 3 when 'year' then 12 else 1 end as monthly_cents
  from public.subscriptions s
)
select m.month_start,
       count(*) filter (where s.paid_from <= m.ends_at and (s.ended_at is null or m.ends_at < s.ended_at))::integer as active_subscribers,
       count(*) filter (where s.paid_from >= m.starts_at and s.paid_from < m.ends_at
                          and (s.ended_at is null or s.paid_from < s.ended_at))::integer as new_subscribers,
       count(*) filter (where s.ended_at >= m.starts_at and s.ended_at < m.ends_at and s.ended_at > s.paid_from)::integer as churned_subscribers,
       coalesce(sum(s.monthly_cents) filter (where s.paid_from <= m.ends_at and (s.ended_at is null or m.ends_at < s.ended_at)), 0) as mrr_cents,
       count(*) filter (where s.paid_from <= m.starts_at and (s.ended_at is null or m.starts_at < s.ended_at))::integer as paying_at_start,
       count(*) filter (where s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at)::integer as trials_ending,
       count(*) filter (where s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at
                          and (s.ended_at is null or s.ended_at > s.trial_ends_at))::integer as trials_converted
from months m
cross join subs s
group by m.month_start
having count(*) filter (where (s.paid_from < m.ends_at and (s.ended_at is null or s.ended_at >= m.starts_at))
                          or (s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at)) > 0
