// Customers and currencies in the monthly business numbers, on one
// hand-made history in Los Angeles time (west of UTC, so a UTC month would
// put the boundaries eight hours off) with the numbers written out below:
// customer counts beside subscription counts (a plan change, two concurrent
// subscriptions, a churn and a comeback, a move to another currency, a trial
// that converts), and money in two currencies on every surface that reports
// it — the relations, the API's JSON and its CSV — each currency on its own
// row, never added to the other. The dashboard shows the API's rows (its
// browser test checks an MRR column per currency).
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import t from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { openMetricCsv, queryMetric } from '../src/api/metric-query.ts';
import { parseMetricRequest } from '../src/api/request.ts';
import { createPgPool } from '../src/db/pg-pool.ts';
import { refresh, setTimezone } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, type SubscriptionRow } from './helpers/fixtures.ts';
import { instantAt } from './helpers/local-time.ts';

const ZONE = 'America/Los_Angeles';
const CLOCK = '2026-05-15T19:00:00Z'; // 15 May, noon in Los Angeles: January to April are finished months
const local = (date: string, time = '00:00') => instantAt(date, time, ZONE);

// USD: user 1 (39.00 all along), user 2 (39.00, then a yearly 588.00 = 49.00
// a month from 10 February), user 5 until 5 March.
// GBP: user 3 (29.00 and, from 10 January, a second subscription of 10.00),
// user 4 (29.00 until 25 January, back on 20 March), user 5 from 5 March,
// user 6 (a trial from 20 January, paying 29.00 from 3 February).
const HISTORY: SubscriptionRow[] = [
  { n: 1, user: 1, currency: 'USD', startedAt: local('2025-12-10') },
  { n: 2, user: 2, currency: 'USD', startedAt: local('2025-12-01'), endedAt: local('2026-02-10') },
  { n: 3, user: 2, currency: 'USD', billingInterval: 'year', amountCents: 58800, startedAt: local('2026-02-10') },
  { n: 4, user: 3, currency: 'GBP', amountCents: 2900, startedAt: local('2025-12-01') },
  { n: 5, user: 3, currency: 'GBP', amountCents: 1000, startedAt: local('2026-01-10') },
  { n: 6, user: 4, currency: 'GBP', amountCents: 2900, startedAt: local('2025-12-01'), endedAt: local('2026-01-25') },
  { n: 7, user: 4, currency: 'GBP', amountCents: 2900, startedAt: local('2026-03-20') },
  { n: 8, user: 5, currency: 'USD', startedAt: local('2025-12-01'), endedAt: local('2026-03-05') },
  { n: 9, user: 5, currency: 'GBP', amountCents: 2900, startedAt: local('2026-03-05') },
  { n: 10, user: 6, currency: 'GBP', amountCents: 2900, startedAt: local('2026-01-20'), trialEndsAt: local('2026-02-03') },
];

// Counts are platform-wide; per month, at its first local instant and the next month's:
// January: customers 1-5 at the start; 4 leaves; 3's second subscription is not a customer.
// February: 2's plan change churns one subscription and starts one, no customer; 6's trial converts.
// March: 5 moves from USD to GBP (no customer churn); 4 comes back (reactivated).
const COUNTS = {
  '2026-01-01': { customers_at_start: 5, new_customers: 0, reactivated_customers: 0, churned_customers: 1, paying_customers: 4, customer_churn_rate: 0.2,
    paying_subscriptions_at_start: 5, new_subscriptions: 1, churned_subscriptions: 1, active_subscriptions: 5, subscription_churn_rate: 0.2,
    trials_ending: 0, trials_converted: 0, trial_conversion: null },
  '2026-02-01': { customers_at_start: 4, new_customers: 1, reactivated_customers: 0, churned_customers: 0, paying_customers: 5, customer_churn_rate: 0,
    paying_subscriptions_at_start: 5, new_subscriptions: 2, churned_subscriptions: 1, active_subscriptions: 6, subscription_churn_rate: 0.2,
    trials_ending: 1, trials_converted: 1, trial_conversion: 1 },
  '2026-03-01': { customers_at_start: 5, new_customers: 0, reactivated_customers: 1, churned_customers: 0, paying_customers: 6, customer_churn_rate: 0,
    paying_subscriptions_at_start: 6, new_subscriptions: 2, churned_subscriptions: 1, active_subscriptions: 7, subscription_churn_rate: 0.1667,
    trials_ending: 0, trials_converted: 0, trial_conversion: null },
  '2026-04-01': { customers_at_start: 6, new_customers: 0, reactivated_customers: 0, churned_customers: 0, paying_customers: 6, customer_churn_rate: 0,
    paying_subscriptions_at_start: 7, new_subscriptions: 0, churned_subscriptions: 0, active_subscriptions: 7, subscription_churn_rate: 0,
    trials_ending: 0, trials_converted: 0, trial_conversion: null },
} as const;
type Month = keyof typeof COUNTS;

