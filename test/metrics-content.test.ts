// Content metrics pinned down on tiny hand-made fixtures: scenario
// performance, the 5-minute histogram of completion times, and usage
// patterns (ISO weekday x local hour). Every expected number can be checked
// by eye from the rows above it; each test shows the numbers are the same
// computed live and read from the rollups, and ends with the verify() oracle.
import t from 'tap';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { assertSameOnceStored, setTimezone } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const ScenarioPerformance = z.object({
  scenario_id: z.string(),
  title: z.string().nullable(),
  difficulty_level: z.string().nullable(),
  usage_count: z.number(),
  sessions_completed: z.number(),
  completion_rate: z.string().nullable(),
  average_score: z.string().nullable(),
  average_completion_time: z.string().nullable(),
});
const DurationBin = z.object({ from_minutes: z.number(), to_minutes: z.number(), sessions: z.number() });
const UsageCell = z.object({ weekday: z.number(), hour: z.number(), sessions: z.number() });

function scenarioPerformance(pool: DatabasePool, from: string, to: string) {
  return pool.any(sql.type(ScenarioPerformance)`
    select scenario_id::text, title, difficulty_level, usage_count, sessions_completed, completion_rate,
           average_score, average_completion_time
    from analytics.scenario_performance(${from}::date, ${to}::date)`);
}

function timeDistribution(pool: DatabasePool, from: string, to: string, scenario: number | null = null) {
  return pool.any(sql.type(DurationBin)`
    select from_minutes, to_minutes, sessions
    from analytics.time_distribution(${from}::date, ${to}::date, ${scenario === null ? null : id('scenario', scenario)}::uuid)`);
}

function usagePatterns(pool: DatabasePool, from: string, to: string) {
  return pool.any(sql.type(UsageCell)`select weekday, hour, sessions from analytics.usage_patterns(${from}::date, ${to}::date)`);
}

/** The non-empty cells of a usage pattern, as 'weekday/hour' -> sessions. */
const busyCells = (cells: readonly z.infer<typeof UsageCell>[]) =>
  Object.fromEntries(cells.filter((cell) => cell.sessions > 0).map((cell) => [`${cell.weekday}/${cell.hour}`, cell.sessions]));

t.test('scenario performance: usage, completions, completion rate, average score and completion time per scenario, most used first', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T08:00:00Z' }, { n: 2, createdAt: '2026-01-01T08:00:00Z' }]);
  await add.scenarios([
    { n: 1, title: 'Discharge planning', difficultyLevel: 'easy' },
    { n: 2, title: 'Breaking bad news', difficultyLevel: 'hard' },
    { n: 3, title: 'Never used', difficultyLevel: 'medium' },
  ]);
  await add.sessions([
    // scenario 1, week of Monday 2026-02-02
    { n: 1, user: 1, scenario: 1, startedAt: '2026-02-02T10:00:00Z', durationSeconds: 600 },
    { n: 2, user: 2, scenario: 1, startedAt: '2026-02-03T10:00:00Z', durationSeconds: 900 },
    { n: 3, user: 1, scenario: 1, startedAt: '2026-02-04T10:00:00Z', durationSeconds: 120, status: 'abandoned' },
    { n: 4, user: 2, scenario: 1, startedAt: '2026-02-05T10:00:00Z', status: 'in_progress' },
    { n: 5, user: 1, scenario: 1, startedAt: '2026-02-08T10:00:00Z', durationSeconds: 1501 },
    // scenario 2
    { n: 6, user: 1, scenario: 2, startedAt: '2026-02-03T12:00:00Z', durationSeconds: 1200 },
    { n: 7, user: 2, scenario: 2, startedAt: '2026-02-06T12:00:00Z', durationSeconds: 60, status: 'failed' },
    { n: 8, user: 2, scenario: 2, startedAt: '2026-02-09T12:00:00Z', durationSeconds: 300 }, // the day after the range
  ]);
  await add.reports([
    { session: 1, scoreRaw: 300 },
    { session: 2, scoreRaw: 350 },
    { session: 3, scoreRaw: 50 }, // abandoned: not in average_score
    { session: 6, scoreRaw: 420 },
    { session: 8, scoreRaw: 100 },
  ]);

  const read = async () => scenarioPerformance(pool, '2026-02-02', '2026-02-08');
  const live = await read();
  t.same(live, [
    {
      scenario_id: id('scenario', 1), title: 'Discharge planning', difficulty_level: 'easy',
      usage_count: 5, // sessions 1-5
      sessions_completed: 3, // sessions 1, 2, 5
      completion_rate: '0.7500', // 3 of the 4 finished; session 4 is in progress
      average_score: '325.00', // (300 + 350) / 2; session 5 has no report, session 3 is abandoned
      average_completion_time: '1000.3', // (600 + 900 + 1501) / 3 s
    },
    {
      scenario_id: id('scenario', 2), title: 'Breaking bad news', difficulty_level: 'hard',
      usage_count: 2, // sessions 6 and 7; session 8 is outside the range
      sessions_completed: 1, // session 6
      completion_rate: '0.5000', // 1 of 2
      average_score: '420.00', // session 6
      average_completion_time: '1200.0', // session 6
    },
  ], 'scenarios 1 and 2, most used first; scenario 3 has no session');
  await assertSameOnceStored(t, pool, read, live, { from: '2026-01-01', to: '2026-02-28' });
});

