// One current definition per object. Every function, view, table, index and
// trigger of the package is created by exactly one file under sql/, named
// after it (or, for the few files that hold a concern rather than one
// object, listed below); sql/install.sql lists each of those files once; and
// applying the files again to an installed database changes nothing in its
// catalog. A migration that changes an object carries a copy of its file
// under the same name, as released; the newest copy equals the file. Whether
// the files equal what the released migrations built is
// test/upgrade-path-*.test.ts's question.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { sqlPath, withPgClient } from '../src/db/sql-file.ts';
import { INSTALL_MANIFEST, installSteps } from '../src/install-script.ts';
import { catalogOfAnalytics } from './helpers/catalog.ts';
import { createTestDatabase } from './helpers/database.ts';

// Not the package: the platform's reference schema and the demo's data.
const NOT_INSTALLED = ['platform', 'seed'];
// Files that hold a concern of several objects, or statements on others' objects.
const CONCERNS: Record<string, string> = {
  'access/schemas.sql': 'the two schemas and node-pg-migrate table comments',
  'access/analytics_reader.sql': 'the reader role and its schema grants',
  'capture/platform_indexes.sql': "the package's indexes on platform tables",
  'capture/first_marks.sql': 'the capture triggers put on, and the history marked, at the first install',
};

const sourceFiles = readdirSync(sqlPath('.'), { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && !NOT_INSTALLED.includes(entry.name))
  .flatMap((layer) => readdirSync(sqlPath(layer.name)).map((file) => `${layer.name}/${file}`))
  .sort();

/** What a file creates, as "kind schema.name" (triggers: their names, created by a function for each platform table). */
function createdBy(text: string): string[] {
  const code = text.replace(/--.*$/gm, '');
  const found = new Set<string>();
  const creates = /\bcreate\s+(?:or\s+replace\s+)?(function|view|table|index|trigger)\s+(?:if\s+not\s+exists\s+)?([a-z_][a-z0-9_.]*)(?:\s+on\s+([a-z_]+)\.)?/gi;
  for (const [, kind, name, indexedSchema] of code.matchAll(creates)) {
    // an index lives in its table's schema; a trigger has no schema of its own
    const schema = name!.includes('.') || kind === 'trigger' ? '' : `${indexedSchema ?? 'analytics'}.`;
    found.add(`${kind!.toLowerCase()} ${schema}${name!.toLowerCase()}`);
  }
  return [...found];
}

/** The package's objects in the catalog, as "kind schema.name" like createdBy's. */
async function liveObjects(pool: DatabasePool): Promise<readonly string[]> {
  return pool.anyFirst(sql.type(z.object({ object: z.string() }))`
    select distinct format('function %s.%s', n.nspname, p.proname) as object
    from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname in ('analytics', 'analytics_report')
    union
    select format('%s %s.%s', case c.relkind when 'i' then 'index' when 'r' then 'table' else 'view' end, n.nspname, c.relname)
    from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where c.relkind in ('r', 'v', 'm', 'i')
      and (n.nspname in ('analytics', 'analytics_report') or (n.nspname = 'public' and c.relname like 'analytics%'))
      -- node-pg-migrate's own table, and indexes that constraints make
      and c.relname <> 'schema_migrations'
      and not exists (select from pg_constraint co where co.conindid = c.oid)
    union
    select distinct format('trigger %s', tg.tgname) from pg_trigger tg where tg.tgname like 'analytics%' and not tg.tgisinternal
    order by 1`);
}

t.test('every file under sql/ outside platform/ and seed/ is in sql/install.sql once, and install.sql lists no other', async (t) => {
  const listed = installSteps().filter((step) => step.file !== INSTALL_MANIFEST).map((step) => step.file);
  t.same([...listed].sort(), sourceFiles);
  t.same(new Set(listed).size, listed.length, 'no file twice');
});

t.test('each file is named after what it defines, or is one of the few concern files', async (t) => {
  for (const file of sourceFiles) {
    if (file in CONCERNS) continue;
    const base = file.replace(/^.*\//, '').replace(/\.sql$/, '');
    const names = createdBy(readFileSync(sqlPath(file), 'utf8')).map((object) => object.replace(/^.* (?:[a-z_]+\.)?/, ''));
    t.ok(names.includes(base), `${file} defines ${base}`);
  }
});

t.test('every object of the installed package is created by exactly one file, and every file creates only live objects', async (t) => {
  const { pool } = await createTestDatabase(t, 'migrated', { capture: 'triggers' }); // a fresh install's catalog
  const live = await liveObjects(pool);
  const definers = new Map<string, string[]>();
  for (const file of sourceFiles) {
    for (const object of createdBy(readFileSync(sqlPath(file), 'utf8'))) definers.set(object, [...(definers.get(object) ?? []), file]);
  }
  for (const object of live) t.equal(definers.get(object)?.length, 1, `${object}: ${definers.get(object)?.join(', ') ?? 'no file'}`);
  const stale = [...definers.keys()].filter((object) => !live.includes(object));
  t.same(stale, [], 'no file creates an object the package does not have');
});

t.test('applying every function and view file again to an installed database leaves its catalog as it was', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'migrated', { capture: 'triggers' }); // a fresh install's catalog
  const before = await catalogOfAnalytics(pool);
  const replaceable = sourceFiles.filter((file) => {
    const objects = createdBy(readFileSync(sqlPath(file), 'utf8'));
    // (a function that creates triggers when it runs is replaced, not run)
    return objects.length > 0 && objects.every((object) => /^(function|view|trigger) /.test(object));
  });
  const replaced = replaceable.flatMap((file) => createdBy(readFileSync(sqlPath(file), 'utf8')));
  const missed = (await liveObjects(pool)).filter((object) => /^(function|view) /.test(object) && !replaced.includes(object));
  t.same(missed, [], 'every function and view is applied again');
  await withPgClient(url, async (client) => {
    for (const file of replaceable) await client.query(readFileSync(sqlPath(file), 'utf8'));
  });
  t.same(await catalogOfAnalytics(pool), before);
});

t.test('the newest copy of a file in migrations/ equals the file: an edit under sql/ needs a migration that carries it', async (t) => {
  const migrations = fileURLToPath(new URL('../migrations/', import.meta.url));
  const folders = readdirSync(migrations, { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name).sort();
  let copies = 0;
  for (const file of sourceFiles) {
    const base = file.replace(/^.*\//, '');
    const newest = folders.filter((folder) => readdirSync(`${migrations}${folder}`).includes(base)).at(-1);
    if (!newest) continue;
    copies += 1;
    t.equal(readFileSync(`${migrations}${newest}/${base}`, 'utf8'), readFileSync(sqlPath(file), 'utf8'), `${file} = migrations/${newest}/${base}`);
  }
  t.ok(copies > 0, 'some files have copies');
});
