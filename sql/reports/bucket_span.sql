create or replace function analytics.bucket_span(p_from date, p_to date, p_granularity text)
returns table (bucket date, first_day date, last_day date, complete boolean)
language plpgsql stable parallel restricted
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_first date;
  v_last date;
  v_step interval;
  v_today date := analytics.local_today();
begin
  select b.first_day, b.last_day into v_first, v_last from analytics.bucket_bounds(p_from, p_to, p_granularity) b;
  v_step := ('1 ' || p_granularity)::interval;
  return query
  select b::date, b::date, (b + v_step - interval '1 day')::date, (b + v_step)::date <= v_today
  from generate_series(v_first::timestamp, (v_last + 1)::timestamp - v_step, v_step) b;
end
$$;
comment on function analytics.bucket_span(p_from date, p_to date, p_granularity text) is
  'The day / ISO week / month buckets covering p_from .. p_to: first and last local day of each, and whether it is over (complete: it ended before local_today()).';
revoke execute on function analytics.bucket_span(p_from date, p_to date, p_granularity text) from public;
grant execute on function analytics.bucket_span(p_from date, p_to date, p_granularity text) to analytics_reader;
