// Session metrics (analytics.session_metrics) pinned down on tiny hand-made
// fixtures: every expected number can be checked by eye from the rows above
// it. Each test also shows that the numbers are the same computed live from
// the platform tables (before a refresh) and read from the rollups (after),
// and ends with the oracle: analytics.verify() finds no stored aggregate that
// differs from a from-scratch recomputation.
import t from 'tap';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { assertSameOnceStored, differences, refresh, setTimezone } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const SessionMetric = z.object({
  bucket: z.string(),
  sessions_started: z.number(),
  sessions_completed: z.number(),
  completion_rate: z.string().nullable(),
  average_score: z.string().nullable(),
  practice_minutes: z.string(),
  active_users: z.number(),
  new_users: z.number(),
  complete: z.boolean(),
});
type SessionMetric = z.infer<typeof SessionMetric>;

function sessionMetrics(pool: DatabasePool, from: string, to: string, granularity: 'day' | 'week' | 'month') {
  return pool.any(sql.type(SessionMetric)`
    select bucket, sessions_started, sessions_completed, completion_rate, average_score,
           practice_minutes, active_users, new_users, complete
    from analytics.session_metrics(${from}::date, ${to}::date, ${granularity})`);
}

/** Counts only, per bucket: what the time-zone tests compare. */
async function startedPerBucket(pool: DatabasePool, from: string, to: string, granularity: 'day' | 'week' | 'month') {
  const rows = await sessionMetrics(pool, from, to, granularity);
  return Object.fromEntries(rows.filter((row) => row.sessions_started > 0).map((row) => [row.bucket, row.sessions_started]));
}

/** A bucket with nothing in it, as every report zero-fills it. */
const empty = (bucket: string): SessionMetric => ({
  bucket, sessions_started: 0, sessions_completed: 0, completion_rate: null, average_score: null,
  practice_minutes: '0.00', active_users: 0, new_users: 0, complete: true,
});

