// Schema analytics_report as a DBA or a BI tool meets it: a fixture small
// enough to check by eye, read through the views; finished periods only; a
// filter on the key reaches the rollup's index (EXPLAIN); and the reader
// role reads every relation but nothing behind them.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { createPgPool } from '../src/db/pg-pool.ts';
import { seed } from '../src/seed.ts';
import { setTimezone } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const REPORT_RELATIONS = [
  'business_monthly', 'criteria_daily', 'duration_histogram_daily', 'mrr_movements', 'mrr_movements_by_customer',
  'platform_daily', 'platform_monthly', 'platform_weekly', 'restatements', 'retention_weekly', 'scenario_daily', 'scenario_weekly', 'usage_hourly', 'user_daily', 'user_progress',
];

const rows = (pool: DatabasePool, query: ReturnType<typeof sql.unsafe>) =>
  pool.any(sql.type(z.record(z.string(), z.unknown()))`${query}`);

/** Refreshes as of a pinned instant: days up to the day before it are stored. */
async function refreshAsOf(pool: DatabasePool, clock: string): Promise<void> {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`select set_config('analytics.clock', ${clock}, true)`);
    await tx.query(sql.unsafe`select analytics.refresh_pending()`);
  });
}

// Monday 5 January 2026 to Tuesday 20 January, UTC:
//   user 1 signs up on Mon 5th: session 1 (scenario 1, completed, 10 min, score 300) that day,
//          session 3 (scenario 2, completed, 20 min, score 400) on Wed 7th, session 4 in progress on Tue 13th;
//   user 2 signs up on Wed 7th: session 2 (scenario 2, abandoned, 5 min) that day.
// The refresh runs on the 20th, so days up to Mon 19th are stored: weeks of
// the 5th and the 12th are finished, the week of the 19th and January are not.
async function fixture(pool: DatabasePool, clock = '2026-01-20T12:00:00Z'): Promise<void> {
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-05T08:00:00Z' }, { n: 2, createdAt: '2026-01-07T08:00:00Z' }]);
  await add.scenarios([{ n: 1, title: 'Discharge planning', difficultyLevel: 'easy' }, { n: 2, title: 'Breaking bad news', difficultyLevel: 'hard' }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z', durationSeconds: 600 },
    { n: 2, user: 2, scenario: 2, startedAt: '2026-01-07T11:00:00Z', durationSeconds: 300, status: 'abandoned' },
    { n: 3, user: 1, scenario: 2, startedAt: '2026-01-07T12:00:00Z', durationSeconds: 1200 },
    { n: 4, user: 1, scenario: 1, startedAt: '2026-01-13T09:00:00Z', status: 'in_progress' },
  ]);
  await add.reports([
    { session: 1, scoreRaw: 300, criteria: { fluency: 4, grammar: 3 } },
    { session: 3, scoreRaw: 400, criteria: { fluency: 5 } },
  ]);
  await fixtures(pool).subscriptions([{ n: 1, user: 1, startedAt: '2026-01-05T08:00:00Z', amountCents: 3900 }]);
  await refreshAsOf(pool, clock);
}

