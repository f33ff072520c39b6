create or replace function analytics.set_reporting_timezone(p_timezone text)
returns boolean
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_stored_through date;
  v_old_zone text;
  v_weeks date[];
  v_months date[];
  v_before jsonb;
  v_recording boolean;
begin
  if p_timezone is null or not exists (select from pg_catalog.pg_timezone_names z where z.name = p_timezone) then
    raise exception 'unknown time zone "%": expected an IANA name such as UTC or Australia/Sydney', p_timezone
      using errcode = 'invalid_parameter_value';
  end if;
  -- the refresh lock first: no refresh runs between the change and the rebuild
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('analytics.refresh'));
  perform analytics.consume_capture(true); -- logical mode: before this transaction writes
  if p_timezone = analytics.reporting_timezone() then
    update analytics.settings set timezone_chosen_at = coalesce(timezone_chosen_at, now());
    return false;
  end if;
  -- Every stored bucket was cut in the old zone. Rebuild the days stored so
  -- far in this transaction (DELETE and INSERT, never TRUNCATE: readers are
  -- not blocked, and see the old zone and its numbers until this commits).
  -- Later days are left to the next refresh, as they were.
  select materialized_through, restatements_from is not null into v_stored_through, v_recording from analytics.settings;
  -- every finished period's numbers in the old zone, to restate those the
  -- new zone changes
  v_old_zone := analytics.reporting_timezone();
  v_weeks := array(select p.period_start from analytics.report_periods p where p.granularity = 'week');
  v_months := array(select p.period_start from analytics.report_periods p where p.granularity = 'month');
  v_before := (select coalesce(jsonb_agg(n), '[]') from analytics.period_numbers(v_weeks, v_months) n);
  update analytics.settings
  set reporting_timezone = p_timezone, timezone_chosen_at = now(), materialized_through = null;
  perform analytics.clear_rollups();
  perform analytics.invalidate_all();
  if v_stored_through is not null then
    perform analytics.refresh_pending(v_stored_through);
  end if;
  if v_stored_through is not null and v_recording then
    perform analytics.record_restatements(v_before, v_weeks, v_months,
      jsonb_build_object('*', format('reporting time zone changed from %s to %s', v_old_zone, p_timezone)));
  end if;
  return true;
end
$$;
comment on function analytics.set_reporting_timezone(p_timezone text) is
  'Changes the reporting time zone and, in the same transaction, rebuilds every stored day in it: readers see the old zone''s numbers until it commits. Every number of a finished period that the new zone changes is recorded in analytics.restatement_log. As long as a full rebuild (run it with no statement_timeout; `praxis-analytics timezone set` does). Returns true when the zone changed.';
revoke execute on function analytics.set_reporting_timezone(p_timezone text) from public;