t.test('session metrics per day, ISO week and month: counts, rates, scores, minutes, distinct active users, new users, empty buckets zero-filled', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2026-01-05T08:00:00Z' },
    { n: 2, createdAt: '2026-01-06T08:00:00Z' },
    { n: 3, createdAt: '2026-01-06T09:00:00Z', deletedAt: '2026-02-01T00:00:00Z' }, // deleted later: still counted
  ]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    // Monday 2026-01-05
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z', durationSeconds: 600 },
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-05T14:00:00Z', durationSeconds: 300, status: 'abandoned' },
    // Tuesday 2026-01-06
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-06T09:00:00Z', durationSeconds: 900 },
    { n: 4, user: 1, scenario: 1, startedAt: '2026-01-06T11:00:00Z', durationSeconds: 1200 },
    { n: 5, user: 3, scenario: 1, startedAt: '2026-01-06T12:00:00Z', status: 'in_progress' },
    { n: 6, user: 3, scenario: 1, startedAt: '2026-01-06T13:00:00Z', durationSeconds: 90, status: 'failed' },
    // Sunday 2026-01-11, last day of the same ISO week
    { n: 7, user: 1, scenario: 1, startedAt: '2026-01-11T10:00:00Z', durationSeconds: 600 },
    // Tuesday 2026-01-13, next week, same month
    { n: 8, user: 2, scenario: 1, startedAt: '2026-01-13T10:00:00Z', durationSeconds: 600 },
  ]);
  await add.reports([
    { session: 1, scoreRaw: 300 },
    { session: 2, scoreRaw: 100 }, // report of an abandoned session: not in average_score
    { session: 3, scoreRaw: 400 },
    { session: 7, scoreRaw: 350 },
  ]);

  const read = async () => ({
    days: await sessionMetrics(pool, '2026-01-05', '2026-01-07', 'day'),
    sunday: await sessionMetrics(pool, '2026-01-11', '2026-01-11', 'day'),
    weeks: await sessionMetrics(pool, '2026-01-07', '2026-01-20', 'week'), // widened to the weeks of Jan 5, 12 and 19
    months: await sessionMetrics(pool, '2026-01-15', '2026-02-01', 'month'), // widened to January and February
  });

  const live = await read();
  t.same(live.days, [
    {
      bucket: '2026-01-05',
      sessions_started: 2, // sessions 1 and 2
      sessions_completed: 1, // session 1
      completion_rate: '0.5000', // 1 completed of 2 finished
      average_score: '300.00', // session 1 only: session 2's report (100) is of an abandoned session
      practice_minutes: '15.00', // (600 + 300) s
      active_users: 1, // user 1
      new_users: 1, // user 1
      complete: true,
    },
    {
      bucket: '2026-01-06',
      sessions_started: 4, // sessions 3, 4, 5, 6
      sessions_completed: 2, // sessions 3 and 4
      completion_rate: '0.6667', // 2 of the 3 finished; the in_progress session 5 is excluded
      average_score: '400.00', // session 3; completed session 4 has no report
      practice_minutes: '36.50', // (900 + 1200 + 90) s; in_progress has no duration
      active_users: 3, // users 1, 2, 3
      new_users: 2, // users 2 and 3 (3 is deleted, still counted)
      complete: true,
    },
    empty('2026-01-07'), // nothing happened: zeros, and null rate and score
  ], 'days, computed live');
  t.same(live.sunday, [{
    bucket: '2026-01-11', sessions_started: 1, sessions_completed: 1, completion_rate: '1.0000',
    average_score: '350.00', practice_minutes: '10.00', active_users: 1, new_users: 0, complete: true, // session 7 alone
  }], 'Sunday, computed live');
  t.same(live.weeks, [
    {
      bucket: '2026-01-05',
      sessions_started: 7, // sessions 1-7
      sessions_completed: 4, // sessions 1, 3, 4, 7
      completion_rate: '0.6667', // 4 of the 6 finished (session 5 is in progress)
      average_score: '350.00', // (300 + 400 + 350) / 3
      practice_minutes: '61.50', // (600 + 300 + 900 + 1200 + 90 + 600) s
      active_users: 3, // users 1, 2, 3 distinct over the week; the daily counts 1 + 3 + 1 would sum to 5
      new_users: 3, // users 1, 2, 3
      complete: true,
    },
    {
      bucket: '2026-01-12',
      sessions_started: 1, sessions_completed: 1, completion_rate: '1.0000', average_score: null, // session 8, no report
      practice_minutes: '10.00', active_users: 1, new_users: 0, complete: true,
    },
    empty('2026-01-19'), // a whole empty week: zero-filled
  ], 'ISO weeks, computed live');
  t.same(live.months, [
    {
      bucket: '2026-01-01',
      sessions_started: 8, // sessions 1-8
      sessions_completed: 5, // sessions 1, 3, 4, 7, 8
      completion_rate: '0.7143', // 5 of the 7 finished
      average_score: '350.00', // (300 + 400 + 350) / 3; session 8 has no report
      practice_minutes: '71.50', // 3690 s of week 1 + 600 s
      active_users: 3, // users 1, 2, 3; the weekly counts 3 + 1 would sum to 4
      new_users: 3,
      complete: true,
    },
    empty('2026-02-01'), // an empty month: zero-filled
  ], 'months, computed live');

  // Part stored, part live: days up to Tuesday stored, the rest of the week live.
  await assertSameOnceStored(t, pool, read, live, { from: '2026-01-01', to: '2026-02-28', partlyThrough: '2026-01-06' });
});

