import t from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { migrate } from '../src/migrate.ts';
import { ContractError } from '../src/errors.ts';
import { catalogOfAnalytics } from './helpers/catalog.ts';
import { createTestDatabase } from './helpers/database.ts';
import { migrationFiles } from './helpers/migration-text.ts';

t.test('migrating an up-to-date database applies nothing', async (t) => {
  const { url } = await createTestDatabase(t);
  t.same(await migrate({ databaseUrl: url }), { direction: 'up', applied: [], pending: { firstDay: null, lastDay: null, days: 0, zone: 'UTC' } });
});

t.test('migrate up, down and up again leaves an identical catalog', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'platform');
  const first = await migrate({ databaseUrl: url });
  t.same(first.applied, ['0001_analytics-schema', '0002_sql-core', '0003_scheduler', '0004_refresh-through-stored-history', '0005_admin-api', '0006_change-capture', '0007_operations', '0008_refresh-writes-only-changes', '0009_report-relations', '0010_refresh-at-the-floor', '0011_reads-at-the-floor', '0012_session-updates-keep-criteria', '0013_reads-reaching-today', '0014_first-install-marks', '0015_refresh-in-steps', '0016_mrr-movements', '0017_mrr-movements-api', '0018_revenue-per-currency', '0019_restatements', '0020_logical-capture', '0021_logical-capture-parse']);
  const migrated = await catalogOfAnalytics(pool);
  t.match(migrated.join('\n'), /schema analytics: OET Praxis analytics/);

  const down = await migrate({ databaseUrl: url, direction: 'down', count: 1_000 });
  t.same(down.applied, ['0021_logical-capture-parse', '0020_logical-capture', '0019_restatements', '0018_revenue-per-currency', '0017_mrr-movements-api', '0016_mrr-movements', '0015_refresh-in-steps', '0014_first-install-marks', '0013_reads-reaching-today', '0012_session-updates-keep-criteria', '0011_reads-at-the-floor', '0010_refresh-at-the-floor', '0009_report-relations', '0008_refresh-writes-only-changes', '0007_operations', '0006_change-capture', '0005_admin-api', '0004_refresh-through-stored-history', '0003_scheduler', '0002_sql-core', '0001_analytics-schema']);
  t.notSame(await catalogOfAnalytics(pool), migrated, 'down reverted something');

  await migrate({ databaseUrl: url });
  t.same(await catalogOfAnalytics(pool), migrated);
});

// Downs that keep part of what their up installed, by design (each
// migration's header says why), and what they may leave behind.
const isFunction = (entry: string) => entry.startsWith('function analytics.');
const functionNamed = (...names: string[]) => (entry: string) => names.some((name) => entry.startsWith(`function analytics.${name}(`));
const DOWN_KEEPS: Record<string, (entry: string) => boolean> = {
  // the schema stays: it holds node-pg-migrate's bookkeeping table
  '0001_analytics-schema': (entry) => /^schema analytics: ; /.test(entry),
  // bodies that return the same rows as the ones they replaced
  '0004_refresh-through-stored-history': functionNamed('refresh_pending', 'refresh_range'),
  '0010_refresh-at-the-floor': functionNamed(
    'compute_daily_active_users', 'compute_daily_criteria_scores', 'compute_daily_session_rollups', 'compute_user_progress_snapshots'),
  '0011_reads-at-the-floor': isFunction,
  // every function's closed search_path and qualified names, and when the zone was chosen
  '0007_operations': (entry) => isFunction(entry) || entry.startsWith('column analytics.settings.'),
  // down restores refresh_buckets as a real upgrade has it before 0019 (the
  // text of sql/ at 0018, pg_temp included), not the older text that the
  // defect of 0014's down, below, leaves in this up-down-up chain
  '0019_restatements': functionNamed('refresh_buckets'),
};
// A released down with a defect: it re-applies 0006's text of three
// functions, which drops the pg_temp that 0007 appended to their
// search_path, and 0014's up restores one of them only.
const DOWN_DEFECTS: Record<string, string> = {
  '0014_first-install-marks': 'down leaves bucket_is_fresh, refresh_buckets (and, until up, due_buckets) without pg_temp in their search_path',
};

t.test('each migration: up, down and up again; down restores the catalog before it, except what it keeps by design', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'platform');
  // node-pg-migrate's bookkeeping table is there from the first migrate on
  const catalog = async () => (await catalogOfAnalytics(pool)).filter((entry) => !entry.includes('schema_migrations'));
  const changed = (from: readonly string[], to: readonly string[]) =>
    [...from.filter((entry) => !to.includes(entry)), ...to.filter((entry) => !from.includes(entry))];
  let before = await catalog();
  for (const file of await migrationFiles()) {
    const name = file.replace(/\.(js|sql)$/, '');
    t.same((await migrate({ databaseUrl: url, count: 1 })).applied, [name], `${name}: up`);
    const after = await catalog();
    await migrate({ databaseUrl: url, direction: 'down', count: 1 });
    const left = changed(before, await catalog());
    const keeps = DOWN_KEEPS[name];
    const defect = DOWN_DEFECTS[name];
    if (defect) t.same(left, [], `${name}: down restores the catalog before it`, { todo: defect });
    else if (keeps) t.same(left.filter((entry) => !keeps(entry)), [], `${name}: down restores all but what it keeps (${left.length} entries kept)`);
    else t.same(left, [], `${name}: down restores the catalog before it`);
    await migrate({ databaseUrl: url, count: 1 });
    const again = changed(after, await catalog());
    t.same(again, [], `${name}: up again gives the same catalog`, defect ? { todo: defect } : {});
    before = await catalog();
  }
  t.same((await migrate({ databaseUrl: url })).applied, [], 'migrate again applies nothing');
  t.same(await catalog(), before, 'and changes nothing');
});

t.test('two instances migrating at once apply each migration exactly once', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'platform');
  const results = await Promise.all([migrate({ databaseUrl: url }), migrate({ databaseUrl: url })]);
  const migrations = (await migrationFiles()).length;
  t.same(results.map((result) => result.applied.length).sort((a, b) => a - b), [0, migrations]);
  const rows = await pool.oneFirst(sql.type(z.object({ rows: z.number() }))`
    select count(*) as rows from analytics.schema_migrations`);
  t.equal(rows, migrations);
});

t.test('migrate refuses a database without the platform tables and creates nothing', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'empty');
  await t.rejects(migrate({ databaseUrl: url }), ContractError);
  await t.rejects(migrate({ databaseUrl: url }), { message: /table public\.users is missing; table public\.scenarios is missing/ });
  const schema = await pool.oneFirst(sql.type(z.object({ schema: z.string().nullable() }))`
    select to_regnamespace('analytics')::text as schema`);
  t.equal(schema, null, 'schema analytics was not created');
});
