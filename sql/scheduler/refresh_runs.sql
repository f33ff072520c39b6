create table analytics.refresh_runs (
  id              bigint generated always as identity primary key,
  granularity     text not null check (granularity in ('day', 'week', 'month')),
  buckets         date[] not null,
  stale_buckets   date[] not null default '{}',
  outcome         text not null check (outcome in ('refreshed', 'fresh', 'failed')),
  through         date,
  days_recomputed integer not null default 0,
  started_at      timestamptz not null,
  finished_at     timestamptz not null default clock_timestamp(),
  worker          text,
  error           text
);
create index refresh_runs_granularity_finished_idx on analytics.refresh_runs (granularity, finished_at desc);
comment on index analytics.refresh_runs_granularity_finished_idx is 'Latest runs per interval, for refresh_status.';
comment on table analytics.refresh_runs is
  'One row per refresh of a batch of buckets (scheduled job or backfill chunk), including failures. Kept 90 days.';
comment on column analytics.refresh_runs.id is
  'Run number, increasing.';
comment on column analytics.refresh_runs.granularity is
  'Bucket size of the batch: day, week or month.';
comment on column analytics.refresh_runs.buckets is
  'First local day of each bucket the run was asked to refresh.';
comment on column analytics.refresh_runs.stale_buckets is
  'Those of buckets that were not fresh when the run took the refresh lock.';
comment on column analytics.refresh_runs.outcome is
  'refreshed: recomputed what was stale; fresh: nothing was stale (a repeated or overtaken job); failed: see error.';
comment on column analytics.refresh_runs.through is
  'Last local day the run recomputed up to (the last day of its newest stale bucket).';
comment on column analytics.refresh_runs.days_recomputed is
  'Local days whose rollups the run rewrote (count, including earlier days with pending changes).';
comment on column analytics.refresh_runs.started_at is
  'When the run took the refresh lock (so runs never overlap); for a failed run, when its job started.';
comment on column analytics.refresh_runs.finished_at is
  'When the run committed, or when its failure was recorded.';
comment on column analytics.refresh_runs.worker is
  'Who ran it: the worker''s name (host:pid) or "cli".';
comment on column analytics.refresh_runs.error is
  'For a failed run: the error message (one line).';
grant select on analytics.refresh_runs to analytics_reader;