t.test('a late feedback report, a status change and a deleted session after a refresh land in their session\'s buckets', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2026-02-01T08:00:00Z' },
    { n: 2, createdAt: '2026-02-01T09:00:00Z' },
  ]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-02-02T10:00:00Z', durationSeconds: 600 }, // no report yet
    { n: 2, user: 1, scenario: 1, startedAt: '2026-02-02T11:00:00Z', status: 'in_progress' },
    { n: 3, user: 2, scenario: 1, startedAt: '2026-02-02T12:00:00Z', durationSeconds: 300, status: 'abandoned' },
    { n: 4, user: 2, scenario: 1, startedAt: '2026-02-03T10:00:00Z', durationSeconds: 600 },
  ]);
  await add.reports([{ session: 4, scoreRaw: 200 }]);
  await refresh(pool);

  const monday = async () => sessionMetrics(pool, '2026-02-02', '2026-02-02', 'day');
  t.same(await monday(), [{
    bucket: '2026-02-02',
    sessions_started: 3, // sessions 1, 2, 3
    sessions_completed: 1, // session 1
    completion_rate: '0.5000', // 1 of the 2 finished (session 2 is in progress)
    average_score: null, // session 1 has no report yet
    practice_minutes: '15.00', // (600 + 300) s
    active_users: 2, // users 1 and 2
    new_users: 0,
    complete: true,
  }], 'Monday before the changes');

  // A report created 18 days after its session; session 2 finishes; session 3 is deleted.
  await add.reports([{ session: 1, scoreRaw: 420, createdAt: '2026-02-20T09:00:00Z' }]);
  await pool.query(sql.unsafe`
    update public.sessions
    set completion_status = 'completed', duration_seconds = 1800,
        ended_at = started_at + interval '30 minutes', updated_at = '2026-02-02T11:30:00Z'
    where id = ${id('session', 2)}`);
  await pool.query(sql.unsafe`delete from public.sessions where id = ${id('session', 3)}`);
  await refresh(pool);

  t.same(await monday(), [{
    bucket: '2026-02-02',
    sessions_started: 2, // sessions 1 and 2; session 3 was deleted
    sessions_completed: 2, // session 2 is now completed
    completion_rate: '1.0000', // 2 of 2
    average_score: '420.00', // the late report of session 1 counts on the session's day, not the report's
    practice_minutes: '40.00', // (600 + 1800) s
    active_users: 1, // user 2's only Monday session was deleted
    new_users: 0,
    complete: true,
  }], 'Monday after the changes and a refresh');
  t.same(await sessionMetrics(pool, '2026-02-20', '2026-02-20', 'day'), [empty('2026-02-20')],
    'the day the late report was created has nothing');
  t.same(await sessionMetrics(pool, '2026-02-02', '2026-02-08', 'week'), [{
    bucket: '2026-02-02',
    sessions_started: 3, // sessions 1, 2, 4
    sessions_completed: 3,
    completion_rate: '1.0000',
    average_score: '310.00', // (420 + 200) / 2; session 2 has no report
    practice_minutes: '50.00', // (600 + 1800 + 600) s
    active_users: 2, // user 1 (Monday), user 2 (Tuesday)
    new_users: 0, // both signed up on Sunday 2026-02-01, the week before
    complete: true,
  }], 'the week after the changes');
  t.equal(await differences(pool, '2026-02-01', '2026-03-31'), 0, 'stored aggregates equal a recomputation');
});

t.test('Asia/Kolkata (UTC+5:30): a session at 23:30 local and one at 00:30 local count on their local days, also after a zone change', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2026-01-10T06:00:00Z' },
    { n: 2, createdAt: '2026-01-14T19:00:00Z' }, // 00:30 on Thursday 15 January in Kolkata (still the 14th in UTC)
  ]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-14T18:00:00Z' }, // 23:30 on the 14th, local
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-14T19:00:00Z' }, // 00:30 on the 15th, local (14th in UTC)
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-15T18:29:00Z' }, // 23:59 on the 15th, local
    { n: 4, user: 2, scenario: 1, startedAt: '2026-01-15T18:30:00Z' }, // 00:00 on the 16th, local (15th in UTC)
  ]);

  const read = async () =>
    (await sessionMetrics(pool, '2026-01-14', '2026-01-16', 'day')).map((row) => [row.bucket, row.sessions_started, row.active_users, row.new_users]);
  // First stored in UTC, the default zone.
  await refresh(pool);
  t.same(await read(), [
    ['2026-01-14', 2, 1, 1], // sessions 1 and 2 of user 1, and user 2's signup, all on the 14th in UTC
    ['2026-01-15', 2, 1, 0], // sessions 3 and 4 of user 2
    ['2026-01-16', 0, 0, 0],
  ], 'UTC days, from the rollups');

  // The zone changes: every stored bucket is dropped and read live until the next refresh.
  await setTimezone(pool, 'Asia/Kolkata');
  const kolkata = [
    ['2026-01-14', 1, 1, 0], // session 1
    ['2026-01-15', 2, 2, 1], // sessions 2 and 3, users 1 and 2; user 2 signed up at 00:30 local
    ['2026-01-16', 1, 1, 0], // session 4
  ];
  t.same(await read(), kolkata, 'Kolkata days, computed live after the zone change');
  await assertSameOnceStored(t, pool, read, kolkata, { from: '2026-01-01', to: '2026-01-31' });
});

