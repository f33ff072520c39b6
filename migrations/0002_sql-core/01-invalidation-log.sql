-- Change tracking: statement-level triggers on the platform tables append
-- the local days each statement touched to an append-only log, the way
-- continuous aggregates track invalidated ranges. A refresh deletes the log
-- rows it saw and recomputes those days; rows appended by transactions it
-- could not see stay for the next run, so no change is ever lost. (A unique
-- key with ON CONFLICT DO NOTHING would lose them: the row a writer skips can
-- be deleted by a refresh that does not yet see the writer's data.)

create table analytics.invalidation_log (
  source          text not null constraint invalidation_log_source_check
                    check (source in ('activity', 'signups', 'subscriptions')),
  day             date not null,
  invalidated_at  timestamptz not null default now()
);
create index invalidation_log_source_day_idx on analytics.invalidation_log (source, day);

comment on table analytics.invalidation_log is
  'Append-only log of local days whose aggregates are stale, written by triggers on the platform tables and consumed by analytics.refresh_pending(). Duplicates are expected.';
comment on column analytics.invalidation_log.source is
  'What changed: activity (sessions, feedback_reports: the day the session started), signups (users: the day created_at falls on), subscriptions (the earliest day among the subscription''s timestamps).';
comment on column analytics.invalidation_log.day is 'Local calendar day (reporting time zone) that must be recomputed.';
comment on column analytics.invalidation_log.invalidated_at is 'When the change was logged.';

create function analytics.log_source_changes()
returns trigger
language plpgsql
security definer  -- platform writers need no rights on schema analytics
set search_path = pg_catalog, analytics
as $$
declare
  v_timezone text := analytics.reporting_timezone();
  v_days text;
  v_rows text;
begin
  v_days := case tg_table_name
    when 'sessions' then
      $q$select 'activity', (r.started_at at time zone $1)::date from %I r$q$
    when 'feedback_reports' then
      -- a report belongs to its session's bucket
      $q$select 'activity', (s.started_at at time zone $1)::date
         from %I r join public.sessions s on s.id = r.session_id$q$
    when 'users' then
      $q$select 'signups', (r.created_at at time zone $1)::date from %I r$q$
    when 'subscriptions' then
      $q$select 'subscriptions',
                (least(r.started_at, r.trial_ends_at, r.canceled_at, r.ended_at) at time zone $1)::date
         from %I r$q$
  end;
  foreach v_rows in array case tg_op
    when 'INSERT' then array['new_rows'] when 'DELETE' then array['old_rows'] else array['old_rows', 'new_rows'] end
  loop
    execute format('insert into analytics.invalidation_log (source, day) select distinct * from (' || v_days || ') d', v_rows)
      using v_timezone;
  end loop;
  return null;
end
$$;
comment on function analytics.log_source_changes() is
  'Statement-level trigger function on the platform tables sessions, feedback_reports, users and subscriptions: logs the local days the statement''s old and new rows belong to.';

create function analytics.invalidate_all()
returns void
language sql
set search_path = pg_catalog, analytics
as $$
  with zone as (select analytics.reporting_timezone() as name),
  session_span as (
    select (min(s.started_at) at time zone zone.name)::date as first_day,
           (max(s.started_at) at time zone zone.name)::date as last_day
    from public.sessions s, zone
    group by zone.name
  )
  insert into analytics.invalidation_log (source, day)
  select 'activity', d::date
  from session_span, generate_series(session_span.first_day, session_span.last_day, interval '1 day') d
  union all
  select distinct 'signups', (u.created_at at time zone zone.name)::date from public.users u, zone
  union all
  select 'subscriptions', (min(least(s.started_at, s.trial_ends_at, s.canceled_at, s.ended_at)) at time zone zone.name)::date
  from public.subscriptions s, zone
  group by zone.name
$$;
comment on function analytics.invalidate_all() is
  'Marks the whole history stale (every day from the first to the last session, every signup day, every subscription): the next refresh recomputes everything.';
