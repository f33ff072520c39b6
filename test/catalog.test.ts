// Schema analytics as a DBA meets it: everything documented, every function
// with a fixed search_path, no personal data, and a reader role that can
// read the analytics but not the platform.
import t from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures } from './helpers/fixtures.ts';

t.test('every table, view, column and function of schemas analytics and analytics_report has a comment', async (t) => {
  const { pool } = await createTestDatabase(t);
  const undocumented = await pool.anyFirst(sql.type(z.object({ object: z.string() }))`
    select format('%s %s.%s', case c.relkind when 'v' then 'view' else 'table' end, n.nspname, c.relname) as object
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('analytics', 'analytics_report') and c.relkind in ('r', 'v', 'm') and obj_description(c.oid, 'pg_class') is null
    union all
    select format('column %s.%s.%s', n.nspname, c.relname, a.attname)
    from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname in ('analytics', 'analytics_report') and c.relkind in ('r', 'v', 'm') and a.attnum > 0 and not a.attisdropped
      and col_description(c.oid, a.attnum) is null
    union all
    select format('function %s', p.oid::regprocedure)
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'analytics' and obj_description(p.oid, 'pg_proc') is null
    union all
    select format('schema %s', n.nspname) from pg_namespace n
    where n.nspname in ('analytics', 'analytics_report') and obj_description(n.oid, 'pg_namespace') is null
    order by 1`);
  t.same(undocumented, []);
});

t.test('every function of schema analytics sets its own search_path or was bound when created', async (t) => {
  const { pool } = await createTestDatabase(t);
  // A SQL-standard body (BEGIN ATOMIC, prosqlbody) has its names resolved at
  // CREATE time, so no caller's search_path reaches it; such a function goes
  // without a SET clause so that the planner can inline it (user_days).
  const unpinned = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    select p.oid::regprocedure::text as name
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace
    where n.nspname = 'analytics' and p.prosqlbody is null
      and not exists (select from unnest(p.proconfig) c where c like 'search_path=%')`);
  t.same(unpinned, []);
});

t.test('every function of schema analytics searches pg_temp last, never first', async (t) => {
  const { pool } = await createTestDatabase(t);
  // pg_temp left out of a search_path is searched first: a caller's
  // temporary table would shadow catalog and analytics names
  const open = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    select format('%s (%s)', p.oid::regprocedure, c) as name
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace, unnest(p.proconfig) c
    where n.nspname = 'analytics' and c like 'search_path=%' and c !~ '(=|, *)pg_temp$'
    order by 1`);
  t.same(open, []);
});

t.test('analytics_reader gets the same answers with temporary tables named like catalog and analytics relations', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-05T08:00:00Z' }, { n: 2, createdAt: '2026-01-05T09:00:00Z' }]);
  await add.scenarios([{ n: 1 }, { n: 2 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-06T10:00:00Z' },
    { n: 2, user: 2, scenario: 2, startedAt: '2026-01-07T11:00:00Z', status: 'abandoned' },
    { n: 3, user: 1, scenario: 2, startedAt: '2026-01-08T12:00:00Z' },
  ]);
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`set local analytics.clock = '2026-01-08T18:00:00Z'`);
    await tx.query(sql.unsafe`select analytics.refresh_pending()`);
  });
  // stored days (6th, 7th) and a live one (8th), through every reading path
  const reports = sql.unsafe`
    select jsonb_build_object(
      'sessions', (select jsonb_agg(m order by m.bucket) from analytics.session_metrics('2026-01-06', '2026-01-08', 'day') m),
      'series', (select jsonb_agg(m order by m.bucket) from analytics.metric_series('sessions_started', '2026-01-06', '2026-01-08') m),
      'scenarios', (select jsonb_agg(r order by r.scenario_id) from analytics.scenario_report('2026-01-06', '2026-01-08') r),
      'active', (select jsonb_agg(a order by a.day) from analytics.active_users('2026-01-06', '2026-01-08') a),
      'usage', (select jsonb_agg(u order by u.weekday, u.hour) from analytics.usage_patterns('2026-01-06', '2026-01-08') u)
    ) as reports`;
  const read = async (shadow: boolean) => pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`set local role analytics_reader`);
    await tx.query(sql.unsafe`set local analytics.clock = '2026-01-08T18:00:00Z'`);
    if (shadow) {
      // what a reader can create: temporary tables, dropped at commit
      await tx.query(sql.unsafe`
        create temporary table pg_type on commit drop as
          select 'pg_catalog.pg_type'::regclass::oid as oid, 'hourly_sessions'::name as typname
          union all select t.oid, 'daily_signups'::name from pg_catalog.pg_type t
          where t.typname in ('daily_scenario_activity', 'daily_user_activity', 'daily_session_durations')`);
      await tx.query(sql.unsafe`create temporary table settings on commit drop as
        select 'Pacific/Kiritimati'::text as reporting_timezone, '2025-01-01'::pg_catalog.date as materialized_through`);
      await tx.query(sql.unsafe`create temporary table daily_scenario_activity (like analytics.daily_scenario_activity) on commit drop`);
      await tx.query(sql.unsafe`create temporary table daily_user_activity (like analytics.daily_user_activity) on commit drop`);
      await tx.query(sql.unsafe`create temporary table sessions (id uuid, user_id uuid, scenario_id uuid, started_at timestamptz) on commit drop`);
    }
    return tx.oneFirst(sql.type(z.object({ reports: z.unknown() }))`${reports}`);
  });
  const plain = await read(false);
  t.match(plain, { sessions: [{ sessions_started: 1 }, { sessions_started: 1 }, { sessions_started: 1 }] }, 'the fixture reads as written');
  t.same(await read(true), plain);
});

t.test('no column of schemas analytics and analytics_report carries an email or another user attribute', async (t) => {
  const { pool } = await createTestDatabase(t);
  // scenario relations carry the scenario's title and profession, not a user's
  const personal = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    select format('%s.%s.%s', table_schema, table_name, column_name) as name from information_schema.columns
    where table_schema in ('analytics', 'analytics_report') and column_name ~ '(email|name|profession|deleted)'
      and table_name not in ('schema_migrations', 'scenarios', 'scenario_daily', 'scenario_weekly')`);
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
