create or replace function analytics.csv_text(p_value text)
returns text
language sql immutable parallel safe
set search_path = pg_catalog, pg_temp
as $$
  -- OWASP CSV injection: a spreadsheet runs a cell that begins with one of
  -- these as a formula; a leading quote makes it plain text.
  select case when left(p_value, 1) in ('=', '+', '-', '@', E'\t', E'\r') then '''' || p_value else p_value end
$$;
comment on function analytics.csv_text(p_value text) is
  'A text cell made safe for spreadsheets (OWASP CSV injection): prefixed with a quote when it begins with =, +, -, @, tab or carriage return. Used for the text columns of CSV exports only, so numbers stay numbers.';
revoke execute on function analytics.csv_text(p_value text) from public;
grant execute on function analytics.csv_text(p_value text) to analytics_reader;
