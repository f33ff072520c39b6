// Restatements of closed periods (analytics_report.restatements): a refresh
// that changes a stored number of a finished week or month records the old
// and the new value and why; one that changes nothing records nothing. A
// hand-made history in Sydney time, with every expected row written out.
import type { CaptureMode } from '../src/capture-mode.ts';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { queryMetric } from '../src/api/metric-query.ts';
import { parseMetricRequest } from '../src/api/request.ts';
import { refresh, setTimezone } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';
import { instantAt } from './helpers/local-time.ts';

const ZONE = 'Australia/Sydney';
const CLOCK = '2026-05-15T02:00:00Z'; // 15 May in Sydney: January to April are finished months
const local = (date: string, time = '00:00') => instantAt(date, time, ZONE);

const Restatement = z.object({
  period_start: z.string(), metric: z.string(), currency: z.string().nullable(),
  old_value: z.number().nullable(), new_value: z.number().nullable(), cause: z.string(),
});
type Restatement = z.infer<typeof Restatement>;
const restatements = (pool: DatabasePool) => pool.any(sql.type(Restatement)`
  select period_start::text, metric, currency, old_value::float8, new_value::float8, cause
  from analytics_report.restatements order by period_start, metric, currency`);

// Users 1-3 sign up on 1 January; user 1 pays A$39.00 from 5 January, user 2
// US$20.00 from 10 January. No session: the platform numbers are zeros.
async function history(t: Test, capture?: CaptureMode): Promise<DatabasePool> {
  const { pool } = await createTestDatabase(t, 'migrated', { clock: CLOCK, ...(capture ? { capture } : {}) });
  await setTimezone(pool, ZONE);
  await fixtures(pool).users([1, 2, 3].map((n) => ({ n, createdAt: local('2026-01-01', '09:00') })));
  await fixtures(pool).subscriptions([
    { n: 1, user: 1, currency: 'AUD', startedAt: local('2026-01-05') },
    { n: 2, user: 2, currency: 'USD', amountCents: 2000, startedAt: local('2026-01-10') },
  ]);
  await refresh(pool);
  return pool;
}

t.test('storing periods for the first time restates nothing', async (t) => {
  const pool = await history(t);
  t.same(await restatements(pool), []);
});

t.test('a late subscription in a closed month: one row per number it changed, once', async (t) => {
  const pool = await history(t);
  // user 3 starts paying A$49.00 on 10 March, written after March and April were stored
  await fixtures(pool).subscriptions([{ n: 3, user: 3, currency: 'AUD', amountCents: 4900, startedAt: local('2026-03-10') }]);
  await refresh(pool);
  const late = 'late rows of public.subscriptions';
  const row = (period_start: string, metric: string, old_value: number, new_value: number, currency: string | null = null): Restatement =>
    ({ period_start, metric, currency, old_value, new_value, cause: late });
  const expected = [
    // March: a new customer and subscription; AUD MRR 39.00 -> 88.00, all of it new business
    row('2026-03-01', 'business_monthly.active_subscriptions', 2, 3),
    row('2026-03-01', 'business_monthly.mrr_cents', 3900, 8800, 'AUD'),
    row('2026-03-01', 'business_monthly.new_customers', 0, 1),
    row('2026-03-01', 'business_monthly.new_subscriptions', 0, 1),
    row('2026-03-01', 'business_monthly.paying_customers', 2, 3),
    row('2026-03-01', 'mrr_movements.new_cents', 0, 4900, 'AUD'),
    // April: one more paying at the start and at the end; no movement, churn rates still 0
    row('2026-04-01', 'business_monthly.active_subscriptions', 2, 3),
    row('2026-04-01', 'business_monthly.customers_at_start', 2, 3),
    row('2026-04-01', 'business_monthly.mrr_cents', 3900, 8800, 'AUD'),
    row('2026-04-01', 'business_monthly.paying_customers', 2, 3),
    row('2026-04-01', 'business_monthly.paying_subscriptions_at_start', 2, 3),
  ];
  t.same(await restatements(pool), expected, 'USD, January and February, and the unchanged rates are not restated');

  await refresh(pool);
  t.same(await restatements(pool), expected, 'a second refresh adds nothing');

  // the API and its CSV read the same rows, by period
  const api = await queryMetric(pool, parseMetricRequest('business', { metric: 'restatements', startDate: '2026-04-01', endDate: '2026-04-30' }));
  t.same(api.rows.map(({ period_start, metric, currency, old_value, new_value, cause }) => ({ period_start, metric, currency, old_value, new_value, cause })),
    expected.slice(6));
  t.ok(api.rows.every((r) => !Number.isNaN(Date.parse(String(r.restated_at)))), 'each with the instant it was restated');
});