t.test('the report relations read the fixture as a reader would by hand', async (t) => {
  const { pool } = await createTestDatabase(t);
  await fixture(pool);

  const daily = await rows(pool, sql.unsafe`select * from analytics_report.platform_daily order by day`);
  t.same(daily.map((row) => row.day), Array.from({ length: 15 }, (_, index) => `2026-01-${String(5 + index).padStart(2, '0')}`),
    'one row per day from the first activity to the last stored day (the 19th), none for today');
  t.match(daily[0], {
    day: '2026-01-05', sessions_started: 1, sessions_completed: 1, sessions_finished: 1, completion_rate: '1.0000',
    scored_sessions: 1, score_sum: '300', average_score: '300.00', practice_seconds: 600, practice_minutes: '10.00',
    new_users: 1, dau: 1, wau: 1, mau: 1, stickiness: '1.0000',
  });
  t.match(daily[1], { day: '2026-01-06', sessions_started: 0, completion_rate: null, average_score: null, new_users: 0, dau: 0, wau: 1, mau: 1, stickiness: '0.0000' },
    'a day without sessions is there, zero-filled, with the rolling windows');
  t.match(daily[2], {
    day: '2026-01-07', sessions_started: 2, sessions_completed: 1, sessions_finished: 2, completion_rate: '0.5000',
    score_sum: '400', average_score: '400.00', practice_seconds: 1500, practice_minutes: '25.00', new_users: 1, dau: 2, wau: 2, mau: 2,
  });
  t.match(daily[8], { day: '2026-01-13', sessions_started: 1, sessions_finished: 0, completion_rate: null, dau: 1, wau: 2, mau: 2 },
    'an in-progress session counts as started, not in the completion rate');

  t.same(await rows(pool, sql.unsafe`select week_start, sessions_started, sessions_completed, sessions_finished, completion_rate,
                                            average_score, practice_minutes, active_users, new_users
                                     from analytics_report.platform_weekly order by week_start`), [
    { week_start: '2026-01-05', sessions_started: 3, sessions_completed: 2, sessions_finished: 3, completion_rate: '0.6667',
      average_score: '350.00', practice_minutes: '35.00', active_users: 2, new_users: 2 },
    { week_start: '2026-01-12', sessions_started: 1, sessions_completed: 0, sessions_finished: 0, completion_rate: null,
      average_score: null, practice_minutes: '0.00', active_users: 1, new_users: 0 },
  ], 'the two finished weeks; the week of the 19th is not over');
  t.same(await rows(pool, sql.unsafe`select * from analytics_report.platform_monthly`), [], 'January is not over');
  t.same(await rows(pool, sql.unsafe`select * from analytics_report.business_monthly`), [], 'nor for the business');

  t.same(await rows(pool, sql.unsafe`select day, title, difficulty_level, usage_count, sessions_completed, sessions_finished,
                                            completion_rate, average_score, average_completion_time
                                     from analytics_report.scenario_daily where scenario_id = ${id('scenario', 2)}`), [
    { day: '2026-01-07', title: 'Breaking bad news', difficulty_level: 'hard', usage_count: 2, sessions_completed: 1,
      sessions_finished: 2, completion_rate: '0.5000', average_score: '400.00', average_completion_time: '1200.0' },
  ]);
  t.same(await rows(pool, sql.unsafe`select week_start, scenario_id, usage_count, sessions_completed
                                     from analytics_report.scenario_weekly order by week_start, scenario_id`), [
    { week_start: '2026-01-05', scenario_id: id('scenario', 1), usage_count: 1, sessions_completed: 1 },
    { week_start: '2026-01-05', scenario_id: id('scenario', 2), usage_count: 2, sessions_completed: 1 },
    { week_start: '2026-01-12', scenario_id: id('scenario', 1), usage_count: 1, sessions_completed: 0 },
  ]);
  t.same(await rows(pool, sql.unsafe`select day, criterion, reports, score_sum, average_score from analytics_report.criteria_daily order by 1, 2`), [
    { day: '2026-01-05', criterion: 'fluency', reports: 1, score_sum: '4', average_score: '4.000' },
    { day: '2026-01-05', criterion: 'grammar', reports: 1, score_sum: '3', average_score: '3.000' },
    { day: '2026-01-07', criterion: 'fluency', reports: 1, score_sum: '5', average_score: '5.000' },
  ]);
  t.same(await rows(pool, sql.unsafe`select * from analytics_report.usage_hourly order by day, hour`), [
    { day: '2026-01-05', weekday: 1, hour: 10, sessions_started: 1 },
    { day: '2026-01-07', weekday: 3, hour: 11, sessions_started: 1 },
    { day: '2026-01-07', weekday: 3, hour: 12, sessions_started: 1 },
    { day: '2026-01-13', weekday: 2, hour: 9, sessions_started: 1 },
  ]);
  t.same(await rows(pool, sql.unsafe`select day, scenario_id, from_minutes, to_minutes, sessions from analytics_report.duration_histogram_daily order by 1`), [
    { day: '2026-01-05', scenario_id: id('scenario', 1), from_minutes: 10, to_minutes: 15, sessions: 1 },
    { day: '2026-01-07', scenario_id: id('scenario', 2), from_minutes: 20, to_minutes: 25, sessions: 1 },
  ], 'completed sessions only: the abandoned one is not in the histogram');
  t.same(await rows(pool, sql.unsafe`select day, sessions_started, completion_rate, practice_minutes
                                     from analytics_report.user_daily where user_id = ${id('user', 1)} order by day`), [
    { day: '2026-01-05', sessions_started: 1, completion_rate: '1.0000', practice_minutes: '10.00' },
    { day: '2026-01-07', sessions_started: 1, completion_rate: '1.0000', practice_minutes: '20.00' },
    { day: '2026-01-13', sessions_started: 1, completion_rate: null, practice_minutes: '0.00' },
  ]);
  t.same(await rows(pool, sql.unsafe`select user_id, as_of, sessions_completed, scored_sessions, score_sum, average_score,
                                            practice_seconds, total_practice_time
                                     from analytics_report.user_progress order by user_id`), [
    { user_id: id('user', 1), as_of: '2026-01-13', sessions_completed: 2, scored_sessions: 2, score_sum: '700', average_score: '350.00',
      practice_seconds: 1800, total_practice_time: 30 },
    { user_id: id('user', 2), as_of: '2026-01-07', sessions_completed: 0, scored_sessions: 0, score_sum: '0', average_score: null,
      practice_seconds: 300, total_practice_time: 5 },
  ]);
  t.same(await rows(pool, sql.unsafe`select * from analytics_report.retention_weekly order by 1, 2`), [
    { cohort_week: '2026-01-05', week_offset: 0, activity_week: '2026-01-05', cohort_size: 2, retained: 2, rate: '1.0000' },
    { cohort_week: '2026-01-05', week_offset: 1, activity_week: '2026-01-12', cohort_size: 2, retained: 1, rate: '0.5000' },
  ], 'finished weeks only: the cohort is not followed into the week of the 19th');
});

