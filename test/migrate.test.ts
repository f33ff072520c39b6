import t from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { migrate } from '../src/migrate.ts';
import { ContractError } from '../src/errors.ts';
import { createTestDatabase } from './helpers/database.ts';

// Everything a migration can change in schema analytics, as comparable text.
async function catalogOfAnalytics(pool: DatabasePool): Promise<readonly string[]> {
  return pool.anyFirst(sql.type(z.object({ entry: z.string() }))`
    select format('schema %s: %s; acl %s', n.nspname, obj_description(n.oid, 'pg_namespace'), n.nspacl::text) as entry
    from pg_namespace n where n.nspname in ('analytics', 'analytics_report')
    union all
    select format('%s %s: %s', c.relkind, c.relname, obj_description(c.oid, 'pg_class'))
    from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname in ('analytics', 'analytics_report')
    union all
    select format('function %s: %s', p.oid::regprocedure, obj_description(p.oid, 'pg_proc'))
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname in ('analytics', 'analytics_report')
    order by 1
  `);
}

t.test('migrating an up-to-date database applies nothing', async (t) => {
  const { url } = await createTestDatabase(t);
  t.same(await migrate({ databaseUrl: url }), { direction: 'up', applied: [] });
});

t.test('migrate up, down and up again leaves an identical catalog', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'platform');
  const first = await migrate({ databaseUrl: url });
  t.same(first.applied, ['0001_analytics-schema', '0002_sql-core', '0003_scheduler', '0004_refresh-through-stored-history', '0005_admin-api', '0006_change-capture', '0007_operations', '0008_refresh-writes-only-changes', '0009_report-relations', '0010_refresh-at-the-floor', '0011_reads-at-the-floor', '0012_session-updates-keep-criteria', '0013_reads-reaching-today']);
  const migrated = await catalogOfAnalytics(pool);
  t.match(migrated.join('\n'), /schema analytics: OET Praxis analytics/);

  const down = await migrate({ databaseUrl: url, direction: 'down', count: 1_000 });
  t.same(down.applied, ['0013_reads-reaching-today', '0012_session-updates-keep-criteria', '0011_reads-at-the-floor', '0010_refresh-at-the-floor', '0009_report-relations', '0008_refresh-writes-only-changes', '0007_operations', '0006_change-capture', '0005_admin-api', '0004_refresh-through-stored-history', '0003_scheduler', '0002_sql-core', '0001_analytics-schema']);
  t.notSame(await catalogOfAnalytics(pool), migrated, 'down reverted something');

  await migrate({ databaseUrl: url });
  t.same(await catalogOfAnalytics(pool), migrated);
});

t.test('two instances migrating at once apply each migration exactly once', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'platform');
  const results = await Promise.all([migrate({ databaseUrl: url }), migrate({ databaseUrl: url })]);
  t.same(results.map((result) => result.applied.length).sort(), [0, 13]);
  const rows = await pool.oneFirst(sql.type(z.object({ rows: z.number() }))`
    select count(*) as rows from analytics.schema_migrations`);
  t.equal(rows, 13);
});

t.test('migrate refuses a database without the platform tables and creates nothing', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'empty');
  await t.rejects(migrate({ databaseUrl: url }), ContractError);
  await t.rejects(migrate({ databaseUrl: url }), { message: /table public\.users is missing; table public\.scenarios is missing/ });
  const schema = await pool.oneFirst(sql.type(z.object({ schema: z.string().nullable() }))`
    select to_regnamespace('analytics')::text as schema`);
  t.equal(schema, null, 'schema analytics was not created');
});
