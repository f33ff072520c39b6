// Per-user and audience metrics pinned down on tiny hand-made fixtures:
// user_activity_metrics (and score progression, its weekly average_score),
// strength_areas, user_progress_snapshots, active_users (dau/wau/mau,
// stickiness) and retention. Every expected number can be checked by eye
// from the rows above it; each test ends with the analytics.verify() oracle.
import t from 'tap';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { assertSameOnceStored, differences, refresh } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const UserMetric = z.object({
  bucket: z.string(),
  sessions_started: z.number(),
  sessions_completed: z.number(),
  completion_rate: z.string().nullable(),
  average_score: z.string().nullable(),
  practice_minutes: z.string(),
  complete: z.boolean(),
});
const StrengthArea = z.object({ criterion: z.string(), average_score: z.string(), reports: z.number() });
const Snapshot = z.object({
  user_id: z.string(),
  snapshot_date: z.string(),
  sessions_completed: z.number(),
  average_score: z.string().nullable(),
  total_practice_time: z.number(),
  last_active: z.string(),
});
const ActiveUsers = z.object({
  day: z.string(), dau: z.number(), wau: z.number(), mau: z.number(), stickiness: z.string().nullable(),
});
const RetentionCell = z.object({
  cohort: z.string(), cohort_size: z.number(), week_offset: z.number(), retained: z.number(), rate: z.string().nullable(),
});

function userActivity(pool: DatabasePool, user: number, from: string, to: string, granularity: 'day' | 'week' | 'month') {
  return pool.any(sql.type(UserMetric)`
    select bucket, sessions_started, sessions_completed, completion_rate, average_score, practice_minutes, complete
    from analytics.user_activity_metrics(${id('user', user)}::uuid, ${from}::date, ${to}::date, ${granularity})`);
}

function strengthAreas(pool: DatabasePool, from: string, to: string, user: number | null = null) {
  return pool.any(sql.type(StrengthArea)`
    select criterion, average_score, reports
    from analytics.strength_areas(${from}::date, ${to}::date, ${user === null ? null : id('user', user)}::uuid)`);
}

function snapshots(pool: DatabasePool) {
  return pool.any(sql.type(Snapshot)`
    -- average_score is stored unrounded (e.g. 350.0000000000000000): trim_scale shows the value
    select user_id::text, snapshot_date, sessions_completed, trim_scale(average_score) as average_score,
           total_practice_time, last_active
    from analytics.user_progress_snapshots
    order by user_id, snapshot_date`);
}

function activeUsers(pool: DatabasePool, from: string, to: string) {
  return pool.any(sql.type(ActiveUsers)`select day, dau, wau, mau, stickiness from analytics.active_users(${from}::date, ${to}::date)`);
}

function retention(pool: DatabasePool, from: string, to: string) {
  return pool.any(sql.type(RetentionCell)`
    select cohort, cohort_size, week_offset, retained, rate from analytics.retention(${from}::date, ${to}::date)`);
}