t.test('a month ends: platform_monthly and business_monthly gain its row, and today never appears', async (t) => {
  const { pool } = await createTestDatabase(t);
  await fixture(pool, '2026-02-03T12:00:00Z');
  t.same(await rows(pool, sql.unsafe`select month_start, month_end, sessions_started, active_users, new_users from analytics_report.platform_monthly`), [
    { month_start: '2026-01-01', month_end: '2026-01-31', sessions_started: 4, active_users: 2, new_users: 2 },
  ]);
  t.same(await rows(pool, sql.unsafe`select month_start, currency, mrr_cents, active_users, paying_customers, new_customers,
                                            customer_churn_rate, active_subscriptions, new_subscriptions, churned_subscriptions,
                                            paying_subscriptions_at_start, subscription_churn_rate from analytics_report.business_monthly`), [
    { month_start: '2026-01-01', currency: 'USD', mrr_cents: '3900.00', active_users: 2, paying_customers: 1, new_customers: 1,
      customer_churn_rate: null, active_subscriptions: 1, new_subscriptions: 1, churned_subscriptions: 0,
      paying_subscriptions_at_start: 0, subscription_churn_rate: null },
  ]);
  t.equal(await pool.oneFirst(sql.type(z.object({ last: z.string() }))`select max(day)::text as last from analytics_report.platform_daily`),
    '2026-02-02', 'the last stored day is yesterday as of the refresh');
});

t.test('a lull of more than 30 days: every stored day is in platform_daily, a signup-only day with zero active users', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  // user 1 practises on Mon 5 Jan, then nobody until Fri 20 Feb; user 2 signs up on Tue 10 Feb
  await add.users([{ n: 1, createdAt: '2026-01-05T08:00:00Z' }, { n: 2, createdAt: '2026-02-10T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z' },
    { n: 2, user: 2, scenario: 1, startedAt: '2026-02-20T10:00:00Z' },
  ]);
  await refreshAsOf(pool, '2026-02-25T12:00:00Z');
  const days = await rows(pool, sql.unsafe`select day, sessions_started, new_users, dau, wau, mau, stickiness from analytics_report.platform_daily order by day`);
  t.equal(days.length, 51, 'every day from 5 January to 24 February');
  t.same(days.find((row) => row.day === '2026-02-10'),
    { day: '2026-02-10', sessions_started: 0, new_users: 1, dau: 0, wau: 0, mau: 0, stickiness: null });
  t.same(days.find((row) => row.day === '2026-02-15'),
    { day: '2026-02-15', sessions_started: 0, new_users: 0, dau: 0, wau: 0, mau: 0, stickiness: null });
  t.same(await rows(pool, sql.unsafe`select week_start, active_users, new_users from analytics_report.platform_weekly where week_start = '2026-02-09'`),
    [{ week_start: '2026-02-09', active_users: 0, new_users: 1 }], 'the signup week of the lull');
  t.same(await rows(pool, sql.unsafe`select cohort_week, week_offset, cohort_size, retained from analytics_report.retention_weekly where cohort_week = '2026-02-09'`),
    [{ cohort_week: '2026-02-09', week_offset: 0, cohort_size: 1, retained: 0 }, { cohort_week: '2026-02-09', week_offset: 1, cohort_size: 1, retained: 1 }]);
});

