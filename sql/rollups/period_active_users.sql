create table analytics.period_active_users (
  granularity   text    not null constraint period_active_users_granularity_check check (granularity in ('week', 'month')),
  period_start  date    not null,
  active_users  integer not null,
  primary key (granularity, period_start)
);
comment on table analytics.period_active_users is
  'Distinct active users over whole ISO weeks and calendar months (never a sum of days); complete periods only.';
comment on column analytics.period_active_users.granularity is
  'week (ISO, Monday to Sunday) or month.';
comment on column analytics.period_active_users.period_start is
  'First local day of the period (a Monday, or the 1st).';
comment on column analytics.period_active_users.active_users is
  'Distinct users who started a session in the period (count).';
grant select on analytics.period_active_users to analytics_reader;
