create or replace function analytics.refresh_weekly(p_week_start date)
returns jsonb
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  if p_week_start is null or extract(isodow from p_week_start) <> 1 then
    raise exception 'refresh_weekly(%): expected the Monday that starts an ISO week', p_week_start
      using errcode = 'invalid_parameter_value';
  end if;
  return analytics.refresh_range(p_week_start, p_week_start + 6);
end
$$;
comment on function analytics.refresh_weekly(p_week_start date) is
  'Recomputes one ISO week (Monday p_week_start to Sunday): its days, weekly active users, retention and weekly content records. Idempotent and transactional.';
revoke execute on function analytics.refresh_weekly(p_week_start date) from public;
