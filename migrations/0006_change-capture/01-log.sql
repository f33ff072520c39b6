-- The change log, second version (migration 0006). Triggers on the platform
-- tables append the *instants* their rows belong to (a session's started_at,
-- a user's created_at, ...), never local days: the refresh turns them into
-- local days under its lock, in the reporting zone that holds then. A zone
-- change that commits between a writer's statement and its commit can no
-- longer leave a day of the new zone stale.
--
-- A row marks one local day (the day of `at`), or every day from `at` to
-- `until` (a TRUNCATE, invalidate_all(), a backfill). A row written for a
-- feedback report also names its session: the refresh marks the day that
-- session starts on when the refresh runs, so a report that races a move of
-- its session's started_at still reaches the right day.
--
-- Rows are appended and deleted by the refresh that consumes them, never
-- updated; duplicates are expected. (A unique key with ON CONFLICT DO NOTHING
-- would lose changes: the row a writer skips can be deleted by a refresh that
-- does not yet see the writer's data.)

alter table analytics.invalidation_log rename to invalidation_log_0005;

create table analytics.invalidation_log (
  source          text not null constraint invalidation_log_source_check
                    check (source in ('activity', 'signups', 'subscriptions')),
  at              timestamptz not null,
  until           timestamptz,
  session_id      uuid,
  cause           text,
  invalidated_at  timestamptz not null default now(),
  constraint invalidation_log_range_check check (until is null or until >= at)
);
-- Every freshness question is "is anything of this source pending before
-- instant T": one descent of this index.
create index invalidation_log_source_at_idx on analytics.invalidation_log (source, at);

-- A small, hot queue: vacuum it after every thousand consumed rows rather
-- than after 20% of the table, so the index never carries a day of dead
-- entries, and analyze it as often, so the planner keeps using the index.
alter table analytics.invalidation_log set (
  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 10000,
  autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);

-- Pending days of the previous version, as the instants that start them.
insert into analytics.invalidation_log (source, at, invalidated_at)
select l.source, l.day::timestamp at time zone s.reporting_timezone, l.invalidated_at
from analytics.invalidation_log_0005 l cross join analytics.settings s;
drop table analytics.invalidation_log_0005;

grant select on analytics.invalidation_log to analytics_reader;

comment on table analytics.invalidation_log is
  'Queue of changes whose aggregates are stale, written by triggers on the platform tables (and by invalidate_all, refresh_range, refresh_buckets) and consumed by analytics.refresh_pending(), which turns each row into local days in the reporting zone. Duplicates are expected.';
comment on column analytics.invalidation_log.source is
  'What changed: activity (sessions, feedback_reports), signups (users), subscriptions (from the earliest month on).';
comment on column analytics.invalidation_log.at is
  'Instant whose local day is stale: a session''s started_at, a user''s created_at, a subscription''s earliest timestamp; for a range, the instant of its first day.';
comment on column analytics.invalidation_log.until is
  'For a range (TRUNCATE, invalidate_all, backfill): the instant of its last day, infinity = through the stored history. Null: one day.';
comment on column analytics.invalidation_log.session_id is
  'For a feedback report''s change: its session. The refresh also marks the day that session starts on when the refresh runs (at is that start as the writer saw it).';
comment on column analytics.invalidation_log.cause is
  'Why a range was marked (e.g. "TRUNCATE public.sessions"), shown in refresh_status while pending; null for ordinary row changes.';
comment on column analytics.invalidation_log.invalidated_at is 'When the change was logged.';

create function analytics.local_today()
returns date
language sql stable
set search_path = pg_catalog, analytics
as $$
  select (coalesce(nullif(current_setting('analytics.clock', true), '')::timestamptz, now())
          at time zone analytics.reporting_timezone())::date
$$;
comment on function analytics.local_today() is
  'Today in the reporting zone: the refresh stores days up to the day before. The session setting analytics.clock (an ISO timestamp) replaces now(), so a test or a DBA can ask what a refresh would do on another date.';
revoke execute on function analytics.local_today() from public;
grant execute on function analytics.local_today() to analytics_reader;
