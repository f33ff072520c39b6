create or replace function analytics.month_instants(p_months date[])
returns table (month_start date, starts_at timestamptz, ends_at timestamptz)
language plpgsql stable
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
begin
  return query
  select m, m::timestamp at time zone v_zone, (m + interval '1 month')::timestamp at time zone v_zone
  from unnest(p_months) m;
end
$$;
comment on function analytics.month_instants(p_months date[]) is
  'Each given month (its first local day) with the instants it starts and ends at (the next month''s first instant) in the reporting zone.';
revoke execute on function analytics.month_instants(p_months date[]) from public;