t.test('one user\'s activity per day and per week; score progression is the weekly average score', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T08:00:00Z' }, { n: 2, createdAt: '2026-01-01T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    // user 1, ISO week of Monday 2026-01-05
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z', durationSeconds: 600 },
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-07T10:00:00Z', durationSeconds: 900 },
    { n: 3, user: 1, scenario: 1, startedAt: '2026-01-07T18:00:00Z', durationSeconds: 300, status: 'abandoned' },
    // user 1, nothing in the week of 2026-01-12; week of 2026-01-19
    { n: 4, user: 1, scenario: 1, startedAt: '2026-01-20T10:00:00Z', durationSeconds: 1200 },
    { n: 5, user: 1, scenario: 1, startedAt: '2026-01-21T10:00:00Z', status: 'in_progress' },
    // user 2: must not leak into user 1's numbers
    { n: 6, user: 2, scenario: 1, startedAt: '2026-01-07T12:00:00Z', durationSeconds: 600 },
  ]);
  await add.reports([
    { session: 1, scoreRaw: 300 },
    { session: 2, scoreRaw: 341 },
    { session: 4, scoreRaw: 410 },
    { session: 6, scoreRaw: 100 },
  ]);

  const read = async () => ({
    weeks: await userActivity(pool, 1, '2026-01-05', '2026-01-25', 'week'),
    wednesday: await userActivity(pool, 1, '2026-01-07', '2026-01-07', 'day'),
    month: await userActivity(pool, 1, '2026-01-31', '2026-01-31', 'month'), // widened to January
  });
  const live = await read();
  t.same(live.weeks, [
    {
      bucket: '2026-01-05',
      sessions_started: 3, // sessions 1, 2, 3
      sessions_completed: 2, // sessions 1 and 2
      completion_rate: '0.6667', // 2 of 3 finished
      average_score: '320.50', // (300 + 341) / 2; user 2's 100 is not user 1's
      practice_minutes: '30.00', // (600 + 900 + 300) s
      complete: true,
    },
    {
      bucket: '2026-01-12', // no activity: zero-filled
      sessions_started: 0, sessions_completed: 0, completion_rate: null, average_score: null, practice_minutes: '0.00', complete: true,
    },
    {
      bucket: '2026-01-19',
      sessions_started: 2, // sessions 4 and 5
      sessions_completed: 1, // session 4
      completion_rate: '1.0000', // 1 of 1 finished; session 5 is in progress
      average_score: '410.00', // session 4
      practice_minutes: '20.00', // 1200 s; session 5 has no duration yet
      complete: true,
    },
  ], 'weekly activity, computed live');
  t.same(live.weeks.map((week) => week.average_score), ['320.50', null, '410.00'], 'score progression: 320.50, no score, 410.00');
  t.same(live.wednesday, [{
    bucket: '2026-01-07', sessions_started: 2, sessions_completed: 1, completion_rate: '0.5000', // sessions 2 and 3
    average_score: '341.00', practice_minutes: '20.00', complete: true, // session 2's score; (900 + 300) s
  }], 'Wednesday, computed live');
  t.same(live.month, [{
    bucket: '2026-01-01', sessions_started: 5, sessions_completed: 3, completion_rate: '0.7500', // 3 of 4 finished
    average_score: '350.33', practice_minutes: '50.00', complete: true, // (300 + 341 + 410) / 3; 3000 s
  }], 'January, computed live');

  await assertSameOnceStored(t, pool, read, live, { from: '2026-01-01', to: '2026-01-31', partlyThrough: '2026-01-07' });
});

t.test('strength areas: the mean of each criterion over the reports of the range\'s sessions, platform-wide and per user', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T08:00:00Z' }, { n: 2, createdAt: '2026-01-01T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z' },
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-06T10:00:00Z', status: 'abandoned' },
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-06T12:00:00Z' },
    { n: 4, user: 1, scenario: 1, startedAt: '2026-01-12T10:00:00Z' }, // the day after the range
  ]);
  await add.reports([
    { session: 1, scoreRaw: 300, criteria: { fluency: 4, intelligibility: 5 } },
    { session: 2, scoreRaw: 200, criteria: { fluency: 2 } },
    { session: 3, scoreRaw: 350, criteria: { fluency: 5, relationship_building: 3 } },
    { session: 4, scoreRaw: 100, criteria: { fluency: 0, intelligibility: 0 } },
  ]);

  const read = async () => ({
    platform: await strengthAreas(pool, '2026-01-05', '2026-01-11'),
    user1: await strengthAreas(pool, '2026-01-05', '2026-01-11', 1),
    user2: await strengthAreas(pool, '2026-01-05', '2026-01-11', 2),
  });
  const live = await read();
  t.same(live.platform, [
    { criterion: 'fluency', average_score: '3.667', reports: 3 }, // (4 + 2 + 5) / 3; session 4 is outside the range
    { criterion: 'intelligibility', average_score: '5.000', reports: 1 }, // session 1
    { criterion: 'relationship_building', average_score: '3.000', reports: 1 }, // session 3
  ], 'platform-wide, computed live');
  t.same(live.user1, [
    { criterion: 'fluency', average_score: '3.000', reports: 2 }, // (4 + 2) / 2: sessions 1 and 2
    { criterion: 'intelligibility', average_score: '5.000', reports: 1 }, // session 1
  ], 'user 1');
  t.same(live.user2, [
    { criterion: 'fluency', average_score: '5.000', reports: 1 }, // session 3
    { criterion: 'relationship_building', average_score: '3.000', reports: 1 },
  ], 'user 2');

  await refresh(pool);
  t.same(await read(), live, 'the same from the rollups');
  t.same(await strengthAreas(pool, '2026-01-12', '2026-01-18', 1), [
    { criterion: 'fluency', average_score: '0.000', reports: 1 }, // session 4 alone
    { criterion: 'intelligibility', average_score: '0.000', reports: 1 },
  ], 'user 1 the week after');
  t.equal(await differences(pool, '2026-01-01', '2026-01-31'), 0, 'stored aggregates equal a recomputation');
});

