// The SQL entry points a DBA calls by hand refuse bad arguments with one
// message that names the value and what is allowed.
import t from 'tap';
import { sql } from 'slonik';
import { createTestDatabase } from './helpers/database.ts';

t.test('refresh, report and zone functions name the bad argument', async (t) => {
  const { pool } = await createTestDatabase(t);
  const cases = [
    [sql.unsafe`select analytics.set_reporting_timezone('Mars/Olympus')`, /unknown time zone "Mars\/Olympus": expected an IANA name such as UTC/],
    [sql.unsafe`select analytics.refresh_weekly('2026-01-07')`, /refresh_weekly\(2026-01-07\): expected the Monday that starts an ISO week/],
    [sql.unsafe`select analytics.refresh_monthly('2026-01-15')`, /refresh_monthly\(2026-01-15\): expected the 1st of a month/],
    [sql.unsafe`select analytics.refresh_range('2026-02-01', '2026-01-01')`, /refresh_range\(2026-02-01, 2026-01-01\): expected two dates with from <= to/],
    [sql.unsafe`select * from analytics.session_metrics('2026-01-01', '2026-01-31', 'year')`, /granularity "year": expected day, week or month/],
    [sql.unsafe`select * from analytics.verify('2026-02-01', '2026-01-01')`, /verify\(2026-02-01, 2026-01-01\): expected two dates with from <= to/],
  ] as const;
  for (const [query, message] of cases) {
    await t.rejects(pool.query(query), { message }, query.sql);
  }
  // and a refresh of a good week still works after all that
  await t.resolves(pool.query(sql.unsafe`select analytics.refresh_weekly('2026-01-05')`));
});
