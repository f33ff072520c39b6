-- What the subscription and revenue rollups read of each platform
-- subscription, in one place: when it starts paying (the trial's end, else
-- its start), when it ends, and its amount normalised to one month. A
-- subscription pays at instant T when paid_from <= T < coalesce(ended_at,
-- infinity).
create or replace function analytics.subscription_terms()
returns table (subscription_id uuid, user_id uuid, currency text, paid_from timestamptz,
               trial_ends_at timestamptz, ended_at timestamptz, monthly_cents numeric)
language sql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
  select s.id, s.user_id, s.currency, coalesce(s.trial_ends_at, s.started_at), s.trial_ends_at, s.ended_at,
         s.amount_cents::numeric / case s.billing_interval when 'quarter' then 3 when 'year' then 12 else 1 end
  from public.subscriptions s
$$;
comment on function analytics.subscription_terms() is
  'Each platform subscription as the money metrics read it: id, user, currency, paid_from (trial_ends_at, else started_at), trial_ends_at, ended_at, and amount_cents normalised to one month (quarter / 3, year / 12; exact).';
revoke execute on function analytics.subscription_terms() from public;
