-- Change capture on the platform tables (migration 0006): what each write
-- costs the platform, so every choice here was measured (BENCHMARKS.md,
-- "Write path"):
--
-- - INSERT and DELETE: one statement-level trigger per table with a
--   transition table, so a multi-row statement, a COPY or a cascaded delete
--   appends its distinct instants in one INSERT. Session and signup instants
--   are cut to the 15-minute grid (date_bin) first: every reporting zone in
--   use today is offset from UTC by a multiple of 15 minutes, so a cell never
--   straddles a local midnight, and a bulk load logs at most 96 rows a day.
-- - UPDATE: a row-level trigger with UPDATE OF and WHEN. An update that sets
--   no column a metric reads, or sets one to the value it had (the heartbeat
--   `updated_at = now()` that most platforms write), queues no trigger
--   event at all: it costs the platform nothing. A statement-level UPDATE
--   trigger with transition tables cannot have a column list, and would
--   copy every updated row of every UPDATE.
-- - TRUNCATE: no transition table exists, so the whole stored history of
--   the source is marked stale, with the cause, shown in refresh_status.
-- - Every trigger is ENABLE ALWAYS: it also fires under
--   session_replication_role = replica (logical replication apply workers,
--   pg_restore --disable-triggers aside, several ETL tools).
-- - Static SQL only: plpgsql plans each statement once per session.
-- - SECURITY DEFINER with a closed search_path: platform writers need no
--   rights on schema analytics.

create function analytics.capture_sessions()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'INSERT' then
    insert into analytics.invalidation_log (source, at)
    select distinct 'activity', date_bin('15 minutes', r.started_at, timestamptz '2000-01-01 00:00+00') from new_rows r;
  elsif tg_op = 'DELETE' then
    insert into analytics.invalidation_log (source, at)
    select distinct 'activity', date_bin('15 minutes', r.started_at, timestamptz '2000-01-01 00:00+00') from old_rows r;
  elsif new.started_at = old.started_at then
    insert into analytics.invalidation_log (source, at) values ('activity', new.started_at);
  else
    insert into analytics.invalidation_log (source, at) values ('activity', old.started_at), ('activity', new.started_at);
  end if;
  return null;
end
$$;
comment on function analytics.capture_sessions() is
  'Trigger function on public.sessions: logs the started_at instants of inserted and deleted rows (statement level) and of updated rows, before and after (row level).';

create function analytics.capture_feedback_reports()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- A report counts on its session's day. `at` is that day as this
  -- statement sees it; session_id lets the refresh mark the day the session
  -- starts on when it runs, in case another transaction moves the session
  -- before this one commits. Without a visible session (no foreign key, a
  -- session still uncommitted elsewhere), now() stands in until then.
  if tg_op = 'INSERT' then
    insert into analytics.invalidation_log (source, at, session_id)
    select distinct 'activity', coalesce(s.started_at, now()), r.session_id
    from new_rows r left join public.sessions s on s.id = r.session_id;
  elsif tg_op = 'DELETE' then
    -- a cascade from a deleted session finds no session: that delete logged it
    insert into analytics.invalidation_log (source, at, session_id)
    select distinct 'activity', s.started_at, r.session_id
    from old_rows r join public.sessions s on s.id = r.session_id;
  else
    insert into analytics.invalidation_log (source, at, session_id)
    select distinct 'activity', coalesce(s.started_at, now()), r.session_id
    from (values (old.session_id), (new.session_id)) r (session_id)
    left join public.sessions s on s.id = r.session_id;
  end if;
  return null;
end
$$;
comment on function analytics.capture_feedback_reports() is
  'Trigger function on public.feedback_reports: logs the session (and its started_at as the writer sees it) of inserted, deleted and updated reports.';

