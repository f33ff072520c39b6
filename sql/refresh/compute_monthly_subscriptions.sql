create or replace function analytics.compute_monthly_subscriptions(p_months date[])
returns setof analytics.monthly_subscriptions
language plpgsql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
begin
  return query
  with months as (
    select m as month_start,
           m::timestamp at time zone v_zone as starts_at,
           (m + interval '1 month')::timestamp at time zone v_zone as ends_at
    from unnest(p_months) m
  ),
  subs as (
    select s.id, coalesce(s.trial_ends_at, s.started_at) as paid_from, s.ended_at, s.trial_ends_at,
           s.amount_cents::numeric / case s.billing_interval when 'quarter' then 3 when 'year' then 12 else 1 end as monthly_cents
    from public.subscriptions s
  )
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
  from months m
  cross join subs s
  group by m.month_start
  -- like every rollup, no row where there is nothing to count
  having count(*) filter (where (s.paid_from < m.ends_at and (s.ended_at is null or s.ended_at >= m.starts_at))
                            or (s.trial_ends_at >= m.starts_at and s.trial_ends_at < m.ends_at)) > 0;
end
$$;
comment on function analytics.compute_monthly_subscriptions(p_months date[]) is
  'Rows of analytics.monthly_subscriptions for the given month starts, computed from the platform subscriptions'' timestamps.';
revoke execute on function analytics.compute_monthly_subscriptions(p_months date[]) from public;
