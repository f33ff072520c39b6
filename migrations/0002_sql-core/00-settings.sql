-- Settings and refresh state of the analytics package: one row.

create table analytics.settings (
  singleton             boolean primary key default true constraint settings_single_row check (singleton),
  reporting_timezone    text not null default 'UTC',
  materialized_through  date,
  last_refresh_at       timestamptz,
  last_refresh_days     integer
);
insert into analytics.settings default values;

comment on table analytics.settings is
  'Package settings and refresh state (exactly one row). Change the zone with analytics.set_reporting_timezone(), never by UPDATE.';
comment on column analytics.settings.singleton is 'Always true: makes the table hold one row.';
comment on column analytics.settings.reporting_timezone is
  'IANA time zone in which day/week/month buckets are computed (ANALYTICS_TIMEZONE). Changing it invalidates every bucket.';
comment on column analytics.settings.materialized_through is
  'Last local calendar day whose rollups are stored; later days are computed live from the platform tables when read. Null before the first refresh.';
comment on column analytics.settings.last_refresh_at is 'When the last successful refresh committed.';
comment on column analytics.settings.last_refresh_days is 'How many days the last successful refresh recomputed.';

create function analytics.reporting_timezone()
returns text
language sql stable
set search_path = pg_catalog, analytics
as $$ select reporting_timezone from analytics.settings $$;
comment on function analytics.reporting_timezone() is 'The reporting time zone (IANA name) that buckets are computed in.';

create function analytics.set_reporting_timezone(p_timezone text)
returns boolean
language plpgsql
set search_path = pg_catalog, analytics
as $$
declare
  v_current text := analytics.reporting_timezone();
begin
  if p_timezone is null or not exists (select from pg_timezone_names where name = p_timezone) then
    raise exception 'unknown time zone "%": expected an IANA name such as UTC or Australia/Sydney', p_timezone
      using errcode = 'invalid_parameter_value';
  end if;
  if p_timezone = v_current then
    return false;
  end if;
  -- Every stored bucket was cut in the old zone: drop them all and let the
  -- next refresh rebuild the history in the new one (readers meanwhile get
  -- live computations, as for days not yet stored).
  perform pg_advisory_xact_lock(hashtext('analytics.refresh'));
  update analytics.settings set reporting_timezone = p_timezone, materialized_through = null;
  perform analytics.clear_rollups();
  perform analytics.invalidate_all();
  return true;
end
$$;
comment on function analytics.set_reporting_timezone(text) is
  'Sets the reporting time zone; when it changes, every stored bucket is dropped and the whole history is recomputed by the next refresh. Returns true when it changed.';
