-- The change log learns which changes cannot move a feedback report
-- (migration 0012). A constant default: PostgreSQL 11 and later add the
-- column to the catalog only, without rewriting the table; the lock it takes
-- is held for that moment, under migrate's lock_timeout.
alter table analytics.invalidation_log
  add column reports_unchanged boolean not null default false;

comment on column analytics.invalidation_log.reports_unchanged is
  'True for an update of a session that keeps its id and started_at: the feedback reports that count on its day, and their scores, are unchanged, so the refresh recomputes that day''s session rollups but not its criteria scores. False for every other change (the safe default).';
