create or replace function analytics.refresh_range(p_from date, p_to date)
returns jsonb
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_zone text;
begin
  if p_from is null or p_to is null or p_from > p_to then
    raise exception 'refresh_range(%, %): expected two dates with from <= to', p_from, p_to
      using errcode = 'invalid_parameter_value';
  end if;
  -- the zone that turns these days into instants must hold until they are consumed
  perform pg_advisory_xact_lock(hashtext('analytics.refresh'));
  perform analytics.consume_capture(true); -- logical mode: before this transaction writes
  v_zone := analytics.reporting_timezone();
  -- the days as one range per source (days that have not ended yet are
  -- read live and never stored: the refresh stops at yesterday), and the
  -- subscription months from p_from's on
  insert into analytics.invalidation_log (source, at, until, cause)
  select source, p_from::timestamp at time zone v_zone, case when source <> 'subscriptions' then p_to::timestamp at time zone v_zone end,
         format('refresh of %s .. %s requested', p_from, p_to)
  from unnest(array['activity', 'signups', 'subscriptions']) source;
  return analytics.refresh_pending(greatest(p_to, (select materialized_through from analytics.settings)));
end
$$;
comment on function analytics.refresh_range(p_from date, p_to date) is
  'Recomputes every bucket of local days p_from .. p_to (inclusive; days after yesterday are skipped), plus anything else pending: the backfill. Idempotent and transactional.';
revoke execute on function analytics.refresh_range(p_from date, p_to date) from public;