t.test('Australia/Sydney (UTC+11 in summer): sessions late on Sunday and early on Monday fall in their local ISO weeks and months', async (t) => {
  const { pool } = await createTestDatabase(t);
  await setTimezone(pool, 'Australia/Sydney');
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T00:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-11T12:30:00Z' }, // Sunday 11 January 23:30 local
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-11T21:00:00Z' }, // Monday 12 January 08:00 local (Sunday in UTC)
    { n: 3, user: 1, scenario: 1, startedAt: '2026-01-31T12:30:00Z' }, // Saturday 31 January 23:30 local
    { n: 4, user: 1, scenario: 1, startedAt: '2026-01-31T13:30:00Z' }, // Sunday 1 February 00:30 local (January in UTC)
  ]);

  const read = async () => ({
    days: await startedPerBucket(pool, '2026-01-11', '2026-02-01', 'day'),
    weeks: await startedPerBucket(pool, '2026-01-05', '2026-02-01', 'week'),
    months: await startedPerBucket(pool, '2026-01-01', '2026-02-28', 'month'),
  });
  const live = await read();
  t.same(live.days, { '2026-01-11': 1, '2026-01-12': 1, '2026-01-31': 1, '2026-02-01': 1 }, 'local days');
  t.same(live.weeks, {
    '2026-01-05': 1, // session 1; in UTC session 2 would join it
    '2026-01-12': 1, // session 2
    '2026-01-26': 2, // sessions 3 and 4: Saturday and Sunday of the same ISO week
  }, 'local ISO weeks');
  t.same(live.months, {
    '2026-01-01': 3, // sessions 1, 2, 3
    '2026-02-01': 1, // session 4 (UTC would put it in January)
  }, 'local months');
  await assertSameOnceStored(t, pool, read, live, { from: '2026-01-01', to: '2026-02-28' });
});

t.test('Australia/Sydney DST changes: the 25-hour day 2026-04-05 and the 23-hour day 2026-10-04 bucket by local time', async (t) => {
  const { pool } = await createTestDatabase(t);
  await setTimezone(pool, 'Australia/Sydney');
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T00:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    // Clocks go back from 03:00 AEDT (+11) to 02:00 AEST (+10) on Sunday 5 April.
    { n: 1, user: 1, scenario: 1, startedAt: '2026-04-04T12:59:00Z' }, // Saturday 4 April 23:59 AEDT
    { n: 2, user: 1, scenario: 1, startedAt: '2026-04-04T13:00:00Z' }, // Sunday 5 April 00:00 AEDT
    { n: 3, user: 1, scenario: 1, startedAt: '2026-04-04T15:30:00Z' }, // 02:30 AEDT, the first 02:30
    { n: 4, user: 1, scenario: 1, startedAt: '2026-04-04T16:30:00Z' }, // 02:30 AEST, the second 02:30
    { n: 5, user: 1, scenario: 1, startedAt: '2026-04-05T13:30:00Z' }, // Sunday 23:30 AEST (a fixed +11 would say Monday 00:30)
    { n: 6, user: 1, scenario: 1, startedAt: '2026-04-05T14:00:00Z' }, // Monday 6 April 00:00 AEST
    // Clocks go forward from 02:00 AEST (+10) to 03:00 AEDT (+11) on Sunday 4 October.
    { n: 7, user: 1, scenario: 1, startedAt: '2026-10-03T13:59:00Z' }, // Saturday 3 October 23:59 AEST
    { n: 8, user: 1, scenario: 1, startedAt: '2026-10-03T14:00:00Z' }, // Sunday 4 October 00:00 AEST
    { n: 9, user: 1, scenario: 1, startedAt: '2026-10-04T12:30:00Z' }, // Sunday 23:30 AEDT
    { n: 10, user: 1, scenario: 1, startedAt: '2026-10-04T13:30:00Z' }, // Monday 5 October 00:30 AEDT (a fixed +10 would say Sunday)
  ]);

  const read = async () => ({
    aprilDays: await startedPerBucket(pool, '2026-04-03', '2026-04-07', 'day'),
    aprilWeeks: await startedPerBucket(pool, '2026-04-05', '2026-04-06', 'week'),
    aprilSunday: await sessionMetrics(pool, '2026-04-05', '2026-04-05', 'day'),
    octoberDays: await startedPerBucket(pool, '2026-10-02', '2026-10-06', 'day'),
    octoberWeeks: await startedPerBucket(pool, '2026-10-04', '2026-10-05', 'week'),
  });
  const live = await read();
  t.same(live.aprilDays, { '2026-04-04': 1, '2026-04-05': 4, '2026-04-06': 1 }, 'the 25-hour day holds sessions 2-5');
  t.same(live.aprilWeeks, { '2026-03-30': 5, '2026-04-06': 1 }, 'sessions 1-5 in the week ending on the DST Sunday');
  t.equal(live.aprilSunday[0]?.practice_minutes, '40.00', 'four 600 s sessions on the 25-hour day');
  t.same(live.octoberDays, { '2026-10-03': 1, '2026-10-04': 2, '2026-10-05': 1 }, 'the 23-hour day holds sessions 8 and 9');
  t.same(live.octoberWeeks, { '2026-09-28': 3, '2026-10-05': 1 }, 'sessions 7-9 in the week ending on the DST Sunday');
  await assertSameOnceStored(t, pool, read, live, { from: '2026-03-01', to: '2026-10-31' });
});

