// The admin API's metrics, below HTTP: each request reads the right SQL
// function with the right filters, rows have their documented columns, and
// the CSV export holds the same rows with formula-looking text neutralised.
// Fixtures are a handful of rows whose numbers can be checked by eye.
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import t from 'tap';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { csvFileName, openCsv, openMetricCsv, queryMetric } from '../src/api/metric-query.ts';
import { METRIC_DEFINITIONS } from '../src/api/metrics.ts';
import { METRICS, parseMetricRequest, type MetricGroup } from '../src/api/request.ts';
import { createPgPool } from '../src/db/pg-pool.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

// Two scenarios (one "hard" with a title that looks like a formula), three
// users, five sessions in the first week of January 2026 (UTC).
async function seedJanuary(pool: DatabasePool): Promise<void> {
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2026-01-05T08:00:00Z' },
    { n: 2, createdAt: '2026-01-05T09:00:00Z' },
    { n: 3, createdAt: '2026-01-07T09:00:00Z' },
  ]);
  await add.scenarios([{ n: 1, title: 'Discharge planning', difficultyLevel: 'medium' }, { n: 2, title: '=HYPERLINK("http://x")', difficultyLevel: 'hard' }]);
  await add.sessions([
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z', durationSeconds: 600 },
    { n: 2, user: 1, scenario: 2, startedAt: '2026-01-05T11:00:00Z', durationSeconds: 1200 },
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-06T10:00:00Z', status: 'abandoned', durationSeconds: 120 },
    { n: 4, user: 3, scenario: 2, startedAt: '2026-01-07T10:00:00Z', durationSeconds: 900 },
    { n: 5, user: 3, scenario: 2, startedAt: '2026-01-07T12:00:00Z', status: 'in_progress' },
  ]);
  await add.reports([
    { session: 1, scoreRaw: 300, criteria: { '-fluency': 4, grammar: 3 } },
    { session: 2, scoreRaw: 400, criteria: { '-fluency': 5, grammar: 5 } },
    { session: 4, scoreRaw: 350, criteria: { grammar: 4 } },
  ]);
}

const week = { startDate: '2026-01-05', endDate: '2026-01-07' };
const request = (group: MetricGroup, query: Record<string, string>) => parseMetricRequest(group, { ...week, ...query });

async function csvOf(url: string, group: MetricGroup, query: Record<string, string>): Promise<string> {
  const pgPool = createPgPool(url, { max: 1 });
  const chunks: Buffer[] = [];
  try {
    await pipeline(await openMetricCsv(pgPool, request(group, query)), new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }));
  } finally {
    await pgPool.end();
  }
  return Buffer.concat(chunks).toString('utf8');
}

t.test('series: one row per bucket, zero-filled counts, null rates, and the envelope', async (t) => {
  const { pool } = await createTestDatabase(t);
  await seedJanuary(pool);
  await pool.query(sql.unsafe`select analytics.refresh_range('2026-01-05', '2026-01-06')`);

  const started = await queryMetric(pool, request('users', { metric: 'sessions_started' }));
  t.match(started, { metric: 'sessions_started', granularity: 'day', ...week, timezone: 'UTC', dataAsOf: /^\d{4}-\d\d-\d\dT/ });
  t.same(started.rows, [
    { bucket: '2026-01-05', value: 2, complete: true },
    { bucket: '2026-01-06', value: 1, complete: true },
    { bucket: '2026-01-07', value: 2, complete: true }, // read live: not stored yet
  ]);

  const rate = await queryMetric(pool, parseMetricRequest('users', { startDate: '2026-01-05', endDate: '2026-01-08', metric: 'completion_rate' }));
  t.same(rate.rows.map((row) => row.value), [1, 0, 1, null], '0-1 fractions as numbers; null with nothing finished');

  const weekly = await queryMetric(pool, request('users', { metric: 'active_users', granularity: 'week' }));
  t.same(weekly.rows, [{ bucket: '2026-01-05', value: 3, complete: true }]);
  t.equal(weekly.granularity, 'week');

  const practice = await queryMetric(pool, request('users', { metric: 'practice_time', userId: id('user', 1) }));
  t.same(practice.rows.map((row) => row.value), [30, 0, 0], "one user's minutes");

  const progression = await queryMetric(pool, request('users', { metric: 'score_progression', userId: id('user', 1), granularity: 'week' }));
  t.same(progression.rows, [{ bucket: '2026-01-05', value: 350, complete: true }]);
});

