// A DBA's own objects over the package's relations outlive the package's
// upgrades. A migration replaces a function body or a view's query in
// place (CREATE OR REPLACE), which keeps every view that reads it; where it
// must drop a relation, it does so without CASCADE, so PostgreSQL refuses
// while a view of the DBA's reads it, and migrate stops on one line that
// says what to do, with nothing changed.
import t from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { migrate } from '../src/migrate.ts';
import { StateError } from '../src/errors.ts';
import { createTestDatabase } from './helpers/database.ts';
import { executedTexts, migrationFiles } from './helpers/migration-text.ts';
import { catalogOfAnalytics } from './helpers/catalog.ts';
import { RELEASES } from './helpers/upgrade-path.ts';

const FIRST_WITH_REPORTS = RELEASES.indexOf('0009_report-relations') + 1;

const DBA_VIEW = sql.unsafe`
  create view public.dba_week as
  select d.day, d.sessions_started from analytics_report.platform_daily d where d.day >= date '2025-01-01'`;
const dbaViewExists = sql.type(z.object({ present: z.boolean() }))`select to_regclass('public.dba_week') is not null as present`;

t.test('no migration drops with CASCADE, up or down', async (t) => {
  for (const file of await migrationFiles()) {
    const { up, down } = await executedTexts(file);
    const code = [...up, ...down].join('\n').replace(/--.*$/gm, '');
    t.notMatch(code, /\bcascade\b/i, file);
  }
});

t.test('a view of the DBA over analytics_report, made at any release that has it, survives the upgrade to the current one', async (t) => {
  for (const release of RELEASES.slice(FIRST_WITH_REPORTS - 1, -1)) {
    const { url, pool } = await createTestDatabase(t, 'platform');
    await migrate({ databaseUrl: url, count: RELEASES.indexOf(release) + 1 });
    await pool.query(DBA_VIEW);
    const upgraded = await migrate({ databaseUrl: url });
    t.same(upgraded.applied, RELEASES.slice(RELEASES.indexOf(release) + 1), `from ${release}: every later migration applied`);
    t.ok(await pool.oneFirst(dbaViewExists), `from ${release}: public.dba_week is there`);
    t.same(await pool.any(sql.unsafe`select * from public.dba_week`), [], `from ${release}: and reads`);
  }
});

t.test('a migration that must drop a relation a DBA view reads stops on one line, and changes nothing', async (t) => {
  // Reverting the report relations drops their schema: the released path
  // on which a relation goes away.
  const { url, pool } = await createTestDatabase(t);
  await pool.query(DBA_VIEW);
  const before = await catalogOfAnalytics(pool);
  const down = RELEASES.length - FIRST_WITH_REPORTS + 1;
  const refused = migrate({ databaseUrl: url, direction: 'down', count: down });
  await t.rejects(refused, StateError);
  await t.rejects(migrate({ databaseUrl: url, direction: 'down', count: down }), {
    message: /^migrate: objects of yours read what this migration drops \(view dba_week depends on view analytics_report\.platform_daily\): the package never drops objects of yours; drop them, migrate, and create them again\. Nothing was changed$/,
  });
  t.ok(await pool.oneFirst(dbaViewExists), 'public.dba_week is still there');
  t.same(await catalogOfAnalytics(pool), before, 'the package is as it was');
});
