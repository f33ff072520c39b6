// Spec 2.1: where the platform already has user_progress_snapshots, the
// daily aggregation writes into it (analytics keeps its own copy as well).
import t from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { refresh } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures } from './helpers/fixtures.ts';

const Snapshot = z.object({
  user_id: z.string(), snapshot_date: z.string(), sessions_completed: z.number(),
  average_score: z.string().nullable(), total_practice_time: z.number(), last_active: z.string(),
});

t.test('a platform user_progress_snapshots table receives the same rows as analytics', async (t) => {
  const { pool } = await createTestDatabase(t);
  await pool.query(sql.unsafe`
    create table public.user_progress_snapshots (
      user_id uuid, snapshot_date date, sessions_completed int, average_score numeric,
      total_practice_time int, last_active timestamptz, primary key (user_id, snapshot_date))`);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-05T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-06T10:00:00Z', durationSeconds: 600 },
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-08T10:00:00Z', durationSeconds: 900 },
  ]);
  await add.reports([{ session: 1, scoreRaw: 300 }, { session: 2, scoreRaw: 400 }]);

  const read = (table: 'public' | 'analytics') => pool.any(sql.type(Snapshot)`
    select user_id::text, snapshot_date, sessions_completed, trim_scale(average_score)::text as average_score,
           total_practice_time, last_active
    from ${sql.identifier([table, 'user_progress_snapshots'])} order by snapshot_date`);

  await refresh(pool);
  const expected = [
    { snapshot_date: '2026-01-06', sessions_completed: 1, average_score: '300', total_practice_time: 10 }, // session 1
    { snapshot_date: '2026-01-08', sessions_completed: 2, average_score: '350', total_practice_time: 25 }, // sessions 1 and 2
  ];
  t.match(await read('public'), expected);
  t.same(await read('public'), await read('analytics'));

  // a late change is carried over too
  await pool.query(sql.unsafe`update public.feedback_reports set score_raw = 200 where session_id = (
    select id from public.sessions where started_at = '2026-01-06T10:00:00Z')`);
  await refresh(pool);
  t.match(await read('public'), [{ average_score: '200' }, { average_score: '300' }]);
  t.same(await read('public'), await read('analytics'));
});