t.test('content filters: scenarioId and difficultyLevel select scenarios; popular_scenarios is limited', async (t) => {
  const { pool } = await createTestDatabase(t);
  await seedJanuary(pool);

  const hardScores = await queryMetric(pool, request('content', { metric: 'average_scores', difficultyLevel: 'hard' }));
  t.same(hardScores.rows.map((row) => row.value), [400, null, 350]);
  const oneScenario = await queryMetric(pool, request('content', { metric: 'completion_rates', scenarioId: id('scenario', 1) }));
  t.same(oneScenario.rows.map((row) => row.value), [1, 0, null]);

  const popular = await queryMetric(pool, request('content', { metric: 'popular_scenarios', limit: '1' }));
  t.same(popular.rows, [{
    scenario_id: id('scenario', 2), title: '=HYPERLINK("http://x")', difficulty_level: 'hard', usage_count: 3,
    sessions_completed: 2, completion_rate: 1, average_score: 375, average_completion_time: 1050,
  }]);
  t.equal(popular.granularity, null);
  const medium = await queryMetric(pool, request('content', { metric: 'scenario_performance', difficultyLevel: 'medium' }));
  t.same(medium.rows.map((row) => [row.scenario_id, row.usage_count, row.completion_rate]), [[id('scenario', 1), 2, 0.5]]);

  const durations = await queryMetric(pool, request('content', { metric: 'time_distribution', difficultyLevel: 'hard' }));
  t.same(durations.rows, [{ from_minutes: 15, to_minutes: 20, sessions: 1 }, { from_minutes: 20, to_minutes: 25, sessions: 1 }]);
  const nothing = await queryMetric(pool, request('content', { metric: 'time_distribution', difficultyLevel: 'expert' }));
  t.same(nothing.rows, [], 'a difficulty level no scenario has selects nothing');
});

t.test('tables: retention, business active users, usage patterns, subscriptions, strength areas', async (t) => {
  const { pool } = await createTestDatabase(t);
  await seedJanuary(pool);
  await fixtures(pool).subscriptions([{ n: 1, user: 1, startedAt: '2026-01-05T08:00:00Z', amountCents: 3900 }]);

  const retention = await queryMetric(pool, parseMetricRequest('business', { startDate: '2026-01-05', endDate: '2026-01-12', metric: 'retention' }));
  t.same(retention.rows, [
    { cohort: '2026-01-05', cohort_size: 3, week_offset: 0, retained: 3, rate: 1 },
    { cohort: '2026-01-05', cohort_size: 3, week_offset: 1, retained: 0, rate: 0 },
  ]);
  t.equal(retention.granularity, 'week');

  const active = await queryMetric(pool, request('business', { metric: 'active_users' }));
  t.same(active.rows.at(-1), { bucket: '2026-01-07', dau: 1, wau: 3, mau: 3, stickiness: 0.3333 });

  const usage = await queryMetric(pool, request('business', { metric: 'usage_patterns' }));
  t.equal(usage.rows.length, 168);
  t.same(usage.rows.find((row) => row.weekday === 1 && row.hour === 10), { weekday: 1, hour: 10, sessions: 1 });

  const subscriptions = await queryMetric(pool, request('business', { metric: 'subscriptions' }));
  t.match(subscriptions.rows, [{ bucket: '2026-01-01', currency: 'USD', mrr_cents: 3900, paying_customers: 1, new_customers: 1, active_subscriptions: 1, new_subscriptions: 1, subscription_churn_rate: null }]);

  const strengths = await queryMetric(pool, request('users', { metric: 'strength_areas' }));
  t.same(strengths.rows, [{ criterion: '-fluency', average_score: 4.5, reports: 2 }, { criterion: 'grammar', average_score: 4, reports: 3 }]);
});

t.test('CSV: header and the same rows; formula-looking text gets a quote, numbers stay numbers', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  await seedJanuary(pool);

  t.equal(await csvOf(url, 'users', { metric: 'sessions_started' }),
    'bucket,value,complete\n2026-01-05,2,t\n2026-01-06,1,t\n2026-01-07,2,t\n');
  t.equal(await csvOf(url, 'content', { metric: 'scenario_performance' }),
    'scenario_id,title,difficulty_level,usage_count,sessions_completed,completion_rate,average_score,average_completion_time\n'
    + `${id('scenario', 2)},"'=HYPERLINK(""http://x"")",hard,3,2,1.0000,375.00,1050.0\n`
    + `${id('scenario', 1)},Discharge planning,medium,2,1,0.5000,300.00,600.0\n`);
  t.equal(await csvOf(url, 'users', { metric: 'strength_areas' }),
    "criterion,average_score,reports\n'-fluency,4.500,2\ngrammar,4.000,3\n");
  t.equal(csvFileName(request('content', { metric: 'scenario_performance' })), 'content-scenario_performance-2026-01-05-2026-01-07.csv');
});

