// MRR movements per customer and currency (analytics.monthly_customer_mrr,
// analytics_report.mrr_movements and mrr_movements_by_customer). A hand-made
// history in Sydney time with one customer per movement and edge case, and
// the numbers written out below; then random subscription histories in two
// currencies against a model of the definitions written here in TypeScript:
// MRR at each month boundary, each customer's movement, and the identity
// start + new + expansion - contraction - churn + reactivation = end.
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { createTestDatabase } from './helpers/database.ts';
import { setTimezone } from './helpers/analytics.ts';
import { fixtures, id, type SubscriptionRow } from './helpers/fixtures.ts';
import { instantAt } from './helpers/local-time.ts';

const ZONE = 'Australia/Sydney';
const CLOCK = '2026-05-15T02:00:00Z'; // "today" is 15 May in Sydney: January to April are finished months
const local = (date: string, time = '00:00') => instantAt(date, time, ZONE);
const RUNS = Number(process.env.PROPERTY_RUNS ?? 100);

async function refresh(pool: DatabasePool): Promise<void> {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`select set_config('analytics.clock', ${CLOCK}, true)`);
    await tx.query(sql.unsafe`select analytics.refresh_pending()`);
  });
}

async function platform(t: Test, users: number): Promise<DatabasePool> {
  const { pool } = await createTestDatabase(t);
  await setTimezone(pool, ZONE);
  // every customer signs up on 1 January: the stored history, and so the
  // finished months of the relations, start there
  await fixtures(pool).users(Array.from({ length: users }, (_, i) => ({ n: i + 1, createdAt: local('2026-01-01', '09:00') })));
  return pool;
}

const Totals = z.object({
  month_start: z.string(), currency: z.string(), mrr_start_cents: z.number(), new_cents: z.number(), expansion_cents: z.number(),
  contraction_cents: z.number(), churn_cents: z.number(), reactivation_cents: z.number(), mrr_end_cents: z.number(),
});
type Totals = z.infer<typeof Totals>;
const readTotals = (pool: DatabasePool) => pool.any(sql.type(Totals)`
  select month_start::text, currency, mrr_start_cents::float8, new_cents::float8, expansion_cents::float8,
         contraction_cents::float8, churn_cents::float8, reactivation_cents::float8, mrr_end_cents::float8
  from analytics_report.mrr_movements order by month_start, currency`);