t.test('strength areas per user follow the reporting time zone', async (t) => {
  const { pool } = await createTestDatabase(t);
  await pool.query(sql.unsafe`select analytics.set_reporting_timezone('Australia/Sydney')`);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T00:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-11T12:30:00Z' }, // Sunday 11 January 23:30 AEDT
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-11T13:30:00Z' }, // Monday 12 January 00:30 AEDT (Sunday in UTC)
  ]);
  await add.reports([
    { session: 1, scoreRaw: 300, criteria: { fluency: 4 } },
    { session: 2, scoreRaw: 300, criteria: { fluency: 6 } },
  ]);
  await refresh(pool);
  t.same(await strengthAreas(pool, '2026-01-05', '2026-01-11', 1), [{ criterion: 'fluency', average_score: '4.000', reports: 1 }],
    'user 1\'s local week of 5 January holds session 1 only');
  t.same(await strengthAreas(pool, '2026-01-05', '2026-01-11'), [{ criterion: 'fluency', average_score: '4.000', reports: 1 }],
    'platform-wide, the same');
  t.equal(await differences(pool, '2026-01-01', '2026-01-31'), 0, 'stored aggregates equal a recomputation');
});

t.test('user progress snapshots: one row per user per active day, cumulative to the end of that day', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T08:00:00Z' }, { n: 2, createdAt: '2026-01-01T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z', durationSeconds: 600 },
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-05T14:00:00Z', durationSeconds: 90, status: 'abandoned' }, // ends 14:01:30
    { n: 3, user: 1, scenario: 1, startedAt: '2026-01-08T09:00:00Z', durationSeconds: 1500 },
    { n: 4, user: 1, scenario: 1, startedAt: '2026-01-08T23:50:00Z', durationSeconds: 1200 }, // runs past midnight, ends 00:10
    { n: 5, user: 2, scenario: 1, startedAt: '2026-01-06T12:00:00Z', status: 'in_progress' },
  ]);
  await add.reports([{ session: 1, scoreRaw: 300 }, { session: 3, scoreRaw: 400 }]);
  await refresh(pool);

  const user1 = id('user', 1);
  const user2 = id('user', 2);
  t.same(await snapshots(pool), [
    {
      user_id: user1, snapshot_date: '2026-01-05',
      sessions_completed: 1, // session 1
      average_score: '300', // session 1
      total_practice_time: 12, // (600 + 90) s = 11.5 min, rounded
      last_active: '2026-01-05T14:01:30.000Z', // the end of session 2
    },
    // no row on 6 and 7 January: user 1 was not active
    {
      user_id: user1, snapshot_date: '2026-01-08',
      sessions_completed: 3, // sessions 1, 3, 4
      average_score: '350', // (300 + 400) / 2; session 4 has no report
      total_practice_time: 57, // (600 + 90 + 1500 + 1200) s = 56.5 min, rounded
      last_active: '2026-01-09T00:10:00.000Z', // the end of session 4, after midnight
    },
    {
      user_id: user2, snapshot_date: '2026-01-06',
      sessions_completed: 0, average_score: null, total_practice_time: 0, // session 5 is in progress
      last_active: '2026-01-06T12:00:00.000Z', // its start
    },
  ], 'snapshots after the first refresh');

  // A late report for session 4 changes the 8 January snapshot, not the 5 January one.
  await add.reports([{ session: 4, scoreRaw: 500, createdAt: '2026-01-20T10:00:00Z' }]);
  await refresh(pool);
  const after = await snapshots(pool);
  t.same(after.map((row) => [row.user_id, row.snapshot_date, row.sessions_completed, row.average_score]), [
    [user1, '2026-01-05', 1, '300'], // unchanged
    [user1, '2026-01-08', 3, '400'], // (300 + 400 + 500) / 3
    [user2, '2026-01-06', 0, null],
  ], 'after a late report and a refresh');
  t.equal(await differences(pool, '2026-01-01', '2026-01-31'), 0, 'stored aggregates equal a recomputation');
});

