create or replace function analytics.bucket_bounds(p_from date, p_to date, p_granularity text, out first_day date, out last_day date)
language plpgsql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
begin
  if p_granularity is null or p_granularity not in ('day', 'week', 'month') then
    raise exception 'granularity "%": expected day, week or month', p_granularity using errcode = 'invalid_parameter_value';
  end if;
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'date range % .. %: expected two dates with from <= to', p_from, p_to using errcode = 'invalid_parameter_value';
  end if;
  first_day := date_trunc(p_granularity, p_from::timestamp)::date;
  last_day := (date_trunc(p_granularity, p_to::timestamp) + ('1 ' || p_granularity)::interval - interval '1 day')::date;
end
$$;
comment on function analytics.bucket_bounds(p_from date, p_to date, p_granularity text, OUT first_day date, OUT last_day date) is
  'The first local day of the first day / ISO week / month bucket of p_from .. p_to and the last day of the last one; raises invalid_parameter_value for another granularity or a range that is not from <= to.';
revoke execute on function analytics.bucket_bounds(p_from date, p_to date, p_granularity text, OUT first_day date, OUT last_day date) from public;
grant execute on function analytics.bucket_bounds(p_from date, p_to date, p_granularity text, OUT first_day date, OUT last_day date) to analytics_reader;
