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
comment on function analytics.adopt_reporting_timezone(p_configured text) is
  'What every migrate, refresh and worker calls first with its configured zone (null: none). The first call chooses the zone (the configured one, else the stored default UTC); later calls return the stored zone, and refuse a different configured one (SQLSTATE 55000) rather than change it: only set_reporting_timezone() changes it.';