t.test('active users per day: dau, wau over d-6..d, mau over d-29..d, stickiness = dau / mau', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2026-01-01T08:00:00Z' },
    { n: 2, createdAt: '2026-01-01T08:00:00Z', deletedAt: '2026-02-01T00:00:00Z' }, // deleted later: still counted
    { n: 3, createdAt: '2026-01-01T08:00:00Z' },
  ]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-01T10:00:00Z' },
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z' },
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-05T11:00:00Z' },
    { n: 4, user: 2, scenario: 1, startedAt: '2026-01-05T12:00:00Z' }, // a second session the same day
    { n: 5, user: 3, scenario: 1, startedAt: '2026-01-20T10:00:00Z' },
  ]);

  const days = ['2026-01-01', '2026-01-05', '2026-01-07', '2026-01-11', '2026-01-12', '2026-01-20', '2026-01-26', '2026-01-27', '2026-01-31', '2026-02-03', '2026-02-04', '2026-02-18', '2026-02-19'];
  const read = async () => (await activeUsers(pool, '2026-01-01', '2026-02-19')).filter((row) => days.includes(row.day));
  const live = await read();
  t.same(live, [
    { day: '2026-01-01', dau: 1, wau: 1, mau: 1, stickiness: '1.0000' }, // user 1
    { day: '2026-01-05', dau: 2, wau: 2, mau: 2, stickiness: '1.0000' }, // users 1 and 2; user 1 counted once over Jan 1 and 5
    { day: '2026-01-07', dau: 0, wau: 2, mau: 2, stickiness: '0.0000' }, // nobody that day; Jan 1-7 has users 1 and 2
    { day: '2026-01-11', dau: 0, wau: 2, mau: 2, stickiness: '0.0000' }, // Jan 5-11 still holds Jan 5
    { day: '2026-01-12', dau: 0, wau: 0, mau: 2, stickiness: '0.0000' }, // Jan 6-12 is empty
    { day: '2026-01-20', dau: 1, wau: 1, mau: 3, stickiness: '0.3333' }, // user 3 of users 1, 2, 3 in Dec 22 - Jan 20
    { day: '2026-01-26', dau: 0, wau: 1, mau: 3, stickiness: '0.0000' }, // Jan 20-26: the last week holding user 3's day
    { day: '2026-01-27', dau: 0, wau: 0, mau: 3, stickiness: '0.0000' }, // Jan 21-27: empty
    { day: '2026-01-31', dau: 0, wau: 0, mau: 3, stickiness: '0.0000' }, // Jan 2-31: Jan 1 left, user 1 stays through Jan 5
    { day: '2026-02-03', dau: 0, wau: 0, mau: 3, stickiness: '0.0000' }, // Jan 5 - Feb 3: the last 30 days holding Jan 5
    { day: '2026-02-04', dau: 0, wau: 0, mau: 1, stickiness: '0.0000' }, // Jan 6 - Feb 4: user 3 only
    { day: '2026-02-18', dau: 0, wau: 0, mau: 1, stickiness: '0.0000' }, // Jan 20 - Feb 18: still user 3
    { day: '2026-02-19', dau: 0, wau: 0, mau: 0, stickiness: null }, // Jan 21 - Feb 19: nobody; stickiness undefined
  ], 'computed live');

  await assertSameOnceStored(t, pool, read, live, { from: '2026-01-01', to: '2026-02-28', partlyThrough: '2026-01-11' });
});