t.test('one customer per movement and edge case, in Sydney time', async (t) => {
  const pool = await platform(t, 9);
  const subscriptions: SubscriptionRow[] = [
    // 1: pays all along
    { n: 1, user: 1, currency: 'AUD', startedAt: local('2025-12-10') },
    // 2: new in January
    { n: 2, user: 2, currency: 'AUD', startedAt: local('2026-01-15', '10:00') },
    // 3: monthly 39.00 to yearly 588.00 (49.00 a month) on 10 February: an expansion, not a churn and a new customer
    { n: 3, user: 3, currency: 'AUD', startedAt: local('2025-12-01'), endedAt: local('2026-02-10') },
    { n: 4, user: 3, currency: 'AUD', billingInterval: 'year', amountCents: 58800, startedAt: local('2026-02-10') },
    // 4: monthly 49.00 to quarterly 117.00 (39.00 a month) on 5 March: a contraction
    { n: 5, user: 4, currency: 'AUD', amountCents: 4900, startedAt: local('2025-11-01'), endedAt: local('2026-03-05') },
    { n: 6, user: 4, currency: 'AUD', billingInterval: 'quarter', amountCents: 11700, startedAt: local('2026-03-05') },
    // 5: cancelled in January, effective at the end of the paid period, the
    // first instant of February (local): churned in January; back on 20 March
    { n: 7, user: 5, currency: 'AUD', startedAt: local('2025-11-01'), canceledAt: local('2026-01-10'), endedAt: local('2026-02-01') },
    { n: 8, user: 5, currency: 'AUD', startedAt: local('2026-03-20') },
    // 6: a trial from 20 January converting on 3 February: new in February
    { n: 9, user: 6, currency: 'AUD', startedAt: local('2026-01-20'), trialEndsAt: local('2026-02-03') },
    // 7: a trial that lapses: never pays, never counted
    { n: 10, user: 7, currency: 'AUD', startedAt: local('2026-02-01'), trialEndsAt: local('2026-02-15'), endedAt: local('2026-02-15') },
    // 8: two subscriptions at once, in dollars: 20.00, then 10.00 more from 10 January
    { n: 11, user: 8, currency: 'USD', amountCents: 2000, startedAt: local('2025-12-01') },
    { n: 12, user: 8, currency: 'USD', amountCents: 1000, startedAt: local('2026-01-10') },
    // 9: pays from 5 to 20 February only: at neither month boundary, so no movement
    { n: 13, user: 9, currency: 'USD', startedAt: local('2026-02-05'), endedAt: local('2026-02-20') },
  ];
  await fixtures(pool).subscriptions(subscriptions);
  await refresh(pool);

  const row = (month_start: string, currency: string, start: number, moves: Partial<Totals>, end: number): Totals => ({
    month_start, currency, mrr_start_cents: start, new_cents: 0, expansion_cents: 0, contraction_cents: 0, churn_cents: 0,
    reactivation_cents: 0, ...moves, mrr_end_cents: end,
  });
  t.same(await readTotals(pool), [
    // AUD at the start of January: customers 1, 3, 4 (49.00) and 5
    row('2026-01-01', 'AUD', 16600, { new_cents: 3900, churn_cents: 3900 }, 16600),
    row('2026-01-01', 'USD', 2000, { expansion_cents: 1000 }, 3000),
    row('2026-02-01', 'AUD', 16600, { new_cents: 3900, expansion_cents: 1000 }, 21500),
    row('2026-02-01', 'USD', 3000, {}, 3000),
    row('2026-03-01', 'AUD', 21500, { contraction_cents: 1000, reactivation_cents: 3900 }, 24400),
    row('2026-03-01', 'USD', 3000, {}, 3000),
    row('2026-04-01', 'AUD', 24400, {}, 24400),
    row('2026-04-01', 'USD', 3000, {}, 3000),
  ]);

  const Mover = z.object({ month_start: z.string(), currency: z.string(), user_id: z.string(), movement: z.string(), change_cents: z.number() });
  t.same(await pool.any(sql.type(Mover)`
    select month_start::text, currency, user_id::text, movement, change_cents::float8
    from analytics_report.mrr_movements_by_customer order by month_start, currency, user_id`), [
    { month_start: '2026-01-01', currency: 'AUD', user_id: id('user', 2), movement: 'new', change_cents: 3900 },
    { month_start: '2026-01-01', currency: 'AUD', user_id: id('user', 5), movement: 'churn', change_cents: -3900 },
    { month_start: '2026-01-01', currency: 'USD', user_id: id('user', 8), movement: 'expansion', change_cents: 1000 },
    { month_start: '2026-02-01', currency: 'AUD', user_id: id('user', 3), movement: 'expansion', change_cents: 1000 },
    { month_start: '2026-02-01', currency: 'AUD', user_id: id('user', 6), movement: 'new', change_cents: 3900 },
    { month_start: '2026-03-01', currency: 'AUD', user_id: id('user', 4), movement: 'contraction', change_cents: -1000 },
    { month_start: '2026-03-01', currency: 'AUD', user_id: id('user', 5), movement: 'reactivation', change_cents: 3900 },
  ]);

  const Counts = z.object({ month_start: z.string(), customers_start: z.number(), new_customers: z.number(), churned_customers: z.number(), reactivated_customers: z.number(), customers_end: z.number() });
  t.same(await pool.any(sql.type(Counts)`
    select month_start::text, customers_start::int, new_customers::int, churned_customers::int, reactivated_customers::int, customers_end::int
    from analytics_report.mrr_movements where currency = 'AUD' order by month_start`), [
    { month_start: '2026-01-01', customers_start: 4, new_customers: 1, churned_customers: 1, reactivated_customers: 0, customers_end: 4 },
    { month_start: '2026-02-01', customers_start: 4, new_customers: 1, churned_customers: 0, reactivated_customers: 0, customers_end: 5 },
    { month_start: '2026-03-01', customers_start: 5, new_customers: 0, churned_customers: 0, reactivated_customers: 1, customers_end: 6 },
    { month_start: '2026-04-01', customers_start: 6, new_customers: 0, churned_customers: 0, reactivated_customers: 0, customers_end: 6 },
  ], 'customers, not subscriptions: the plan changes of customers 3 and 4 churn nobody');

  t.equal(await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from analytics.verify('2026-01-01', '2026-04-30')`), 0,
    'verify agrees');

  // A late change to a closed month: customer 2 started in December after all.
  await pool.query(sql.unsafe`update public.subscriptions set started_at = ${local('2025-12-15')} where id = ${id('subscription', 2)}`);
  await refresh(pool);
  t.same((await readTotals(pool))[0], row('2026-01-01', 'AUD', 20500, { churn_cents: 3900 }, 16600), 'January restated by the next refresh');
});

t.test('analytics_reader reads both relations', async (t) => {
  const pool = await platform(t, 1);
  await fixtures(pool).subscriptions([{ n: 1, user: 1, currency: 'INR', amountCents: 49900, startedAt: local('2026-01-02') }]);
  await refresh(pool);
  const read = await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`set local role analytics_reader`);
    return tx.one(sql.type(z.object({ totals: z.number(), movers: z.number() }))`
      select (select count(*)::int from analytics_report.mrr_movements) as totals,
             (select count(*)::int from analytics_report.mrr_movements_by_customer) as movers`);
  });
  t.same(read, { totals: 4, movers: 1 });
});

// ---- random histories against a model ----

type Sub = { user: number; currency: 'AUD' | 'USD'; interval: 'month' | 'quarter' | 'year'; amount: number; start: number; trialDays: number | null; days: number | null };
const DAY = 86_400_000;
const HISTORY_START = Date.parse('2025-10-01T00:00:00Z');
const sub = fc.record({
  user: fc.integer({ min: 1, max: 4 }),
  currency: fc.constantFrom('AUD' as const, 'USD' as const),
  interval: fc.constantFrom('month' as const, 'quarter' as const, 'year' as const),
  amount: fc.integer({ min: 100, max: 60_000 }),
  // whole hours, so that some fall on local midnights
  start: fc.integer({ min: 0, max: 200 * 24 }).map((hours) => HISTORY_START + hours * 3_600_000),
  trialDays: fc.option(fc.integer({ min: 0, max: 40 })),
  days: fc.option(fc.integer({ min: 0, max: 150 })),
});
const MONTHS = ['2026-01-01', '2026-02-01', '2026-03-01', '2026-04-01'];

/** The definitions, from the raw rows: MRR per customer and currency at an instant, and each month's totals. */
function model(subs: readonly Sub[]): Totals[] {
  const rows = subs.map((s) => {
    const trialEnds = s.trialDays === null ? null : s.start + s.trialDays * DAY;
    const paidFrom = trialEnds ?? s.start;
    return { ...s, paidFrom, ended: s.days === null ? null : s.start + s.days * DAY, monthly: s.amount / { month: 1, quarter: 3, year: 12 }[s.interval] };
  });
  const mrrAt = (user: number, currency: string, at: number) => rows
    .filter((r) => r.user === user && r.currency === currency && r.paidFrom <= at && (r.ended === null || at < r.ended))
    .reduce((sum, r) => sum + r.monthly, 0);
  const out: Totals[] = [];
  for (const month of MONTHS) {
    const starts = Date.parse(local(month));
    const next = new Date(`${month}T00:00:00Z`);
    next.setUTCMonth(next.getUTCMonth() + 1);
    const ends = Date.parse(local(next.toISOString().slice(0, 10)));
    for (const currency of ['AUD', 'USD']) {
      const totals: Totals = { month_start: month, currency, mrr_start_cents: 0, new_cents: 0, expansion_cents: 0, contraction_cents: 0, churn_cents: 0, reactivation_cents: 0, mrr_end_cents: 0 };
      let customers = 0;
      for (const user of [1, 2, 3, 4]) {
        const [start, end] = [mrrAt(user, currency, starts), mrrAt(user, currency, ends)];
        if (start === 0 && end === 0) continue;
        customers += 1;
        totals.mrr_start_cents += start;
        totals.mrr_end_cents += end;
        const paidBefore = rows.some((r) => r.user === user && r.currency === currency && r.paidFrom < starts && (r.ended === null || r.paidFrom < r.ended));
        if (start === 0) totals[paidBefore ? 'reactivation_cents' : 'new_cents'] += end;
        else if (end === 0) totals.churn_cents += start;
        else if (end > start) totals.expansion_cents += end - start;
        else totals.contraction_cents += start - end;
      }
      if (customers > 0) out.push(totals);
    }
  }
  return out;
}

const cents = (rows: readonly Totals[]) => rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? Math.round(v * 1e6) / 1e6 : v])));

t.test('random subscription histories: the model\'s totals, the identity in every month and currency, and each month starts where the last ended', async (t) => {
  const pool = await platform(t, 4);
  let checked = 0;
  await fc.assert(fc.asyncProperty(fc.array(sub, { minLength: 1, maxLength: 12 }), async (subs) => {
    await pool.query(sql.unsafe`delete from public.subscriptions`);
    await fixtures(pool).subscriptions(subs.map((s, i) => ({
      n: i + 1, user: s.user, currency: s.currency, billingInterval: s.interval, amountCents: s.amount,
      startedAt: new Date(s.start).toISOString(),
      trialEndsAt: s.trialDays === null ? null : new Date(s.start + s.trialDays * DAY).toISOString(),
      endedAt: s.days === null ? null : new Date(s.start + s.days * DAY).toISOString(),
    })));
    await refresh(pool);
    const got = await readTotals(pool);
    const want = model(subs);
    if (JSON.stringify(cents(got)) !== JSON.stringify(cents(want))) {
      throw new Error(`got ${JSON.stringify(got)}\nwanted ${JSON.stringify(want)}`);
    }
    for (const r of got) {
      const identity = r.mrr_start_cents + r.new_cents + r.expansion_cents - r.contraction_cents - r.churn_cents + r.reactivation_cents;
      if (Math.abs(identity - r.mrr_end_cents) > 1e-6) throw new Error(`identity broken in ${JSON.stringify(r)}`);
      const next = got.find((n) => n.currency === r.currency && n.month_start > r.month_start);
      if (next && next.month_start === MONTHS[MONTHS.indexOf(r.month_start) + 1] && Math.abs(next.mrr_start_cents - r.mrr_end_cents) > 1e-6) {
        throw new Error(`${r.currency} ${next.month_start} starts at ${next.mrr_start_cents}, ${r.month_start} ended at ${r.mrr_end_cents}`);
      }
    }
    checked += 1;
  }), { numRuns: RUNS, seed: Number(process.env.PROPERTY_SEED ?? 26) });
  t.equal(checked, RUNS, `${RUNS} histories checked`);
  t.equal(await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from analytics.verify('2026-01-01', '2026-04-30')`), 0,
    'verify agrees on the last history');
});
