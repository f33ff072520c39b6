-- analytics_reader, for DBAs and BI tools: may read both schemas and run the
-- report functions; it has no access to the platform tables, and nothing in
-- the package's schemas holds personal data (user ids only, never emails).
-- Each object's file grants what this role may do with it. Roles are
-- cluster-wide: created once, never dropped.
do $$
begin
  create role analytics_reader nologin;
exception when duplicate_object then
  null;  -- another database of the cluster created it
end
$$;
comment on role analytics_reader is 'Read-only access to schema analytics (@oet-praxis/analytics); no access to platform tables.';

grant usage on schema analytics to analytics_reader;
grant usage on schema analytics_report to analytics_reader;
-- which migrations ran: node-pg-migrate's table (access/schemas.sql)
grant select on analytics.schema_migrations to analytics_reader;