t.test('retention: signup-week cohorts, a user retained at offset k when active in week cohort + k', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([
    // cohort of the ISO week of Monday 2026-01-05
    { n: 1, createdAt: '2026-01-05T08:00:00Z' }, // Monday
    { n: 2, createdAt: '2026-01-07T08:00:00Z' }, // Wednesday
    { n: 3, createdAt: '2026-01-11T23:00:00Z' }, // Sunday night, never active
    { n: 4, createdAt: '2026-01-06T08:00:00Z', deletedAt: '2026-02-01T00:00:00Z' }, // deleted later: still in the cohort
    // cohort of 2026-01-12
    { n: 5, createdAt: '2026-01-13T08:00:00Z' },
  ]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-06T10:00:00Z' }, // user 1, week 0
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-20T10:00:00Z' }, // user 1, week 2
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-14T10:00:00Z' }, // user 2, week 1
    { n: 4, user: 2, scenario: 1, startedAt: '2026-01-15T10:00:00Z' }, // user 2, week 1 again: counted once
    { n: 5, user: 2, scenario: 1, startedAt: '2026-01-21T10:00:00Z' }, // user 2, week 2
    { n: 6, user: 4, scenario: 1, startedAt: '2026-01-08T10:00:00Z' }, // user 4, week 0
    { n: 7, user: 5, scenario: 1, startedAt: '2026-01-13T10:00:00Z' }, // user 5, week 0 of its cohort
  ]);
  const expected = [
    { cohort: '2026-01-05', cohort_size: 4, week_offset: 0, retained: 2, rate: '0.5000' }, // users 1 and 4 of 1, 2, 3, 4
    { cohort: '2026-01-05', cohort_size: 4, week_offset: 1, retained: 1, rate: '0.2500' }, // user 2
    { cohort: '2026-01-05', cohort_size: 4, week_offset: 2, retained: 2, rate: '0.5000' }, // users 1 and 2
    { cohort: '2026-01-12', cohort_size: 1, week_offset: 0, retained: 1, rate: '1.0000' }, // user 5
    { cohort: '2026-01-12', cohort_size: 1, week_offset: 1, retained: 0, rate: '0.0000' }, // nobody
  ];
  const read = async () => retention(pool, '2026-01-05', '2026-01-25'); // offsets up to the week of 19 January
  t.same(await read(), expected, 'before a refresh, computed live like the other reports');
  // stored through Wednesday 14th: the week of the 12th is read from its
  // stored days (user 5 on the 13th, user 2 on the 14th) and its live ones
  await assertSameOnceStored(t, pool, read, expected, { from: '2026-01-01', to: '2026-01-31', partlyThrough: '2026-01-14' });
});

t.test('retention of a week stored in part: a user seen stored and live counts once, one seen only live is added, a live signup joins its cohort', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2026-01-05T08:00:00Z' }, // cohort of 5 January
    { n: 2, createdAt: '2026-01-06T08:00:00Z' }, // cohort of 5 January
    { n: 3, createdAt: '2026-01-13T08:00:00Z' }, // cohort of 12 January, signs up on a stored day
    { n: 4, createdAt: '2026-01-15T08:00:00Z' }, // cohort of 12 January, signs up on a live day
  ]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-13T10:00:00Z' }, // user 1, week 1, a stored day…
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-16T10:00:00Z' }, // …and a live one: once
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-15T10:00:00Z' }, // user 2, week 1, live only
    { n: 4, user: 3, scenario: 1, startedAt: '2026-01-14T10:00:00Z' }, // user 3, week 0, stored
    { n: 5, user: 4, scenario: 1, startedAt: '2026-01-15T09:00:00Z' }, // user 4, week 0, live
    { n: 6, user: 3, scenario: 1, startedAt: '2026-01-17T10:00:00Z' }, // user 3 again, live: once
  ]);
  const expected = [
    { cohort: '2026-01-05', cohort_size: 2, week_offset: 0, retained: 0, rate: '0.0000' },
    { cohort: '2026-01-05', cohort_size: 2, week_offset: 1, retained: 2, rate: '1.0000' }, // users 1 and 2
    { cohort: '2026-01-12', cohort_size: 2, week_offset: 0, retained: 2, rate: '1.0000' }, // users 3 and 4
  ];
  const read = async () => retention(pool, '2026-01-05', '2026-01-18');
  t.same(await read(), expected, 'before a refresh');
  // stored through Wednesday 14th, the week of the 12th has stored and live days
  await assertSameOnceStored(t, pool, read, expected, { from: '2026-01-01', to: '2026-01-31', partlyThrough: '2026-01-14' });
});

t.test('retention widens a range that ends mid-week to the whole cohort week', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2026-01-05T08:00:00Z' }, // Monday
    { n: 2, createdAt: '2026-01-09T08:00:00Z' }, // Friday of the same ISO week
  ]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z' },
    { n: 2, user: 2, scenario: 1, startedAt: '2026-01-09T10:00:00Z' },
  ]);
  await refresh(pool);

  const whole = [{ cohort: '2026-01-05', cohort_size: 2, week_offset: 0, retained: 2, rate: '1.0000' }]; // both users, both active in week 0
  t.same(await retention(pool, '2026-01-05', '2026-01-11'), whole, 'the whole week');
  t.same(await retention(pool, '2026-01-05', '2026-01-07'), whole, 'a range ending on Wednesday covers the same cohort week');
  t.equal(await differences(pool, '2026-01-01', '2026-01-31'), 0, 'stored aggregates equal a recomputation');
});
