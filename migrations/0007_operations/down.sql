-- Reverts migration 0007; the migration then re-applies the frozen
-- definition of verify() (sql/core/06-verify.sql).
--
-- Kept on purpose, because the code of 0006 works with them and they are
-- safer: settings.timezone_chosen_at and set_reporting_timezone() that
-- rebuilds in one transaction (the record of the zone's choice is not thrown
-- away); daily_rows() with qualified catalog names; search paths that end
-- with pg_temp.

drop function analytics.adopt_reporting_timezone(text);
drop function analytics.verify(date, date);
drop function analytics.recompute_daily_active_users(date[]);
drop function analytics.recompute_user_progress_snapshots(date, date);
