-- Migration 0019, once: analytics.settings.restatements_from. Null here, so
-- the first refresh after this upgrade, which fills what earlier upgrades
-- marked stale, records no restatement; it sets the column at its end.
alter table analytics.settings add column restatements_from timestamptz;
comment on column analytics.settings.restatements_from is
  'When analytics.restatement_log began to record: the end of the first refresh with a package that records restatements. Null until then; the numbers that refresh changes (for example what an upgrade marked stale) are not recorded.';