t.test('signups before the first session: the first stored day is the first signup', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-02T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([{ n: 1, user: 1, scenario: 1, startedAt: '2026-01-14T10:00:00Z' }]);
  await refreshAsOf(pool, '2026-01-20T12:00:00Z');
  t.same(await rows(pool, sql.unsafe`select min(day)::text as first, count(*) as days, sum(new_users) as new_users from analytics_report.platform_daily`),
    [{ first: '2026-01-02', days: 18, new_users: '1' }]);
  t.same(await rows(pool, sql.unsafe`select week_start, new_users from analytics_report.platform_weekly order by 1`),
    [{ week_start: '2025-12-29', new_users: 1 }, { week_start: '2026-01-05', new_users: 0 }, { week_start: '2026-01-12', new_users: 0 }]);
});

t.test('the analytics_reader role reads every report relation, and nothing in the schema can be written', async (t) => {
  const { pool } = await createTestDatabase(t);
  await fixture(pool, '2026-02-03T12:00:00Z');
  // session 4 completes late: the finished week of the 12th is restated
  await pool.query(sql.unsafe`update public.sessions set completion_status = 'completed', duration_seconds = 900 where id = ${id('session', 4)}`);
  await refreshAsOf(pool, '2026-02-03T12:00:00Z');
  const relations = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
    select c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'analytics_report' order by 1`);
  t.same(relations, REPORT_RELATIONS, `the ${REPORT_RELATIONS.length} relations of the catalogue`);
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`set local role analytics_reader`);
    for (const relation of REPORT_RELATIONS) {
      const count = await tx.oneFirst(sql.type(z.object({ count: z.number() }))`
        select count(*) from ${sql.identifier(['analytics_report', relation])}`);
      t.ok(count > 0, `${relation}: ${count} rows readable`);
    }
  });
  await t.rejects(pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`set local role analytics_reader`);
    await tx.query(sql.unsafe`create view analytics_report.mine as select 1`);
  }), { message: /permission denied/ }, 'the reader cannot add objects to the schema');
});

// Three years of seeded activity: enough rows that reading everything and
// reading one key differ by orders of magnitude. Buffers, not time: a plan's
// page count is deterministic for the same data and plan.
t.test('a filter on the key reaches the rollup index: one day, one user, one scenario read a small fraction of the rows', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  await seed({ databaseUrl: url, users: 1500, days: 1095, seed: 12, endAt: new Date('2026-11-28T12:00:00Z'), sessionsPerUser: 12, shards: 1 });
  await setTimezone(pool, 'UTC');
  const pg = createPgPool(url, { max: 1 });
  t.teardown(() => pg.end());
  await pg.query("select set_config('analytics.clock', '2026-11-29T12:00:00Z', false)");
  await pg.query('select analytics.refresh_pending()');
  await pg.query('analyze');
  const someUser = await pool.oneFirst(sql.type(z.object({ user_id: z.string() }))`
    select user_id from analytics.daily_user_activity order by day, user_id limit 1`);
  const someScenario = await pool.oneFirst(sql.type(z.object({ scenario_id: z.string() }))`
    select scenario_id from analytics.daily_scenario_activity order by day, scenario_id limit 1`);
  const someSubscriber = await pool.oneFirst(sql.type(z.object({ user_id: z.string() }))`
    select user_id from analytics.monthly_customer_mrr where movement <> 'unchanged' order by month_start, user_id limit 1`);

  // The tables that grow with users, scenarios or cohorts x days; the others
  // hold one row per day, week or month (a thousand rows for three years),
  // where reading a few pages whole is the planner's right choice.
  const LARGE = ['daily_user_activity', 'daily_scenario_activity', 'daily_session_durations', 'hourly_sessions',
    'daily_criteria_scores', 'user_progress_snapshots', 'weekly_retention', 'monthly_customer_mrr', 'users'];
  /**
   * The plan of a query as executed: the rows its scans of the large tables
   * read (kept or filtered out), the pages it touched, and the large tables
   * it scanned whole. Rows, not pages, are the measure of reaching the index: a day's
   * rows lie wherever the refresh wrote them, so a day's pages depend on the
   * heap's physical order, not on the plan.
   */
  const plan = async (query: string) => {
    const result = await pg.query<{ 'QUERY PLAN': { Plan: Record<string, unknown> }[] }>(`explain (analyze, buffers, format json) ${query}`);
    const explained = result.rows[0]!['QUERY PLAN'][0]!;
    const seqScans: string[] = [];
    let rows = 0;
    const walk = (node: Record<string, unknown>) => {
      const type = String(node['Node Type']);
      if (type === 'Seq Scan' && LARGE.includes(String(node['Relation Name']))) seqScans.push(String(node['Relation Name']));
      if (['Seq Scan', 'Index Scan', 'Index Only Scan', 'Bitmap Heap Scan'].includes(type) && LARGE.includes(String(node['Relation Name']))) {
        const perLoop = Number(node['Actual Rows']) + Number(node['Rows Removed by Filter'] ?? 0) + Number(node['Rows Removed by Index Recheck'] ?? 0);
        rows += perLoop * Number(node['Actual Loops']);
      }
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk(explained.Plan);
    return { rows: Math.round(rows), pages: Number(explained.Plan['Shared Hit Blocks']) + Number(explained.Plan['Shared Read Blocks']), seqScans };
  };
  const cases = [
    ['platform_daily', `day = '2026-06-15'`],
    ['platform_daily', `day between '2026-06-01' and '2026-06-30'`],
    ['platform_weekly', `week_start = '2026-06-15'`],
    ['platform_monthly', `month_start = '2026-06-01'`],
    ['scenario_daily', `scenario_id = '${someScenario}'`],
    ['scenario_daily', `day = '2026-06-15'`],
    ['scenario_weekly', `week_start = '2026-06-15'`],
    ['scenario_weekly', `scenario_id = '${someScenario}'`],
    ['user_daily', `user_id = '${someUser}'`],
    ['user_progress', `user_id = '${someUser}'`],
    ['criteria_daily', `day = '2026-06-15'`],
    ['usage_hourly', `day = '2026-06-15'`],
    ['duration_histogram_daily', `day = '2026-06-15'`],
    ['retention_weekly', `cohort_week = '2026-06-15'`],
    ['mrr_movements', `month_start = '2026-06-01'`],
    ['mrr_movements_by_customer', `month_start = '2026-06-01'`],
    ['mrr_movements_by_customer', `user_id = '${someSubscriber}'`],
  ] as const;
  for (const [relation, filter] of cases) {
    const all = await plan(`select * from analytics_report.${relation}`);
    const one = await plan(`select * from analytics_report.${relation} where ${filter}`);
    t.same(one.seqScans, [], `${relation} where ${filter}: reaches the large rollups through an index`);
    t.ok(all.rows > 0 && one.rows * 10 < all.rows, `${relation} where ${filter}: reads ${one.rows} rows (${one.pages} pages), against ${all.rows} (${all.pages} pages) for every row`);
  }
  // business_monthly reads one row per month of tables that hold one row per month: nothing to prove there
  t.same((await plan(`select * from analytics_report.business_monthly where month_start = '2026-06-01'`)).seqScans, []);

  // The DBA guide's three example queries (docs/dba.md, "Connecting as
  // analytics_reader"), as the reader role, on the same data.
  const guide = await readFile(new URL('../docs/dba.md', import.meta.url), 'utf8');
  const examples = [...guide.slice(guide.indexOf('<!-- The three queries below')).matchAll(/```sql\n([\s\S]*?)```/g)]
    .slice(0, 3).map((match) => match[1]!);
  t.equal(examples.length, 3, 'docs/dba.md shows three example queries');
  const client = await pg.connect();
  const answered: number[] = [];
  try {
    await client.query('begin');
    await client.query('set local role analytics_reader');
    for (const example of examples) answered.push((await client.query(example)).rowCount ?? 0);
  } finally {
    await client.query('rollback');
    client.release();
  }
  t.ok(answered[0]! > 0 && answered[2]! > 0, `the weekly and the business examples answer (${answered.join(', ')} rows)`);
});