t.test('Europe/London DST changes: 2026-03-29 (23 hours) and 2026-10-25 (25 hours) bucket by local time', async (t) => {
  const { pool } = await createTestDatabase(t);
  await setTimezone(pool, 'Europe/London');
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2026-03-01T00:00:00Z' },
    { n: 2, createdAt: '2026-03-29T23:30:00Z' }, // Monday 30 March 00:30 BST (Sunday in UTC)
  ]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    // Clocks go forward from 01:00 GMT to 02:00 BST on Sunday 29 March.
    { n: 1, user: 1, scenario: 1, startedAt: '2026-03-29T00:30:00Z' }, // Sunday 00:30 GMT
    { n: 2, user: 1, scenario: 1, startedAt: '2026-03-29T22:30:00Z' }, // Sunday 23:30 BST
    { n: 3, user: 2, scenario: 1, startedAt: '2026-03-29T23:30:00Z' }, // Monday 30 March 00:30 BST (Sunday in UTC)
    // Clocks go back from 02:00 BST to 01:00 GMT on Sunday 25 October.
    { n: 4, user: 1, scenario: 1, startedAt: '2026-10-24T23:30:00Z' }, // Sunday 25 October 00:30 BST (Saturday in UTC)
    { n: 5, user: 1, scenario: 1, startedAt: '2026-10-25T23:30:00Z' }, // Sunday 23:30 GMT
    { n: 6, user: 2, scenario: 1, startedAt: '2026-10-26T00:00:00Z' }, // Monday 26 October 00:00 GMT
  ]);

  const read = async () => ({
    march: await sessionMetrics(pool, '2026-03-29', '2026-03-30', 'day'),
    marchWeeks: await startedPerBucket(pool, '2026-03-29', '2026-03-30', 'week'),
    octoberDays: await startedPerBucket(pool, '2026-10-24', '2026-10-26', 'day'),
  });
  const live = await read();
  t.same(live.march.map((row) => [row.bucket, row.sessions_started, row.active_users, row.new_users]), [
    ['2026-03-29', 2, 1, 0], // sessions 1 and 2 of user 1
    ['2026-03-30', 1, 1, 1], // session 3 and the signup of user 2, both 00:30 BST
  ], 'the 23-hour day and the Monday after it');
  t.same(live.marchWeeks, { '2026-03-23': 2, '2026-03-30': 1 }, 'session 3 is in the ISO week of Monday 30 March');
  t.same(live.octoberDays, { '2026-10-25': 2, '2026-10-26': 1 }, 'the 25-hour day holds sessions 4 and 5');
  await assertSameOnceStored(t, pool, read, live, { from: '2026-03-01', to: '2026-10-31' });
});

t.test('the reports\' today is local_today(): with analytics.clock set, later days are neither read live nor complete', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-05T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z' }, // Monday
    { n: 2, user: 1, scenario: 1, startedAt: '2026-01-06T10:00:00Z' }, // Tuesday: "today"
    { n: 3, user: 1, scenario: 1, startedAt: '2026-01-07T10:00:00Z' }, // Wednesday: after today
  ]);
  // Monday stored; the clock stops on Tuesday at noon
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`set local analytics.clock = '2026-01-06T12:00:00Z'`);
    await tx.query(sql.unsafe`select analytics.refresh_pending()`);
  });
  const read = (granularity: 'day' | 'week') => pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`set local analytics.clock = '2026-01-06T12:00:00Z'`);
    return tx.any(sql.type(z.object({ bucket: z.string(), sessions_started: z.number(), active_users: z.number(), complete: z.boolean() }))`
      select bucket, sessions_started, active_users, complete
      from analytics.session_metrics('2026-01-05', '2026-01-07', ${granularity})`);
  });
  t.same(await read('day'), [
    { bucket: '2026-01-05', sessions_started: 1, active_users: 1, complete: true }, // stored
    { bucket: '2026-01-06', sessions_started: 1, active_users: 1, complete: false }, // today, live
    { bucket: '2026-01-07', sessions_started: 0, active_users: 0, complete: false }, // after today: not read
  ]);
  t.same(await read('week'), [{ bucket: '2026-01-05', sessions_started: 2, active_users: 1, complete: false }]);
});