// MRR at each month's end, in cents, per currency. USD + GBP (15600, 19500,
// 21400, 21400) must appear nowhere.
const MRR: Record<Month, { USD: number; GBP: number }> = {
  '2026-01-01': { USD: 11700, GBP: 3900 }, // USD 1, 2, 5; GBP 3 (29.00 + 10.00)
  '2026-02-01': { USD: 12700, GBP: 6800 }, // USD 1, 2 (49.00), 5; GBP 3, 6
  '2026-03-01': { USD: 8800, GBP: 12600 }, // USD 1, 2; GBP 3, 4, 5, 6
  '2026-04-01': { USD: 8800, GBP: 12600 },
};

const MONTHS = Object.keys(COUNTS) as Month[];
/** The rows every surface should give, in month and currency order (GBP before USD). */
const expected = MONTHS.flatMap((month) => (['GBP', 'USD'] as const).map((currency) => ({
  month, currency, mrr_cents: MRR[month][currency], ...COUNTS[month],
})));

async function history(t: Parameters<typeof createTestDatabase>[0]): Promise<{ url: string; pool: DatabasePool }> {
  const database = await createTestDatabase(t, 'migrated', { clock: CLOCK });
  await setTimezone(database.pool, ZONE);
  await fixtures(database.pool).users(Array.from({ length: 6 }, (_, i) => ({ n: i + 1, createdAt: local('2026-01-01', '09:00') })));
  await fixtures(database.pool).subscriptions(HISTORY);
  await refresh(database.pool);
  return database;
}

t.test('business_monthly: customers and subscriptions counted apart, MRR on the row of its currency', async (t) => {
  const { pool } = await history(t);
  const Row = z.object({ month: z.string(), currency: z.string().nullable() }).catchall(z.number().nullable());
  const rows = await pool.any(sql.type(Row)`
    select month_start::text as month, currency, mrr_cents::float8,
           customers_at_start, new_customers, reactivated_customers, churned_customers, paying_customers, customer_churn_rate::float8,
           paying_subscriptions_at_start, new_subscriptions, churned_subscriptions, active_subscriptions, subscription_churn_rate::float8,
           trials_ending, trials_converted, trial_conversion::float8
    from analytics_report.business_monthly order by month_start, currency`);
  t.same(rows, expected);
  for (const row of rows) {
    t.equal(Number(row.customers_at_start) + Number(row.new_customers) + Number(row.reactivated_customers) - Number(row.churned_customers),
      row.paying_customers, `${row.month} ${row.currency}: at start + new + reactivated - churned = paying`);
  }

  // the money of mrr_movements agrees, per currency
  const Ends = z.object({ month: z.string(), currency: z.string(), mrr_end_cents: z.number() });
  t.same(await pool.any(sql.type(Ends)`
    select month_start::text as month, currency, mrr_end_cents::float8 from analytics_report.mrr_movements order by 1, 2`),
  expected.map(({ month, currency, mrr_cents }) => ({ month, currency, mrr_end_cents: mrr_cents })));
});

t.test('the API: JSON and CSV give each currency its own row, the counts repeated on each', async (t) => {
  const { url, pool } = await history(t);
  const request = parseMetricRequest('business', { metric: 'subscriptions', startDate: '2026-01-01', endDate: '2026-04-30' });
  const json = await queryMetric(pool, request);
  // the API's row has no trials_ending, trials_converted, customers_at_start nor paying_subscriptions_at_start
  t.same(json.rows, expected.map((row) => ({
    bucket: row.month, currency: row.currency, mrr_cents: row.mrr_cents,
    paying_customers: row.paying_customers, new_customers: row.new_customers, reactivated_customers: row.reactivated_customers,
    churned_customers: row.churned_customers, customer_churn_rate: row.customer_churn_rate,
    active_subscriptions: row.active_subscriptions, new_subscriptions: row.new_subscriptions,
    churned_subscriptions: row.churned_subscriptions, subscription_churn_rate: row.subscription_churn_rate,
    trial_conversion: row.trial_conversion, complete: true,
  })));

  const pgPool = createPgPool(url, { max: 1 });
  const chunks: Buffer[] = [];
  try {
    await pipeline(await openMetricCsv(pgPool, request), new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    }));
  } finally {
    await pgPool.end();
  }
  const lines = Buffer.concat(chunks).toString('utf8').trim().split('\n');
  t.equal(lines[0], 'bucket,currency,mrr_cents,paying_customers,new_customers,reactivated_customers,churned_customers,customer_churn_rate,'
    + 'active_subscriptions,new_subscriptions,churned_subscriptions,subscription_churn_rate,trial_conversion,complete');
  t.same(lines.slice(1, 5), [
    '2026-01-01,GBP,3900.00,4,0,0,1,0.2000,5,1,1,0.2000,,t',
    '2026-01-01,USD,11700.00,4,0,0,1,0.2000,5,1,1,0.2000,,t',
    '2026-02-01,GBP,6800.00,5,1,0,0,0.0000,6,2,1,0.2000,1.0000,t',
    '2026-02-01,USD,12700.00,5,1,0,0,0.0000,6,2,1,0.2000,1.0000,t',
  ]);
  const mrrColumn = lines.slice(1).map((line) => Number(line.split(',')[2]));
  t.same(mrrColumn, expected.map((row) => row.mrr_cents), 'every MRR figure is one currency\'s');
  const sums = MONTHS.map((month) => MRR[month].USD + MRR[month].GBP);
  t.notOk(mrrColumn.some((cents) => sums.includes(cents)), 'no USD + GBP sum anywhere in the CSV');
});
