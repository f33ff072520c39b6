// The package's state as comparable text, for tests that require two
// databases to end alike (an upgrade and a fresh install; up, down and up).
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';

/**
 * Every object of schemas analytics and analytics_report with what defines
 * it: owners, columns (position, type, default, grants), constraints,
 * storage options, function definitions (pg_get_functiondef: body,
 * attributes, settings such as search_path) and grants, view queries,
 * indexes, types, comments; the package's triggers (with their enabled
 * state) on platform tables; and its role.
 */
export async function catalogOfAnalytics(pool: DatabasePool): Promise<readonly string[]> {
  return pool.anyFirst(sql.type(z.object({ entry: z.string() }))`
    with ns as (select oid, nspname, nspowner, nspacl from pg_namespace where nspname in ('analytics', 'analytics_report'))
    select format('schema %s: %s; owner %s; acl %s', n.nspname, obj_description(n.oid, 'pg_namespace'), pg_get_userbyid(n.nspowner), n.nspacl::text) as entry
    from ns n
    union all
    select format('%s %s.%s: %s; owner %s; acl %s; options %s; %s', c.relkind, n.nspname, c.relname, obj_description(c.oid, 'pg_class'),
                  pg_get_userbyid(c.relowner), c.relacl::text, c.reloptions::text,
                  case when c.relkind in ('v', 'm') then pg_get_viewdef(c.oid)
                       when c.relkind = 'i' then pg_get_indexdef(c.oid) end)
    from pg_class c join ns n on n.oid = c.relnamespace
    union all
    select format('column %s.%s.%s #%s %s%s%s: %s; acl %s', n.nspname, c.relname, a.attname,
                  row_number() over (partition by a.attrelid order by a.attnum), format_type(a.atttypid, a.atttypmod),
                  case when a.attnotnull then ' not null' else '' end,
                  coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''), col_description(c.oid, a.attnum), a.attacl::text)
    from pg_attribute a join pg_class c on c.oid = a.attrelid join ns n on n.oid = c.relnamespace
    left join pg_attrdef d on d.adrelid = a.attrelid and d.adnum = a.attnum
    where a.attnum > 0 and not a.attisdropped
    union all
    -- NOT NULL is compared on its column (PostgreSQL 18 also names it a
    -- constraint, after the table it was first created on: a table rebuilt
    -- under its old name by a released migration keeps a suffixed name)
    select format('constraint %s on %s: %s', co.conname, co.conrelid::regclass, pg_get_constraintdef(co.oid))
    from pg_constraint co join ns n on n.oid = co.connamespace where co.contype <> 'n'
    union all
    select format('function %s: %s; owner %s; config %s; acl %s; body %s', p.oid::regprocedure, obj_description(p.oid, 'pg_proc'),
                  pg_get_userbyid(p.proowner), p.proconfig::text, p.proacl::text, md5(pg_get_functiondef(p.oid)))
    from pg_proc p join ns n on n.oid = p.pronamespace
    union all
    select format('trigger %s on %s: %s; enabled %s; %s', tg.tgname, tg.tgrelid::regclass, pg_get_triggerdef(tg.oid), tg.tgenabled,
                  obj_description(tg.oid, 'pg_trigger'))
    from pg_trigger tg where tg.tgname like 'analytics%' and not tg.tgisinternal
    union all
    select format('type %s (%s): %s; owner %s', t.oid::regtype, t.typtype, obj_description(t.oid, 'pg_type'), pg_get_userbyid(t.typowner))
    from pg_type t join ns n on n.oid = t.typnamespace where t.typtype in ('d', 'e', 'r', 'm')
    union all
    select format('role %s: %s', r.rolname, shobj_description(r.oid, 'pg_authid'))
    from pg_roles r where r.rolname = 'analytics_reader'
    order by 1
  `);
}

/** What the rollups hold: each table of schema analytics that a refresh writes, as a digest of its sorted rows (without row ids and creation times). */
export async function rollupContents(pool: DatabasePool): Promise<Record<string, string>> {
  const tables = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'analytics' and c.relkind = 'r'
      and c.relname not in ('invalidation_log', 'refresh_runs', 'settings', 'schema_migrations')
    order by 1`);
  const contents: Record<string, string> = {};
  for (const table of tables) {
    contents[table] = await pool.oneFirst(sql.type(z.object({ digest: z.string() }))`
      select format('%s rows, md5 %s', count(*), md5(coalesce(string_agg((to_jsonb(t) - 'id' - 'created_at')::text, E'\n' order by (to_jsonb(t) - 'id' - 'created_at')::text), '')))
      as digest from ${sql.identifier(['analytics', table])} t`);
  }
  return contents;
}
