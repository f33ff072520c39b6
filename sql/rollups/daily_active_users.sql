create table analytics.daily_active_users (
  day  date    not null primary key,
  dau  integer not null,
  wau  integer not null,
  mau  integer not null
);
comment on table analytics.daily_active_users is
  'Rolling distinct active users for every local day up to materialized_through. A user is active on a day when they started a session that day.';
comment on column analytics.daily_active_users.day is
  'Local calendar day d.';
comment on column analytics.daily_active_users.dau is
  'Distinct users active on d (count).';
comment on column analytics.daily_active_users.wau is
  'Distinct users active on d-6 .. d (count).';
comment on column analytics.daily_active_users.mau is
  'Distinct users active on d-29 .. d (count).';
grant select on analytics.daily_active_users to analytics_reader;