create function analytics.capture_users()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  if tg_op = 'INSERT' then
    insert into analytics.invalidation_log (source, at)
    select distinct 'signups', date_bin('15 minutes', r.created_at, timestamptz '2000-01-01 00:00+00') from new_rows r;
  elsif tg_op = 'DELETE' then
    insert into analytics.invalidation_log (source, at)
    select distinct 'signups', date_bin('15 minutes', r.created_at, timestamptz '2000-01-01 00:00+00') from old_rows r;
  else
    insert into analytics.invalidation_log (source, at) values ('signups', old.created_at), ('signups', new.created_at);
  end if;
  return null;
end
$$;
comment on function analytics.capture_users() is
  'Trigger function on public.users: logs the created_at instants (signup days, retention cohorts) of inserted, deleted and re-dated users.';

create function analytics.capture_subscriptions()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
begin
  -- Business months are recomputed from the earliest changed one on: one
  -- row, the earliest timestamp of the statement's subscriptions.
  if tg_op = 'INSERT' then
    insert into analytics.invalidation_log (source, at)
    select 'subscriptions', min(least(r.started_at, r.trial_ends_at, r.ended_at)) from new_rows r having count(*) > 0;
  elsif tg_op = 'DELETE' then
    insert into analytics.invalidation_log (source, at)
    select 'subscriptions', min(least(r.started_at, r.trial_ends_at, r.ended_at)) from old_rows r having count(*) > 0;
  else
    insert into analytics.invalidation_log (source, at)
    values ('subscriptions', least(old.started_at, old.trial_ends_at, old.ended_at, new.started_at, new.trial_ends_at, new.ended_at));
  end if;
  return null;
end
$$;
comment on function analytics.capture_subscriptions() is
  'Trigger function on public.subscriptions: logs the earliest timestamp of inserted, deleted and updated subscriptions (their months are recomputed from there on).';

create function analytics.capture_truncate()
returns trigger
language plpgsql
security definer
set search_path = pg_catalog, pg_temp
as $$
declare
  v_zone text := analytics.reporting_timezone();
  v_cause text := format('TRUNCATE %I.%I at %s', tg_table_schema, tg_table_name, now());
begin
  -- No rows to look at: everything stored of the source is stale, from its
  -- first stored day (a day early, in case the zone changes before this
  -- commits) through the stored history.
  insert into analytics.invalidation_log (source, at, until, cause)
  select x.source, x.first_day::timestamp at time zone v_zone - interval '1 day', x.until, v_cause
  from (
    select 'activity' as source, (select min(a.day) from analytics.daily_user_activity a) as first_day, timestamptz 'infinity' as until
    where tg_table_name in ('sessions', 'feedback_reports')
    union all
    select 'signups', (select min(u.day) from analytics.daily_signups u), 'infinity'
    where tg_table_name = 'users'
    union all
    select 'subscriptions', (select min(m.month_start) from analytics.monthly_subscriptions m), null
    where tg_table_name = 'subscriptions'
  ) x
  where x.first_day is not null;
  return null;
end
$$;
comment on function analytics.capture_truncate() is
  'Trigger function for TRUNCATE of the platform tables: marks the whole stored history of the source stale, with the cause.';

-- The triggers. UPDATE OF lists every column a metric reads (README,
-- "How changes are tracked"); WHEN drops updates that set them to the same
-- values before any trigger event is queued. A function, so that `doctor`
-- can name one call that puts back a dropped trigger.
create function analytics.install_capture_triggers()
returns void
language plpgsql
set search_path = pg_catalog, analytics, pg_temp
as $$
declare
  v_table text;
  v_columns text;
  v_changed text;
