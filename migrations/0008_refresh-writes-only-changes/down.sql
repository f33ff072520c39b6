-- Reverts migration 0008, after the migration has re-applied the frozen
-- refresh_pending() of 0006 (sql/capture/03-refresh.sql). That file also
-- re-creates refresh_range() and sets both search paths without pg_temp;
-- 0007 closed them, and they stay closed.
alter function analytics.refresh_pending(date) set search_path = pg_catalog, analytics, pg_temp;
alter function analytics.refresh_range(date, date) set search_path = pg_catalog, analytics, pg_temp;
