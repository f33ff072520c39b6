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
