-- Reverts migration 0010 after the migration has re-applied refresh_pending()
-- of 0008, which does not call these.
drop function analytics.derive_period_active_users(text, date[]);
drop function analytics.derive_weekly_retention(date[], date[], date);
