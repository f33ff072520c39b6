-- The package's two schemas. node-pg-migrate creates schema analytics, with
-- its bookkeeping table analytics.schema_migrations, before anything else
-- runs: the package owns its schemas and never creates, alters or drops the
-- platform's tables.

comment on schema analytics is
  'OET Praxis analytics (@oet-praxis/analytics): aggregates, materialized views and refresh functions computed from the platform tables. Owned by the analytics package migrations; contains no personal data.';
-- nobody but the owner creates objects here; readers get what they may read
-- through analytics_reader (access/analytics_reader.sql)
revoke create on schema analytics from public;

comment on table analytics.schema_migrations is
  'Migrations applied to schema analytics by `praxis-analytics migrate` (node-pg-migrate bookkeeping): one row per migration file.';
comment on column analytics.schema_migrations.id is 'Order in which the migration was applied.';
comment on column analytics.schema_migrations.name is 'Migration file name without extension, e.g. 0002_sql-core.';
comment on column analytics.schema_migrations.run_on is 'When it was applied (server local time, no zone).';

-- One relation per report grain, for DBAs and BI tools (psql's \dv,
-- Metabase, Superset and Grafana list relations, not set-returning
-- functions): plain views over the rollups (report-relations/).
create schema analytics_report;
comment on schema analytics_report is
  'Report relations of @oet-praxis/analytics for DBAs and BI tools: one view per report grain over the rollups of schema analytics, finished periods only (the current day, week and month are served live by the report functions). Read as analytics_reader.';
