create or replace function analytics.refresh_monthly(p_month_start date)
returns jsonb
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  if p_month_start is null or extract(day from p_month_start) <> 1 then
    raise exception 'refresh_monthly(%): expected the 1st of a month', p_month_start
      using errcode = 'invalid_parameter_value';
  end if;
  return analytics.refresh_range(p_month_start, (p_month_start + interval '1 month - 1 day')::date);
end
$$;
comment on function analytics.refresh_monthly(p_month_start date) is
  'Recomputes one calendar month: its days, monthly active users and business metrics. Idempotent and transactional.';
revoke execute on function analytics.refresh_monthly(p_month_start date) from public;
