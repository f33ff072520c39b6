create table analytics.settings (
  singleton             boolean primary key default true constraint settings_single_row check (singleton),
  reporting_timezone    text not null default 'UTC',
  materialized_through  date,
  last_refresh_at       timestamptz,
  last_refresh_days     integer,
  timezone_chosen_at    timestamptz,
  restatements_from     timestamptz
);
insert into analytics.settings default values;
comment on table analytics.settings is
  'Package settings and refresh state (exactly one row). Change the zone with analytics.set_reporting_timezone(), never by UPDATE.';
comment on column analytics.settings.singleton is
  'Always true: makes the table hold one row.';
comment on column analytics.settings.reporting_timezone is
  'IANA time zone in which day/week/month buckets are computed. Chosen once (see timezone_chosen_at); change it only with analytics.set_reporting_timezone(), which rebuilds the stored history.';
comment on column analytics.settings.materialized_through is
  'Last local calendar day whose rollups are stored; later days are computed live from the platform tables when read. Null before the first refresh.';
comment on column analytics.settings.last_refresh_at is
  'When the last successful refresh committed.';
comment on column analytics.settings.last_refresh_days is
  'How many days the last successful refresh recomputed.';
comment on column analytics.settings.timezone_chosen_at is
  'When reporting_timezone was chosen: by the first migrate, refresh or worker (from ANALYTICS_TIMEZONE, or confirming the default UTC) or by set_reporting_timezone(). Null until then; a process configured with another zone is refused once it is set.';
comment on column analytics.settings.restatements_from is
  'When analytics.restatement_log began to record: the end of the first refresh with a package that records restatements. Null until then; the numbers that refresh changes (for example what an upgrade marked stale) are not recorded.';
grant select on analytics.settings to analytics_reader;
