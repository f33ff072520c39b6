-- Up Migration

-- 0001: the analytics schema's own ground rules.
--
-- node-pg-migrate creates schema `analytics` (and its bookkeeping table
-- analytics.schema_migrations) before this runs: the package owns that one
-- schema and never creates, alters or drops the platform's tables.
-- Objects are created by later migrations, each defined in sql/.

comment on schema analytics is
  'OET Praxis analytics (@oet-praxis/analytics): aggregates, materialized views and refresh functions computed from the platform tables. Owned by the analytics package migrations; contains no personal data.';

-- Nobody but the owner creates objects here; readers get SELECT through the
-- analytics_reader role (added with the views).
revoke create on schema analytics from public;

comment on table analytics.schema_migrations is
  'Migrations applied to schema analytics by `praxis-analytics migrate` (node-pg-migrate bookkeeping): one row per migration file.';
comment on column analytics.schema_migrations.id is 'Order in which the migration was applied.';
comment on column analytics.schema_migrations.name is 'Migration file name without extension, e.g. 0002_sql-core.';
comment on column analytics.schema_migrations.run_on is 'When it was applied (server local time, no zone).';

-- Down Migration

-- Reverts 0001. The schema itself stays: it holds the migrations table.
comment on column analytics.schema_migrations.run_on is null;
comment on column analytics.schema_migrations.name is null;
comment on column analytics.schema_migrations.id is null;
comment on table analytics.schema_migrations is null;
comment on schema analytics is null;
