create table analytics.daily_signups (
  day        date    not null primary key,
  new_users  integer not null
);
comment on table analytics.daily_signups is
  'Users created per local day, deleted users included. Grain: day.';
comment on column analytics.daily_signups.day is
  'Local calendar day of users.created_at.';
comment on column analytics.daily_signups.new_users is
  'Users created that day (count).';
grant select on analytics.daily_signups to analytics_reader;
