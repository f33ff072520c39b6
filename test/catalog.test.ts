// Schema analytics as a DBA meets it: everything documented, every function
// with a fixed search_path, no personal data, and a reader role that can
// read the analytics but not the platform.
import t from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures } from './helpers/fixtures.ts';

t.test('every table, view, column and function of schema analytics has a comment', async (t) => {
  const { pool } = await createTestDatabase(t);
  const undocumented = await pool.anyFirst(sql.type(z.object({ object: z.string() }))`
    select format('%s %s', case c.relkind when 'v' then 'view' else 'table' end, c.relname) as object
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'analytics' and c.relkind in ('r', 'v', 'm') and obj_description(c.oid, 'pg_class') is null
    union all
    select format('column %s.%s', c.relname, a.attname)
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'analytics' and c.relkind in ('r', 'v', 'm') and a.attnum > 0 and not a.attisdropped
      and col_description(c.oid, a.attnum) is null
    union all
    select format('function %s', p.oid::regprocedure)
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'analytics' and obj_description(p.oid, 'pg_proc') is null
    order by 1`);
  t.same(undocumented, []);
});

t.test('every function of schema analytics sets its own search_path', async (t) => {
  const { pool } = await createTestDatabase(t);
  const unpinned = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    select p.oid::regprocedure::text as name
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'analytics'
      and not exists (select from unnest(p.proconfig) c where c like 'search_path=%')`);
  t.same(unpinned, []);
});

t.test('no column of schema analytics carries an email or another user attribute', async (t) => {
  const { pool } = await createTestDatabase(t);
  const personal = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    select format('%s.%s', table_name, column_name) as name from information_schema.columns
    where table_schema = 'analytics' and column_name ~ '(email|name|profession|deleted)'
      and table_name <> 'schema_migrations' and table_name <> 'scenarios'`);
  t.same(personal, []);
});

t.test('analytics_reader reads reports but not the platform tables, and cannot refresh', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-05T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([{ n: 1, user: 1, scenario: 1, startedAt: '2026-01-06T10:00:00Z' }]);
  await pool.query(sql.unsafe`select analytics.refresh_pending()`);

  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`set local role analytics_reader`);
    const started = await tx.oneFirst(sql.type(z.object({ sessions_started: z.number() }))`
      select sessions_started from analytics.session_metrics('2026-01-06', '2026-01-06', 'day')`);
    t.equal(started, 1, 'report functions work for the reader');
    const rows = await tx.oneFirst(sql.type(z.object({ rows: z.number() }))`
      select count(*) as rows from analytics.daily_scenario_activity`);
    t.equal(rows, 1, 'rollups are readable');
  });
  for (const forbidden of [
    sql.unsafe`select email from public.users`,
    sql.unsafe`select * from public.sessions`,
    sql.unsafe`select analytics.refresh_pending()`,
    sql.unsafe`delete from analytics.daily_scenario_activity`,
  ]) {
    await t.rejects(
      pool.transaction(async (tx) => {
        await tx.query(sql.unsafe`set local role analytics_reader`);
        await tx.query(forbidden);
      }),
      { message: /permission denied/ },
      forbidden.sql,
    );
  }
});
