create table analytics.invalidation_log (
  source          text not null constraint invalidation_log_source_check
                    check (source in ('activity', 'signups', 'subscriptions')),
  at              timestamptz not null,
  until           timestamptz,
  session_id      uuid,
  cause           text,
  invalidated_at  timestamptz not null default now(),
  reports_unchanged boolean not null default false,
  constraint invalidation_log_range_check check (until is null or until >= at)
)
-- a queue: vacuumed after every thousand consumed rows, whatever its size
with (
  autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
  autovacuum_vacuum_insert_scale_factor = 0, autovacuum_vacuum_insert_threshold = 10000,
  autovacuum_analyze_scale_factor = 0, autovacuum_analyze_threshold = 1000);
create index invalidation_log_source_at_idx on analytics.invalidation_log (source, at);
comment on table analytics.invalidation_log is
  'Queue of changes whose aggregates are stale, written by the change capture (triggers on the platform tables, or consume_capture() from the WAL in logical mode; see capture_state), by invalidate_all, refresh_range and refresh_buckets, and consumed by analytics.refresh_pending(), which turns each row into local days in the reporting zone. Duplicates are expected.';
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
comment on column analytics.invalidation_log.invalidated_at is
  'When the change was logged.';
comment on column analytics.invalidation_log.reports_unchanged is
  'True for an update of a session that keeps its id and started_at: the feedback reports that count on its day, and their scores, are unchanged, so the refresh recomputes that day''s session rollups but not its criteria scores. False for every other change (the safe default).';
grant select on analytics.invalidation_log to analytics_reader;