begin
  for v_table, v_columns in
    select * from (values ('sessions', 'id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status'),
           ('feedback_reports', 'session_id, score_raw, criteria_scores'),
           ('users', 'id, created_at'),
           ('subscriptions', 'id, started_at, trial_ends_at, ended_at, amount_cents, billing_interval')) t
  loop
    select string_agg(format('old.%1$I is distinct from new.%1$I', trim(c)), ' or ')
    into v_changed from unnest(string_to_array(v_columns, ',')) c;
    execute format('drop trigger if exists analytics_log_insert on public.%I', v_table);
    execute format('drop trigger if exists analytics_log_update on public.%I', v_table);
    execute format('drop trigger if exists analytics_log_delete on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_insert on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_delete on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_update on public.%I', v_table);
    execute format('drop trigger if exists analytics_capture_truncate on public.%I', v_table);
    execute format('create trigger analytics_capture_insert after insert on public.%1$I
                    referencing new table as new_rows for each statement execute function analytics.%2$I()',
                   v_table, 'capture_' || v_table);
    execute format('create trigger analytics_capture_delete after delete on public.%1$I
                    referencing old table as old_rows for each statement execute function analytics.%2$I()',
                   v_table, 'capture_' || v_table);
    execute format('create trigger analytics_capture_update after update of %2$s on public.%1$I
                    for each row when (%3$s) execute function analytics.%4$I()',
                   v_table, v_columns, v_changed, 'capture_' || v_table);
    execute format('create trigger analytics_capture_truncate after truncate on public.%I
                    for each statement execute function analytics.capture_truncate()', v_table);
    execute format('alter table public.%I enable always trigger analytics_capture_insert,
                    enable always trigger analytics_capture_delete, enable always trigger analytics_capture_update,
                    enable always trigger analytics_capture_truncate', v_table);
    execute format('comment on trigger analytics_capture_insert on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs what inserted rows make stale (analytics.invalidation_log).');
    execute format('comment on trigger analytics_capture_delete on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs what deleted rows make stale (analytics.invalidation_log).');
    execute format('comment on trigger analytics_capture_update on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: logs what an update of a column the metrics read makes stale (analytics.invalidation_log).');
    execute format('comment on trigger analytics_capture_truncate on public.%I is %L', v_table,
                   'Added by @oet-praxis/analytics: marks the whole stored history of the table stale (analytics.invalidation_log).');
  end loop;
end
$$;
comment on function analytics.install_capture_triggers() is
  'Creates (or re-creates) the change-capture triggers on public.sessions, feedback_reports, users and subscriptions, enabled ALWAYS. Run by migration 0006; run it again when doctor reports a missing trigger.';
revoke execute on function analytics.install_capture_triggers() from public;
select analytics.install_capture_triggers();
drop function analytics.log_source_changes();

create or replace function analytics.invalidate_all()
returns void
language sql
set search_path = pg_catalog, analytics
as $$
  -- From the first instant of each source, or its first stored day if that
  -- is earlier (a day early, as in capture_truncate), through the history.
  with zone as (select analytics.reporting_timezone() as name)
  insert into analytics.invalidation_log (source, at, until, cause)
  select x.source, x.first_at, x.until, 'the whole history was invalidated'
  from zone, lateral (
    select 'activity' as source, timestamptz 'infinity' as until,
           least((select min(s.started_at) from public.sessions s),
                 (select min(a.day) from analytics.daily_user_activity a)::timestamp at time zone zone.name - interval '1 day') as first_at
    union all
    select 'signups', 'infinity',
           least((select min(u.created_at) from public.users u),
                 (select min(d.day) from analytics.daily_signups d)::timestamp at time zone zone.name - interval '1 day')
    union all
    select 'subscriptions', null,
           least((select min(least(s.started_at, s.trial_ends_at, s.ended_at)) from public.subscriptions s),
                 (select min(m.month_start) from analytics.monthly_subscriptions m)::timestamp at time zone zone.name - interval '1 day')
  ) x
  where x.first_at is not null
$$;
comment on function analytics.invalidate_all() is
  'Marks the whole history stale (every source from its first row or first stored day on): the next refresh recomputes everything.';

-- Trigger functions run only as triggers; nobody needs EXECUTE on them.
revoke execute on function analytics.capture_sessions(), analytics.capture_feedback_reports(), analytics.capture_users(),
  analytics.capture_subscriptions(), analytics.capture_truncate() from public;