t.test('time distribution: completed sessions\' durations in 5-minute bins [from, to), for all scenarios or one', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }, { n: 2 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-02-02T08:00:00Z', durationSeconds: 0 }, // bin 0-5
    { n: 2, user: 1, scenario: 1, startedAt: '2026-02-02T09:00:00Z', durationSeconds: 299 }, // bin 0-5 (4:59)
    { n: 3, user: 1, scenario: 1, startedAt: '2026-02-02T10:00:00Z', durationSeconds: 300 }, // bin 5-10 (exactly 5:00)
    { n: 4, user: 1, scenario: 2, startedAt: '2026-02-03T10:00:00Z', durationSeconds: 599 }, // bin 5-10
    { n: 5, user: 1, scenario: 2, startedAt: '2026-02-04T10:00:00Z', durationSeconds: 600 }, // bin 10-15
    { n: 6, user: 1, scenario: 2, startedAt: '2026-02-05T10:00:00Z', durationSeconds: 1799 }, // bin 25-30
    { n: 7, user: 1, scenario: 1, startedAt: '2026-02-05T11:00:00Z', durationSeconds: 400, status: 'abandoned' }, // not completed
    { n: 8, user: 1, scenario: 1, startedAt: '2026-02-05T12:00:00Z', status: 'in_progress' }, // not completed
    { n: 9, user: 1, scenario: 1, startedAt: '2026-02-05T13:00:00Z', durationSeconds: null }, // completed, no duration
    { n: 10, user: 1, scenario: 2, startedAt: '2026-02-09T10:00:00Z', durationSeconds: 2000 }, // the day after the range
  ]);

  const read = async () => ({
    all: await timeDistribution(pool, '2026-02-02', '2026-02-08'),
    scenario2: await timeDistribution(pool, '2026-02-02', '2026-02-08', 2),
  });
  const live = await read();
  t.same(live.all, [
    { from_minutes: 0, to_minutes: 5, sessions: 2 }, // sessions 1 and 2
    { from_minutes: 5, to_minutes: 10, sessions: 2 }, // sessions 3 and 4
    { from_minutes: 10, to_minutes: 15, sessions: 1 }, // session 5
    { from_minutes: 25, to_minutes: 30, sessions: 1 }, // session 6; the empty bins 15-25 are omitted
  ], 'every scenario');
  t.same(live.scenario2, [
    { from_minutes: 5, to_minutes: 10, sessions: 1 }, // session 4
    { from_minutes: 10, to_minutes: 15, sessions: 1 }, // session 5
    { from_minutes: 25, to_minutes: 30, sessions: 1 }, // session 6; session 10 is outside the range
  ], 'scenario 2');
  await assertSameOnceStored(t, pool, read, live, { from: '2026-01-01', to: '2026-02-28' });
});

t.test('usage patterns: sessions started per ISO weekday and local hour in Asia/Kolkata, all 168 cells', async (t) => {
  const { pool } = await createTestDatabase(t);
  await setTimezone(pool, 'Asia/Kolkata');
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-02-01T18:45:00Z' }, // Monday 2 February 00:15 IST (Sunday 18:45 in UTC)
    { n: 2, user: 1, scenario: 1, startedAt: '2026-02-02T08:00:00Z' }, // Monday 13:30 IST
    { n: 3, user: 1, scenario: 1, startedAt: '2026-02-02T08:20:00Z', status: 'abandoned' }, // Monday 13:50 IST, any status
    { n: 4, user: 1, scenario: 1, startedAt: '2026-02-07T14:00:00Z' }, // Saturday 19:30 IST
    { n: 5, user: 1, scenario: 1, startedAt: '2026-02-09T08:00:00Z' }, // Monday of the next week: outside the range
  ]);

  const read = async () => usagePatterns(pool, '2026-02-02', '2026-02-08');
  const live = await read();
  t.equal(live.length, 168, '7 weekdays x 24 hours, zero-filled');
  t.same(busyCells(live), {
    '1/0': 1, // session 1 (UTC would say Sunday 18:00)
    '1/13': 2, // sessions 2 and 3
    '6/19': 1, // session 4
  }, 'the busy cells, by local weekday and hour');
  await assertSameOnceStored(t, pool, read, live, { from: '2026-01-01', to: '2026-02-28' });
});

t.test('usage patterns on the Australia/Sydney fall-back day count both 02:00-03:00 hours in hour 2', async (t) => {
  const { pool } = await createTestDatabase(t);
  await setTimezone(pool, 'Australia/Sydney');
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T00:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-04-04T15:30:00Z' }, // Sunday 5 April 02:30 AEDT (+11)
    { n: 2, user: 1, scenario: 1, startedAt: '2026-04-04T16:30:00Z' }, // Sunday 5 April 02:30 AEST (+10), an hour later
    { n: 3, user: 1, scenario: 1, startedAt: '2026-04-05T13:30:00Z' }, // Sunday 23:30 AEST (a fixed +11 would say Monday 00:30)
  ]);

  const read = async () => usagePatterns(pool, '2026-04-05', '2026-04-05');
  const live = await read();
  t.same(busyCells(live), { '7/2': 2, '7/23': 1 }, 'sessions 1 and 2 in Sunday hour 2, session 3 in Sunday hour 23');
  await assertSameOnceStored(t, pool, read, live, { from: '2026-04-01', to: '2026-04-30' });
});
