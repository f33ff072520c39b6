create or replace function analytics.bucket_end(p_granularity text, p_start date)
returns date
language plpgsql immutable
set search_path = pg_catalog, analytics, pg_temp
as $$
begin
  case p_granularity
    when 'day' then
      return p_start;
    when 'week' then
      if extract(isodow from p_start) <> 1 then
        raise exception 'week bucket %: expected the Monday that starts an ISO week', p_start
          using errcode = 'invalid_parameter_value';
      end if;
      return p_start + 6;
    when 'month' then
      if extract(day from p_start) <> 1 then
        raise exception 'month bucket %: expected the 1st of a month', p_start
          using errcode = 'invalid_parameter_value';
      end if;
      return (p_start + interval '1 month - 1 day')::date;
    else
      raise exception 'granularity "%": expected day, week or month', p_granularity
        using errcode = 'invalid_parameter_value';
  end case;
end
$$;
comment on function analytics.bucket_end(p_granularity text, p_start date) is
  'Last local day of the bucket that starts on p_start (day; week: a Monday; month: a 1st). Raises on a start that does not begin such a bucket.';
grant execute on function analytics.bucket_end(p_granularity text, p_start date) to analytics_reader;
