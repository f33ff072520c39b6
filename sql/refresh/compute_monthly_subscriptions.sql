-- Counts only: money is per currency, in compute_monthly_customer_mrr().
-- Subscriptions and customers are counted at the same two instants, the
-- month's first and the next month's first; a customer (user) pays at an
-- instant when any of their subscriptions does, in whatever currency, so a
-- plan change or a move to another currency is neither a churn nor a new
-- customer here.
create or replace function analytics.compute_monthly_subscriptions(p_months date[])
returns setof analytics.monthly_subscriptions
language plpgsql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  return query
  with terms as (
    select m.month_start, m.starts_at, m.ends_at, s.*,
           s.paid_from <= m.starts_at and (s.ended_at is null or m.starts_at < s.ended_at) as paying_at_start,
           s.paid_from <= m.ends_at and (s.ended_at is null or m.ends_at < s.ended_at) as paying_at_end
    from analytics.month_instants(p_months) m
    cross join analytics.subscription_terms() s
  ),
  subscriptions as (
    select t.month_start,
           count(*) filter (where t.paying_at_end)::integer as active,
           count(*) filter (where t.paid_from >= t.starts_at and t.paid_from < t.ends_at
                              and (t.ended_at is null or t.paid_from < t.ended_at))::integer as started,
           count(*) filter (where t.ended_at >= t.starts_at and t.ended_at < t.ends_at and t.ended_at > t.paid_from)::integer as ended,
           count(*) filter (where t.paying_at_start)::integer as at_start,
           count(*) filter (where t.trial_ends_at >= t.starts_at and t.trial_ends_at < t.ends_at)::integer as trials_ending,
           count(*) filter (where t.trial_ends_at >= t.starts_at and t.trial_ends_at < t.ends_at
                              and (t.ended_at is null or t.ended_at > t.trial_ends_at))::integer as trials_converted
    from terms t
    group by t.month_start
  ),
  customers as (
    select c.month_start,
           count(*) filter (where c.at_start)::integer as at_start,
           count(*) filter (where c.at_end and not c.at_start and not c.paid_before)::integer as new,
           count(*) filter (where c.at_end and not c.at_start and c.paid_before)::integer as reactivated,
           count(*) filter (where c.at_start and not c.at_end)::integer as churned,
           count(*) filter (where c.at_end)::integer as paying
    from (
      select t.month_start, t.user_id, bool_or(t.paying_at_start) as at_start, bool_or(t.paying_at_end) as at_end,
             -- paid for some time before the month: a comeback is a reactivation
             bool_or(t.paid_from < t.starts_at and (t.ended_at is null or t.paid_from < t.ended_at)) as paid_before
      from terms t
      group by t.month_start, t.user_id
    ) c
    group by c.month_start
  )
  select s.month_start, s.active, s.started, s.ended, s.at_start, s.trials_ending, s.trials_converted,
         c.at_start, c.new, c.reactivated, c.churned, c.paying
  from subscriptions s
  join customers c on c.month_start = s.month_start
  -- like every rollup, no row where there is nothing to count
  where greatest(s.active, s.started, s.ended, s.at_start, s.trials_ending) > 0;
end
$$;
comment on function analytics.compute_monthly_subscriptions(p_months date[]) is
  'Rows of analytics.monthly_subscriptions for the given month starts, computed from the platform subscriptions'' timestamps: subscription and customer counts, platform-wide.';
revoke execute on function analytics.compute_monthly_subscriptions(p_months date[]) from public;