t.test('MRR movements: one row per month and currency, never a sum across currencies; JSON and CSV', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  await fixtures(pool).users([1, 2, 3].map((n) => ({ n, createdAt: '2025-11-01T00:00:00Z' })));
  // user 1 pays A$39.00 from December and moves to A$49.00 on 10 January;
  // user 2 pays US$20.00 from 5 January; user 3 pays A$39.00 until 20 January
  await fixtures(pool).subscriptions([
    { n: 1, user: 1, currency: 'AUD', startedAt: '2025-12-01T00:00:00Z', endedAt: '2026-01-10T00:00:00Z' },
    { n: 2, user: 1, currency: 'AUD', amountCents: 4900, startedAt: '2026-01-10T00:00:00Z' },
    { n: 3, user: 2, currency: 'USD', amountCents: 2000, startedAt: '2026-01-05T00:00:00Z' },
    { n: 4, user: 3, currency: 'AUD', startedAt: '2025-12-01T00:00:00Z', endedAt: '2026-01-20T00:00:00Z' },
  ]);
  const january = { startDate: '2026-01-01', endDate: '2026-01-31', metric: 'mrr_movements' };
  const movements = await queryMetric(pool, parseMetricRequest('business', january));
  t.same(movements.rows, [
    { bucket: '2026-01-01', currency: 'AUD', mrr_start_cents: 7800, new_cents: 0, expansion_cents: 1000, contraction_cents: 0,
      churn_cents: 3900, reactivation_cents: 0, mrr_end_cents: 4900, complete: true },
    { bucket: '2026-01-01', currency: 'USD', mrr_start_cents: 0, new_cents: 2000, expansion_cents: 0, contraction_cents: 0,
      churn_cents: 0, reactivation_cents: 0, mrr_end_cents: 2000, complete: true },
  ]);
  t.equal(movements.granularity, 'month');
  t.equal(await csvOf(url, 'business', january),
    'bucket,currency,mrr_start_cents,new_cents,expansion_cents,contraction_cents,churn_cents,reactivation_cents,mrr_end_cents,complete\n'
    + '2026-01-01,AUD,7800.00,0.00,1000.00,0.00,3900.00,0.00,4900.00,t\n2026-01-01,USD,0.00,2000.00,0.00,0.00,0.00,0.00,2000.00,t\n');
});

t.test('every metric of every endpoint runs on an empty database and matches its columns', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  // score_progression needs a userId, and one that names nobody is a 404: one user, no activity
  await fixtures(pool).users([{ n: 1, createdAt: '2026-01-01T00:00:00Z' }]);
  for (const group of Object.keys(METRICS) as MetricGroup[]) {
    for (const metric of METRICS[group]) {
      const query = { metric, ...(metric === 'score_progression' ? { userId: id('user', 1) } : {}) };
      const response = await queryMetric(pool, request(group, query));
      t.ok(Array.isArray(response.rows), `${group}/${metric} json`);
      const definition = (METRIC_DEFINITIONS[group] as Record<string, { columns: readonly { name: string }[] }>)[metric];
      const header = (await csvOf(url, group, query)).split('\n')[0];
      t.equal(header, definition?.columns.map((column) => column.name).join(','), `${group}/${metric} csv header`);
    }
  }
});

t.test('metric_freshness lists every metric of the API with its interval', async (t) => {
  const { pool } = await createTestDatabase(t);
  const listed = await pool.anyFirst(sql.unsafe`select endpoint || '/' || metric from analytics.metric_freshness order by 1`);
  const expected = Object.entries(METRICS).flatMap(([group, metrics]) => metrics.map((metric) => `${group}/${metric}`)).sort();
  t.same(listed, expected);
});

t.test('a CSV stream destroyed early (the reader went away) discards its connection, which ends the COPY on the server', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  // idle clients are never closed here, so only discarding the client can end the COPY
  const pgPool = new pg.Pool({ connectionString: url, max: 1, idleTimeoutMillis: 0 });
  t.teardown(() => pgPool.end());
  // 100M rows, streamed (a join of two small series; one big series would be materialised first)
  const stream = await openCsv(pgPool, "select a.g, 'row ' || b.g from generate_series(1, 10000) a(g), generate_series(1, 10000) b(g)");
  stream.destroy();
  const copying = () => pool.oneFirst(sql.type(z.object({ count: z.number() }))`
    select count(*) as count from pg_stat_activity where query like 'copy (select a.g, %' and pid <> pg_backend_pid()`);
  const deadline = Date.now() + 30_000;
  while ((await copying()) > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  t.equal(await copying(), 0, 'no backend is still copying');
  t.equal(pgPool.totalCount, 0, 'the client left the pool instead of going back to it');
  t.same((await pgPool.query('select 1 as one')).rows, [{ one: 1 }], 'the pool still serves');
});
