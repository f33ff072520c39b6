-- Data generator, step 3 of 4: subscriptions (see 1-prepare.sql).

set timezone = 'UTC';

-- Subscriptions: a first one for a share of users that grows with
-- engagement, and a second one for returning users who come back after it
-- ended. Each user pays in one of four currencies, at that currency's own
-- prices; some monthly customers move to a yearly plan when their monthly
-- one ends (a plan change: one subscription ends as the next starts).
create unlogged table praxis_seed.subscriptions as
with first_subscription as (
  select
    u.i, 1 as n, u.pattern, u.created_at, u.available_seconds, u.engagement,
    u.created_at + least(u.available_seconds, 21 * 86400) * praxis_seed.unit(p.seed, u.i, 41) * interval '1 second' as started_at,
    praxis_seed.unit(p.seed, u.i, 42) < 0.7 as has_trial
  from praxis_seed.users u, praxis_seed.params p
  where praxis_seed.unit(p.seed, u.i, 40) < least(0.85, 0.15 + 0.35 * u.engagement)
),
returning_subscription as (
  select
    u.i, 2 as n, u.pattern, u.created_at, u.available_seconds, u.engagement,
    u.created_at + (0.65 + 0.1 * praxis_seed.unit(p.seed, u.i, 43)) * u.available_seconds * interval '1 second' as started_at,
    false as has_trial
  from praxis_seed.users u, praxis_seed.params p
  where u.pattern = 'returning' and praxis_seed.unit(p.seed, u.i, 44) < 0.5
),
candidates as (
  select c.*, (c.i::bigint << 2) | c.n as k
  from (select * from first_subscription union all select * from returning_subscription) c
),
shaped as (
  select c.*,
    case when praxis_seed.unit(p.seed, c.k, 45) < 0.65 then 'month'
         when praxis_seed.unit(p.seed, c.k, 45) < 0.85 then 'quarter'
         else 'year' end as billing_interval,
    case when praxis_seed.unit(p.seed, c.k, 46) < 0.8 then 'standard' else 'intensive' end as plan,
    case when praxis_seed.unit(p.seed, c.i, 51) < 0.45 then 'USD'
         when praxis_seed.unit(p.seed, c.i, 51) < 0.7 then 'GBP'
         when praxis_seed.unit(p.seed, c.i, 51) < 0.9 then 'AUD'
         else 'INR' end as currency,
    case when c.has_trial then c.started_at + interval '7 days' end as trial_ends_at,
    not c.has_trial or praxis_seed.unit(p.seed, c.k, 47) < 0.4 + 0.3 * least(1, c.engagement) as converts
  from candidates c, praxis_seed.params p
  where c.started_at < p.end_at
),
priced as (
  select s.*,
    (praxis_seed.price_cents(s.currency, s.billing_interval) * case s.plan when 'intensive' then 1.5 else 1 end)::int as amount_cents,
    coalesce(s.trial_ends_at, s.started_at) as paid_start_at,
    case s.billing_interval when 'month' then interval '1 month'
                            when 'quarter' then interval '3 months'
                            else interval '1 year' end as period,
    -- number of periods paid: geometric-ish with a mean that suits the plan
    1 + floor(-ln(1 - praxis_seed.unit(p.seed, s.k, 48))
              * case s.billing_interval when 'month' then 5 when 'quarter' then 2 else 0.7 end)::int as periods
  from shaped s, praxis_seed.params p
)
select
  pr.k, pr.i, pr.plan, pr.billing_interval, pr.currency, pr.amount_cents, pr.started_at, pr.trial_ends_at,
  e.ended_at,
  case when e.ended_at is not null
       then greatest(pr.started_at, e.ended_at - 10 * praxis_seed.unit(p.seed, pr.k, 49) * interval '1 day') end as canceled_at,
  case when e.ended_at is not null then 'canceled'
       when pr.trial_ends_at > p.end_at then 'trialing'
       when praxis_seed.unit(p.seed, pr.k, 50) < 0.04 then 'past_due'
       else 'active' end as status
from priced pr
cross join praxis_seed.params p
cross join lateral (
  select case
    when not pr.converts and pr.trial_ends_at <= p.end_at then pr.trial_ends_at
    when not pr.converts then null
    when pr.paid_start_at + pr.periods * pr.period <= p.end_at
      then pr.paid_start_at + pr.periods * pr.period
  end as ended_at
) e;

-- Plan changes: a third of the monthly first subscriptions that ran their
-- course continue from the instant they end, half of them on a yearly plan
-- (less a month: a contraction in MRR), half upgrading to the intensive
-- monthly plan (an expansion).
insert into praxis_seed.subscriptions
select (f.i::bigint << 2) | 3, f.i, u.plan, u.billing_interval, f.currency,
       (praxis_seed.price_cents(f.currency, u.billing_interval) * case u.plan when 'intensive' then 1.5 else 1 end)::int,
       f.ended_at, null, y.ended_at,
       case when y.ended_at is not null then y.ended_at - interval '3 days' end,
       case when y.ended_at is not null then 'canceled' else 'active' end
from praxis_seed.subscriptions f
cross join praxis_seed.params p
cross join lateral (
  select case when f.ended_at + interval '1 year' <= p.end_at then f.ended_at + interval '1 year' end as ended_at
) y
cross join lateral (
  select case when upgrade then 'intensive' else f.plan end as plan, case when upgrade then 'month' else 'year' end as billing_interval
  from (select f.plan = 'standard' and praxis_seed.unit(p.seed, f.k, 53) < 0.5 as upgrade) x
) u
where f.k & 3 = 1 and f.billing_interval = 'month' and f.ended_at is not null
  and f.ended_at > coalesce(f.trial_ends_at, f.started_at) and f.ended_at < p.end_at
  and praxis_seed.unit(p.seed, f.k, 52) < 0.33;
delete from praxis_seed.subscriptions second
where second.k & 3 = 2 and exists (select from praxis_seed.subscriptions c where c.i = second.i and c.k & 3 = 3);

-- A returning user's second subscription must start after the first ended.
delete from praxis_seed.subscriptions second
using praxis_seed.subscriptions first
where second.i = first.i and second.k & 3 = 2 and first.k & 3 = 1
  and (first.ended_at is null or first.ended_at >= second.started_at);
delete from praxis_seed.subscriptions second
where second.k & 3 = 2
  and not exists (select from praxis_seed.subscriptions first where first.i = second.i and first.k & 3 = 1);

insert into public.subscriptions
  (id, user_id, plan, status, billing_interval, amount_cents, currency, started_at, trial_ends_at, canceled_at, ended_at)
select praxis_seed.uuid_for(p.seed, 5, s.k), u.user_id, s.plan, s.status,
       s.billing_interval, s.amount_cents, s.currency, s.started_at, s.trial_ends_at, s.canceled_at, s.ended_at
from praxis_seed.subscriptions s
join praxis_seed.users u using (i)
cross join praxis_seed.params p;
