// verify() checks every stored aggregate against the platform tables only.
// The derived rollups (daily_active_users, user_progress_snapshots) are
// computed from daily_user_activity; if verify recomputed them from that
// stored table too, a wrong daily_user_activity row carried into them by a
// refresh would go unseen there: both sides of the comparison would share
// the error. Each test corrupts stored rows by hand (as the table owner) and
// lists exactly which stored rows verify must report, so a false positive
// fails as well as a miss. "Today" is pinned with analytics.clock.
import t, { type Test } from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const TODAY = '2026-01-20T12:00:00Z';
const RANGE = { from: '2026-01-01', to: '2026-01-19' };
const [user1, user2, user3] = [id('user', 1), id('user', 2), id('user', 3)];

/** Stores every day up to yesterday of the pinned today (2026-01-19). */
async function refresh(pool: DatabasePool): Promise<void> {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`select set_config('analytics.clock', ${TODAY}, true)`);
    await tx.query(sql.unsafe`select analytics.refresh_pending()`);
  });
}

/** What verify reports, as "object key" lines in a stable order. */
async function reported(pool: DatabasePool): Promise<readonly string[]> {
  return pool.anyFirst(sql.type(z.object({ line: z.string() }))`
    select object || ' ' || key as line from analytics.verify(${RANGE.from}::date, ${RANGE.to}::date) order by 1`);
}

/**
 * Three users active on a few days of January 2026, scored, stored by a
 * refresh through 2026-01-19:
 *   user 1: Jan 6, Jan 8, Jan 12     user 2: Jan 8, Jan 13     user 3: Jan 14
 */
async function start(t: Test): Promise<DatabasePool> {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([1, 2, 3].map((n) => ({ n, createdAt: '2026-01-05T08:00:00Z' })));
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-06T10:00:00Z' },
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-08T10:00:00Z' },
    { n: 3, user: 1, scenario: 1, startedAt: '2026-01-12T10:00:00Z' },
    { n: 4, user: 2, scenario: 1, startedAt: '2026-01-08T15:00:00Z' },
    { n: 5, user: 2, scenario: 1, startedAt: '2026-01-13T15:00:00Z' },
    { n: 6, user: 3, scenario: 1, startedAt: '2026-01-14T09:00:00Z' },
  ]);
  await add.reports([
    { session: 1, scoreRaw: 300 }, { session: 2, scoreRaw: 320 }, { session: 3, scoreRaw: 340 },
    { session: 4, scoreRaw: 400 }, { session: 5, scoreRaw: 410 }, { session: 6, scoreRaw: 250 },
  ]);
  await refresh(pool);
  t.same(await reported(pool), [], 'freshly stored: verify finds nothing');
  return pool;
}

