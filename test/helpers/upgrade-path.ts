// An upgrade from every released migration, each holding data: the platform
// history loaded, the package migrated to release N and refreshed half-way
// as that release did it, then migrated to the current release and left to
// one pass of the workers. The result must equal the oracle, and a fresh
// install of the current release refreshed over the same history: the same
// catalog and the same rollup rows; and verify() finds nothing to report.
// Shared by the two files that split the
// zones between them, so tap runs them in parallel.
import type { Test } from 'tap';
import { sql } from 'slonik';
import { createPgPool } from '../../src/db/pg-pool.ts';
import { migrate } from '../../src/migrate.ts';
import { backfill, refreshDue } from '../../src/refresh.ts';
import { catalogOfAnalytics, rollupContents } from './catalog.ts';
import { createTestDatabase } from './database.ts';
import { CLOCK, edgeHistory } from './edge-history.ts';
import { checkReports, insertHistory } from './install-check.ts';
import { migrationFiles } from './migration-text.ts';

/** Every migration in migrations/, oldest first: each one a release a database may stand at. */
export const RELEASES = (await migrationFiles()).map((file) => file.replace(/\.(js|sql)$/, ''));

// The first releases had no stored zone (the process's ANALYTICS_TIMEZONE
// was written into analytics.settings, then the history marked stale) and no
// injectable clock (the half-way refresh names its last day).
const FIRST_WITH_STORED_ZONE = RELEASES.indexOf('0007_operations') + 1;
const HALF_WAY = '2025-06-30';

async function platform(t: Test) {
  const database = await createTestDatabase(t, 'platform', { clock: CLOCK });
  const pg = createPgPool(database.url, { max: 2 });
  t.teardown(() => pg.end());
  return { ...database, pg };
}

export function upgradeTests(t: Test, zones: readonly string[]): void {
  for (const zone of zones) {
    void t.test(`${zone}: an upgrade from every release ends where a fresh install does`, async (t) => {
      const history = edgeHistory(zone);
      const fresh = await platform(t);
      await insertHistory(fresh.pool, history);
      await migrate({ databaseUrl: fresh.url, timezone: zone });
      await backfill(fresh.pg, { from: '2025-01-01', to: '2025-12-31', worker: 'test' });
      await checkReports(t, fresh.pool, history, CLOCK, `${zone}, fresh install`);
      const want = { catalog: await catalogOfAnalytics(fresh.pool), rollups: await rollupContents(fresh.pool) };

      for (const [index, release] of RELEASES.slice(0, -1).entries()) {
        const count = index + 1;
        const { url, pool, pg } = await platform(t);
        await insertHistory(pool, history);
        if (count >= FIRST_WITH_STORED_ZONE) {
          await migrate({ databaseUrl: url, count, timezone: zone });
        } else {
          await migrate({ databaseUrl: url, count });
          if (count > 1) {
            await pool.query(sql.unsafe`update analytics.settings set reporting_timezone = ${zone}`);
            await pool.query(sql.unsafe`select analytics.invalidate_all()`);
          }
        }
        if (count > 1) await pool.query(sql.unsafe`select analytics.refresh_pending(${HALF_WAY}::date)`);

        await migrate({ databaseUrl: url, timezone: zone });
        await refreshDue(pg, { worker: 'test' });
        const label = `${zone}, upgraded from ${release}`;
        await checkReports(t, pool, history, CLOCK, label);
        t.same(await rollupContents(pool), want.rollups, `${label}: the rollups hold what a fresh install's do`);
        t.same(await pool.anyFirst(sql.unsafe`select object || ' ' || key from analytics.verify('2025-01-01', '2025-12-31')`), [],
          `${label}: verify finds every stored number equal to its recomputation from the platform tables`);
        t.same(await catalogOfAnalytics(pool), want.catalog, `${label}: the catalog is a fresh install's`);
      }
    });
  }
}
