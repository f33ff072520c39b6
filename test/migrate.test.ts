import t from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { migrate } from '../src/migrate.ts';
import { ContractError } from '../src/errors.ts';
import { catalogOfAnalytics } from './helpers/catalog.ts';
import { createTestDatabase } from './helpers/database.ts';

t.test('migrating an up-to-date database applies nothing', async (t) => {
  const { url } = await createTestDatabase(t);
  t.same(await migrate({ databaseUrl: url }), { direction: 'up', applied: [], pending: { firstDay: null, lastDay: null, days: 0, zone: 'UTC' } });
});

t.test('migrate up, down and up again leaves an identical catalog', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'platform');
  const first = await migrate({ databaseUrl: url });
  t.same(first.applied, ['0001_analytics-schema', '0002_sql-core', '0003_scheduler', '0004_refresh-through-stored-history', '0005_admin-api', '0006_change-capture', '0007_operations', '0008_refresh-writes-only-changes', '0009_report-relations', '0010_refresh-at-the-floor', '0011_reads-at-the-floor', '0012_session-updates-keep-criteria', '0013_reads-reaching-today', '0014_first-install-marks']);
  const migrated = await catalogOfAnalytics(pool);
  t.match(migrated.join('\n'), /schema analytics: OET Praxis analytics/);

  const down = await migrate({ databaseUrl: url, direction: 'down', count: 1_000 });
  t.same(down.applied, ['0014_first-install-marks', '0013_reads-reaching-today', '0012_session-updates-keep-criteria', '0011_reads-at-the-floor', '0010_refresh-at-the-floor', '0009_report-relations', '0008_refresh-writes-only-changes', '0007_operations', '0006_change-capture', '0005_admin-api', '0004_refresh-through-stored-history', '0003_scheduler', '0002_sql-core', '0001_analytics-schema']);
  t.notSame(await catalogOfAnalytics(pool), migrated, 'down reverted something');

  await migrate({ databaseUrl: url });
  t.same(await catalogOfAnalytics(pool), migrated);
});

t.test('two instances migrating at once apply each migration exactly once', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'platform');
  const results = await Promise.all([migrate({ databaseUrl: url }), migrate({ databaseUrl: url })]);
  t.same(results.map((result) => result.applied.length).sort((a, b) => a - b), [0, 14]);
  const rows = await pool.oneFirst(sql.type(z.object({ rows: z.number() }))`
    select count(*) as rows from analytics.schema_migrations`);
  t.equal(rows, 14);
});

t.test('migrate refuses a database without the platform tables and creates nothing', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'empty');
  await t.rejects(migrate({ databaseUrl: url }), ContractError);
  await t.rejects(migrate({ databaseUrl: url }), { message: /table public\.users is missing; table public\.scenarios is missing/ });
  const schema = await pool.oneFirst(sql.type(z.object({ schema: z.string().nullable() }))`
    select to_regnamespace('analytics')::text as schema`);
  t.equal(schema, null, 'schema analytics was not created');
});
