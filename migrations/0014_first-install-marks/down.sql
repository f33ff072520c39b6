-- Down of migration 0014. The migration first re-applies due_buckets() of
-- 0006 (sql/capture/04-buckets.sql). The marks 0014 added stay: at worst
-- they recount signup days that were right.
drop function if exists analytics.pending_days();