t.test('a late session in a closed week and month, then its feedback report', async (t) => {
  const pool = await history(t);
  // Tuesday 3 February, 10:00 in Sydney: completed, 600 s
  await fixtures(pool).scenarios([{ n: 1 }]);
  await fixtures(pool).sessions([{ n: 1, user: 1, scenario: 1, startedAt: local('2026-02-03', '10:00'), durationSeconds: 600 }]);
  await refresh(pool);
  const sessions = 'late rows of public.sessions';
  const platform = (period: string, granularity: 'weekly' | 'monthly', cause: string, numbers: Record<string, [number | null, number]>) =>
    Object.entries(numbers).map(([name, [old_value, new_value]]): Restatement =>
      ({ period_start: period, metric: `platform_${granularity}.${name}`, currency: null, old_value, new_value, cause }));
  const moved = { active_users: [0, 1], completion_rate: [null, 1], practice_seconds: [0, 600], sessions_completed: [0, 1],
    sessions_finished: [0, 1], sessions_started: [0, 1] } as const satisfies Record<string, [number | null, number]>;
  const afterSession = [
    ...platform('2026-02-01', 'monthly', sessions, moved),
    { period_start: '2026-02-01', metric: 'business_monthly.active_users', currency: null, old_value: 0, new_value: 1, cause: sessions },
    ...platform('2026-02-02', 'weekly', sessions, moved),
  ].sort((a, b) => a.period_start.localeCompare(b.period_start) || a.metric.localeCompare(b.metric));
  t.same(await restatements(pool), afterSession);

  await fixtures(pool).reports([{ session: 1, scoreRaw: 350, criteria: {} }]);
  await refresh(pool);
  const reports = 'late rows of public.feedback_reports';
  const scored = { average_score: [null, 350], score_sum: [0, 350], scored_sessions: [0, 1] } as const satisfies Record<string, [number | null, number]>;
  t.same((await restatements(pool)).filter((r) => r.cause === reports), [
    ...platform('2026-02-01', 'monthly', reports, scored),
    ...platform('2026-02-02', 'weekly', reports, scored),
  ]);
  t.equal((await restatements(pool)).length, afterSession.length + 6, 'and nothing else');
});

t.test('a forced refresh and a backfill that change nothing record nothing', async (t) => {
  // trigger mode: a change can be hidden from it (the triggers disabled); the
  // logical capture would see it in the WAL
  const pool = await history(t, 'triggers');
  await pool.query(sql.unsafe`select analytics.refresh_buckets('month', array['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01']::date[], 'test', true)`);
  await pool.query(sql.unsafe`select analytics.refresh_range('2026-01-01', '2026-04-30')`);
  t.same(await restatements(pool), []);

  // the same forced refresh after a change the capture never saw: the cause is the refresh
  await pool.query(sql.unsafe`alter table public.subscriptions disable trigger user`);
  await pool.query(sql.unsafe`update public.subscriptions set amount_cents = 2500 where id = ${id('subscription', 2)}`);
  await pool.query(sql.unsafe`alter table public.subscriptions enable trigger user`);
  await pool.query(sql.unsafe`select analytics.refresh_buckets('month', array['2026-04-01']::date[], 'test', true)`);
  t.same((await restatements(pool)).filter((r) => r.period_start === '2026-04-01'), [
    { period_start: '2026-04-01', metric: 'business_monthly.mrr_cents', currency: 'USD', old_value: 2000, new_value: 2500,
      cause: 'forced refresh of month bucket(s) 2026-04-01' },
  ]);
});

t.test('a change of zone restates what it moves, with the zones as the cause', async (t) => {
  const pool = await history(t);
  await pool.query(sql.unsafe`select analytics.set_reporting_timezone('America/Los_Angeles')`);
  const rows = await restatements(pool);
  // 09:00 on 1 January in Sydney is 14:00 on 31 December in Los Angeles:
  // the three signups leave January
  t.match(rows, [{ period_start: '2026-01-01', metric: 'platform_monthly.new_users', old_value: 3, new_value: 0,
    cause: 'reporting time zone changed from Australia/Sydney to America/Los_Angeles' }]);
  t.ok(rows.every((r) => r.cause === 'reporting time zone changed from Australia/Sydney to America/Los_Angeles'), 'every row says why');
  t.comment(`restatements after the zone change: ${rows.length} rows (${rows.map((r) => `${r.period_start} ${r.metric}`).join(', ')})`);
});
