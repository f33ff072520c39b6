-- The reporting time zone is database state (migration 0007).
--
-- It used to follow whatever ANALYTICS_TIMEZONE the last process started
-- with (default UTC): one worker or `refresh` started without the variable
-- on a Sydney database dropped every rollup. Now the zone is chosen once,
-- kept here, and changed only by set_reporting_timezone(), which rebuilds
-- the stored history in the same transaction: readers keep the old zone's
-- numbers until the new ones commit, never an empty or half-built history.

alter table analytics.settings add column if not exists timezone_chosen_at timestamptz;
comment on column analytics.settings.timezone_chosen_at is
  'When reporting_timezone was chosen: by the first migrate, refresh or worker (from ANALYTICS_TIMEZONE, or confirming the default UTC) or by set_reporting_timezone(). Null until then; a process configured with another zone is refused once it is set.';
-- A database that has stored history already chose its zone.
update analytics.settings set timezone_chosen_at = coalesce(last_refresh_at, now()) where materialized_through is not null;

comment on column analytics.settings.reporting_timezone is
  'IANA time zone in which day/week/month buckets are computed. Chosen once (see timezone_chosen_at); change it only with analytics.set_reporting_timezone(), which rebuilds the stored history.';
comment on table analytics.settings is
  'Package settings and refresh state (exactly one row). Change the zone with analytics.set_reporting_timezone(), never by UPDATE.';

create or replace function analytics.adopt_reporting_timezone(p_configured text)
returns text
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_settings analytics.settings;
begin
  select * into v_settings from analytics.settings;
  if v_settings.timezone_chosen_at is null then
    -- Two processes starting together: the second waits and sees the first's
    -- choice. Only then: a running refresh holds this row until it commits.
    select * into v_settings from analytics.settings for update;
  end if;
  if p_configured is not null and not exists (select from pg_catalog.pg_timezone_names z where z.name = p_configured) then
    raise exception 'unknown time zone "%": expected an IANA name such as UTC or Australia/Sydney', p_configured
      using errcode = 'invalid_parameter_value';
  end if;
  if v_settings.timezone_chosen_at is null then
    -- Nothing is stored before a zone is chosen (a refresh chooses one
    -- first), so taking the configured zone rebuilds nothing.
    update analytics.settings
    set reporting_timezone = coalesce(p_configured, reporting_timezone), timezone_chosen_at = now();
    return coalesce(p_configured, v_settings.reporting_timezone);
  end if;
  if p_configured is not null and p_configured <> v_settings.reporting_timezone then
    raise exception 'the database reports in "%" (chosen %), not in the configured "%"',
      v_settings.reporting_timezone, v_settings.timezone_chosen_at, p_configured
      using errcode = 'object_not_in_prerequisite_state',
            hint = 'Leave the zone unconfigured to use the stored one, or change it with analytics.set_reporting_timezone(), which rebuilds the stored history.';
  end if;
  return v_settings.reporting_timezone;
end
$$;
comment on function analytics.adopt_reporting_timezone(text) is
  'What every migrate, refresh and worker calls first with its configured zone (null: none). The first call chooses the zone (the configured one, else the stored default UTC); later calls return the stored zone, and refuse a different configured one (SQLSTATE 55000) rather than change it: only set_reporting_timezone() changes it.';

create or replace function analytics.set_reporting_timezone(p_timezone text)
returns boolean
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_stored_through date;
begin
  if p_timezone is null or not exists (select from pg_catalog.pg_timezone_names z where z.name = p_timezone) then
    raise exception 'unknown time zone "%": expected an IANA name such as UTC or Australia/Sydney', p_timezone
      using errcode = 'invalid_parameter_value';
  end if;
  -- the refresh lock first: no refresh runs between the change and the rebuild
  perform pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('analytics.refresh'));
  if p_timezone = analytics.reporting_timezone() then
    update analytics.settings set timezone_chosen_at = coalesce(timezone_chosen_at, now());
    return false;
  end if;
  -- Every stored bucket was cut in the old zone. Rebuild the days stored so
  -- far in this transaction (DELETE and INSERT, never TRUNCATE: readers are
  -- not blocked, and see the old zone and its numbers until this commits).
  -- Later days are left to the next refresh, as they were.
  select materialized_through into v_stored_through from analytics.settings;
  update analytics.settings
  set reporting_timezone = p_timezone, timezone_chosen_at = now(), materialized_through = null;
  perform analytics.clear_rollups();
  perform analytics.invalidate_all();
  if v_stored_through is not null then
    perform analytics.refresh_pending(v_stored_through);
  end if;
  return true;
end
$$;
comment on function analytics.set_reporting_timezone(text) is
  'Changes the reporting time zone and, in the same transaction, rebuilds every stored day in it: readers see the old zone''s numbers until it commits. As long as a full rebuild (run it with no statement_timeout; `praxis-analytics timezone set` does). Returns true when the zone changed.';
