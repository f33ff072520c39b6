// A DBA's first install, the ways it happens, in zones east and west of UTC:
// the package migrated onto a platform that already holds its history (then a
// backfill, or the workers alone), or onto an empty one that the platform
// fills afterwards (by COPY and row by row). Whichever way, every report
// relation must equal an oracle computed in TypeScript from the rows the test
// wrote (test/helpers/report-oracle.ts), never from the package.
import t, { type Test } from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { createPgPool } from '../src/db/pg-pool.ts';
import { withPgClient } from '../src/db/sql-file.ts';
import { migrate } from '../src/migrate.ts';
import { pendingDays } from '../src/pending-days.ts';
import { backfill, refreshDue } from '../src/refresh.ts';
import { startScheduler } from '../src/scheduler/scheduler.ts';
import { adoptReportingTimezone } from '../src/timezone.ts';
import { createTestDatabase } from './helpers/database.ts';
import { CLOCK, edgeHistory, ZONES } from './helpers/edge-history.ts';
import { checkReports, copyHistory, insertHistory } from './helpers/install-check.ts';
import { daysBetween } from './helpers/local-time.ts';
import { expectedReports } from './helpers/report-oracle.ts';
import { waitFor } from './helpers/scheduler.ts';

async function platform(t: Test, clock = CLOCK) {
  const database = await createTestDatabase(t, 'platform', { clock });
  const pgPool = createPgPool(database.url, { max: 2 });
  t.teardown(() => pgPool.end());
  return { ...database, pg: pgPool };
}

t.test('the reproduction: installed on a populated database in Sydney, a 04:37 signup keeps its day', async (t) => {
  const { url, pool, pg } = await platform(t, '2026-02-10T00:00:00Z');
  await pool.query(sql.unsafe`
    insert into users (id, email, created_at, profession) values
      (gen_random_uuid(), 'a@x', '2026-01-15 17:37Z', 'nursing'),  -- 04:37 on 16 January in Sydney
      (gen_random_uuid(), 'b@x', '2026-01-17 03:00Z', 'nursing'),  -- 14:00 on 17 January
      (gen_random_uuid(), 'c@x', '2026-01-10 03:00Z', 'nursing')`);
  await migrate({ databaseUrl: url, timezone: 'Australia/Sydney' });
  await backfill(pg, { from: '2026-01-01', to: '2026-01-31', worker: 'test' });
  const stored = await pool.any(sql.type(z.object({ day: z.string(), new_users: z.number() }))`
    select day::text, new_users from analytics.daily_signups order by day`);
  t.same(stored, [
    { day: '2026-01-10', new_users: 1 },
    { day: '2026-01-16', new_users: 1 },
    { day: '2026-01-17', new_users: 1 },
  ]);
});

for (const zone of ZONES) {
  t.test(`${zone}: migrate on a populated database, then refresh --from --to`, async (t) => {
    const { url, pool, pg } = await platform(t);
    const history = edgeHistory(zone);
    await insertHistory(pool, history);
    const installed = await migrate({ databaseUrl: url, timezone: zone });
    // nothing silent: migrate names every day from the platform's first to yesterday as not stored yet
    const { first, through } = expectedReports(history, CLOCK);
    t.same(installed.pending, { firstDay: first, lastDay: through, days: daysBetween(first, through) + 1, zone });
    // the whole year, as a DBA who does not know the first local day would ask
    await backfill(pg, { from: '2025-01-01', to: '2025-12-31', worker: 'test' });
    await checkReports(t, pool, history, CLOCK, zone);
    t.same(await withPgClient(url, pendingDays), { firstDay: null, lastDay: null, days: 0, zone }, 'then nothing is pending');
  });

  t.test(`${zone}: migrate on a populated database, then the workers alone`, async (t) => {
    const { url, pool } = await platform(t);
    const history = edgeHistory(zone);
    await insertHistory(pool, history);
    await migrate({ databaseUrl: url, timezone: zone });
    const worker = await startScheduler({
      databaseUrl: url, timezone: zone, pollingIntervalSeconds: 0.5, retryDelaySeconds: 1, superviseIntervalSeconds: 1, log: () => {},
    });
    t.teardown(() => worker.stop());
    const through = expectedReports(history, CLOCK).through;
    await waitFor('the workers to store every day', () => pool.oneFirst(sql.type(z.object({ done: z.boolean() }))`
      select not exists (select from analytics.due_buckets())
         and (select materialized_through from analytics.settings) = ${through}::date as done`),
      90_000, () => pool.oneFirst(sql.type(z.object({ seen: z.string() }))`
        select format('stored through %s, %s buckets due', (select materialized_through from analytics.settings),
                      (select count(*) from analytics.due_buckets())) as seen`));
    await worker.stop();
    await checkReports(t, pool, history, CLOCK, zone);
  });

  t.test(`${zone}: migrate on an empty database, then the platform loads its rows by COPY and one by one`, async (t) => {
    const { url, pool, pg } = await platform(t);
    const history = edgeHistory(zone);
    await migrate({ databaseUrl: url, timezone: zone });
    await copyHistory(url, pool, history);
    await refreshDue(pg, { worker: 'test' });
    await checkReports(t, pool, history, CLOCK, zone);
  });
}

t.test('a zone chosen by the first worker, after a migrate that named none, still counts every signup', async (t) => {
  const { url, pool, pg } = await platform(t);
  const history = edgeHistory('Pacific/Chatham');
  await insertHistory(pool, history);
  await migrate({ databaseUrl: url });
  await adoptReportingTimezone(pg, 'Pacific/Chatham');
  await refreshDue(pg, { worker: 'test' });
  await checkReports(t, pool, history, CLOCK, 'Pacific/Chatham, zone chosen after migrate');
});