t.test('a corrupted daily_user_activity carried into the derived rollups by a refresh is found in them too', async (t) => {
  const pool = await start(t);
  // Two stored rows go wrong behind the refresh's back: user 1's score on
  // Jan 12, and user 2's activity of Jan 13 is lost.
  await pool.query(sql.unsafe`
    update analytics.daily_user_activity set score_sum = score_sum + 100 where user_id = ${user1} and day = '2026-01-12'`);
  await pool.query(sql.unsafe`delete from analytics.daily_user_activity where user_id = ${user2} and day = '2026-01-13'`);
  // A real change on Jan 8, to both users' scores and to who was active
  // (user 3 starts a session): the refresh recomputes Jan 8 from the
  // platform tables, then from the stored days after it the rolling windows
  // of Jan 8 .. 19 (which move only when the day's active users change) and
  // the users' snapshots.
  await pool.query(sql.unsafe`update public.feedback_reports set score_raw = score_raw + 10
                              where session_id in (${id('session', 2)}, ${id('session', 4)})`);
  await fixtures(pool).sessions([{ n: 7, user: 3, scenario: 1, startedAt: '2026-01-08T12:00:00Z' }]);
  await refresh(pool);

  // what the refresh stored: the corruption spread to the derived rollups
  const stored = await pool.one(sql.type(z.object({ user1_jan12: z.string().nullable(), user2_jan13: z.number(), dau_jan13: z.number() }))`
    select (select score_sum::text from analytics.user_progress_snapshots
            where user_id = ${user1} and snapshot_date = '2026-01-12') as user1_jan12,
           (select count(*)::int from analytics.user_progress_snapshots
            where user_id = ${user2} and snapshot_date = '2026-01-13') as user2_jan13,
           (select dau from analytics.daily_active_users where day = '2026-01-13') as dau_jan13`);
  t.same(stored, { user1_jan12: '1070', user2_jan13: 0, dau_jan13: 0 },
    'the refresh carried the wrong rows on: user 1\'s score 300 + 330 + 340 + 100, user 2 absent on Jan 13');

  t.same(await reported(pool), [
    // user 2 lost from Jan 13: dau that day, wau where Jan 8 no longer covers it
    'daily_active_users 2026-01-13',
    'daily_active_users 2026-01-15',
    'daily_active_users 2026-01-16',
    'daily_active_users 2026-01-17',
    'daily_active_users 2026-01-18',
    'daily_active_users 2026-01-19',
    `daily_user_activity 2026-01-12/${user1}`,
    `daily_user_activity 2026-01-13/${user2}`,
    `user_progress_snapshots ${user1}/2026-01-12`,
    `user_progress_snapshots ${user2}/2026-01-13`,
  ], 'each wrong stored row, in daily_user_activity and in what was derived from it');
});

t.test('a score changed by hand in daily_user_activity and in the snapshots is found in both', async (t) => {
  const pool = await start(t);
  await pool.query(sql.unsafe`
    update analytics.daily_user_activity set score_sum = score_sum + 100 where user_id = ${user1} and day = '2026-01-08'`);
  await pool.query(sql.unsafe`
    update analytics.user_progress_snapshots
    set score_sum = score_sum + 100, average_score = (score_sum + 100) / scored_sessions
    where user_id = ${user1} and snapshot_date >= '2026-01-08'`);

  const rows = await pool.any(sql.type(z.object({ object: z.string(), key: z.string(), stored: z.unknown(), recomputed: z.unknown() }))`
    select object, key, stored, recomputed from analytics.verify(${RANGE.from}::date, ${RANGE.to}::date) order by 1, 2`);
  t.same(rows.map((row) => `${row.object} ${row.key}`), [
    `daily_user_activity 2026-01-08/${user1}`,
    `user_progress_snapshots ${user1}/2026-01-08`,
    `user_progress_snapshots ${user1}/2026-01-12`,
  ]);
  t.match(rows[1], {
    stored: { score_sum: 720, average_score: 360 },
    recomputed: { score_sum: 620, average_score: 310 },
  }, 'the recomputation holds the platform\'s scores (300 + 320)');
});

t.test('an active day deleted by hand from daily_user_activity and from the derived rollups is found in all', async (t) => {
  const pool = await start(t);
  // user 3's only active day (Jan 14) disappears everywhere, consistently:
  // its activity row, its snapshot, and its count in the rolling windows
  await pool.query(sql.unsafe`delete from analytics.daily_user_activity where user_id = ${user3} and day = '2026-01-14'`);
  await pool.query(sql.unsafe`delete from analytics.user_progress_snapshots where user_id = ${user3}`);
  await pool.query(sql.unsafe`
    update analytics.daily_active_users
    set dau = dau - (day = '2026-01-14')::int, wau = wau - 1, mau = mau - 1
    where day between '2026-01-14' and '2026-01-19'`);

  t.same(await reported(pool), [
    'daily_active_users 2026-01-14',
    'daily_active_users 2026-01-15',
    'daily_active_users 2026-01-16',
    'daily_active_users 2026-01-17',
    'daily_active_users 2026-01-18',
    'daily_active_users 2026-01-19',
    `daily_user_activity 2026-01-14/${user3}`,
    `user_progress_snapshots ${user3}/2026-01-14`,
  ]);
});
