// Subscription metrics (analytics.subscription_metrics) pinned down on tiny
// hand-made fixtures. They are derived from the subscriptions' timestamps,
// never from status: the paid period starts at coalesce(trial_ends_at,
// started_at) and a subscription is paying at instant T when paid start <= T
// and (ended_at is null or T < ended_at). Every expected number can be
// checked by eye from the table in each test; each test ends with the
// analytics.verify() oracle.
import t from 'tap';
import { sql, type DatabasePool } from 'slonik';
import { z } from 'zod';
import { assertSameOnceStored, differences, refresh, setTimezone } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const SubscriptionMetric = z.object({
  bucket: z.string(),
  active_subscriptions: z.number(),
  new_subscriptions: z.number(),
  churned_subscriptions: z.number(),
  mrr_cents: z.string(),
  subscription_churn_rate: z.string().nullable(),
  trial_conversion: z.string().nullable(),
  complete: z.boolean(),
});
type SubscriptionMetric = z.infer<typeof SubscriptionMetric>;

function subscriptionMetrics(pool: DatabasePool, from: string, to: string) {
  return pool.any(sql.type(SubscriptionMetric)`
    select bucket, active_subscriptions, new_subscriptions, churned_subscriptions, mrr_cents, subscription_churn_rate, trial_conversion, complete
    from analytics.subscription_metrics(${from}::date, ${to}::date)`);
}

/** A month row, complete (every fixture month is over). */
const month = (bucket: string, values: Omit<SubscriptionMetric, 'bucket' | 'complete'>): SubscriptionMetric => ({ bucket, ...values, complete: true });

t.test('subscription metrics per month: active, new and churned subscribers, MRR with annual and quarterly plans, churn rate, trial conversion', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([1, 2, 3, 4, 5, 6, 7].map((n) => ({ n, createdAt: '2025-12-01T00:00:00Z' })));
  // Statuses deliberately contradict the timestamps: only the timestamps count.
  //  #  plan              paid from   ended     status
  //  1  month   3900      Dec 15      -         active
  //  2  year   29900      Jan 10      -         past_due   (2491.67 a month)
  //  3  quarter 9900      Jan 20      Mar 5     active     (3300.00 a month)
  //  4  month   3900      Feb 10      -         trialing   (trial Feb 3 - Feb 10, converted)
  //  5  month   3900      Feb 27      Feb 27    canceled   (trial Feb 20 - Feb 27, lapsed: never paid)
  //  6  month   3900      Mar 4       Apr 15    trialing   (trial Feb 25 - Mar 4, converted, later churned)
  //  7  month   3900      Mar 8       Mar 5     active     (trial Mar 1 - Mar 8, canceled during the trial: never paid)
  await add.subscriptions([
    { n: 1, user: 1, billingInterval: 'month', amountCents: 3900, startedAt: '2025-12-15T10:00:00Z', status: 'active' },
    { n: 2, user: 2, billingInterval: 'year', amountCents: 29900, startedAt: '2026-01-10T10:00:00Z', status: 'past_due' },
    { n: 3, user: 3, billingInterval: 'quarter', amountCents: 9900, startedAt: '2026-01-20T10:00:00Z', endedAt: '2026-03-05T10:00:00Z', status: 'active' },
    { n: 4, user: 4, amountCents: 3900, startedAt: '2026-02-03T10:00:00Z', trialEndsAt: '2026-02-10T10:00:00Z', status: 'trialing' },
    { n: 5, user: 5, amountCents: 3900, startedAt: '2026-02-20T10:00:00Z', trialEndsAt: '2026-02-27T10:00:00Z', canceledAt: '2026-02-25T10:00:00Z', endedAt: '2026-02-27T10:00:00Z', status: 'canceled' },
    { n: 6, user: 6, amountCents: 3900, startedAt: '2026-02-25T10:00:00Z', trialEndsAt: '2026-03-04T10:00:00Z', endedAt: '2026-04-15T10:00:00Z', status: 'trialing' },
    { n: 7, user: 7, amountCents: 3900, startedAt: '2026-03-01T10:00:00Z', trialEndsAt: '2026-03-08T10:00:00Z', canceledAt: '2026-03-05T10:00:00Z', endedAt: '2026-03-05T10:00:00Z', status: 'active' },
  ]);

  const expected = [
    month('2026-01-01', {
      active_subscriptions: 3, // paying on Feb 1: #1, #2, #3
      new_subscriptions: 2, // #2 and #3 started paying in January
      churned_subscriptions: 0,
      mrr_cents: '9691.67', // 3900 + 29900 / 12 + 9900 / 3
      subscription_churn_rate: '0.0000', // 0 of the 1 paying on Jan 1 (#1)
      trial_conversion: null, // no trial ends in January
    }),
    month('2026-02-01', {
      active_subscriptions: 4, // paying on Mar 1: #1, #2, #3, #4
      new_subscriptions: 1, // #4; #5's paid start (Feb 27) is also its end, so it never paid
      churned_subscriptions: 0, // #5 ended, but not after its paid start
      mrr_cents: '13591.67', // 9691.67 + 3900 (#4)
      subscription_churn_rate: '0.0000', // 0 of the 3 paying on Feb 1
      trial_conversion: '0.5000', // trials ending: #4 (converted), #5 (ended at the trial's end)
    }),
    month('2026-03-01', {
      active_subscriptions: 4, // paying on Apr 1: #1, #2, #4, #6
      new_subscriptions: 1, // #6; #7 ended before its paid start
      churned_subscriptions: 1, // #3 ended on Mar 5; #7 never paid
      mrr_cents: '14191.67', // 3900 + 2491.67 + 3900 + 3900
      subscription_churn_rate: '0.2500', // 1 of the 4 paying on Mar 1 (#1, #2, #3, #4)
      trial_conversion: '0.5000', // trials ending: #6 (converted), #7 (canceled during the trial)
    }),
    month('2026-04-01', {
      active_subscriptions: 3, // paying on May 1: #1, #2, #4
      new_subscriptions: 0,
      churned_subscriptions: 1, // #6 ended on Apr 15
      mrr_cents: '10291.67', // 3900 + 2491.67 + 3900
      subscription_churn_rate: '0.2500', // 1 of the 4 paying on Apr 1
      trial_conversion: null,
    }),
    month('2026-05-01', {
      active_subscriptions: 3, new_subscriptions: 0, churned_subscriptions: 0, mrr_cents: '10291.67', // a quiet month
      subscription_churn_rate: '0.0000', trial_conversion: null, // 0 of 3; no trial ends
    }),
  ];
  const read = async () => subscriptionMetrics(pool, '2026-01-15', '2026-05-15'); // widened to whole months
  t.same(await read(), expected, 'computed live');
  await refresh(pool);
  t.same(await read(), expected, 'the same from the stored months');

  // Status alone changes nothing: every subscription marked canceled.
  await pool.query(sql.unsafe`update public.subscriptions set status = 'canceled'`);
  await assertSameOnceStored(t, pool, read, expected, { from: '2026-01-01', to: '2026-05-31' });
});

t.test('ending an annual plan after a refresh moves its churn and MRR in the months from its end on', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([1, 2].map((n) => ({ n, createdAt: '2025-12-01T00:00:00Z' })));
  await add.subscriptions([
    { n: 1, user: 1, billingInterval: 'month', amountCents: 3900, startedAt: '2025-12-15T10:00:00Z' },
    { n: 2, user: 2, billingInterval: 'year', amountCents: 29900, startedAt: '2026-01-10T10:00:00Z' },
  ]);
  await refresh(pool);
  const read = async () => subscriptionMetrics(pool, '2026-01-01', '2026-03-31');
  t.same((await read()).map((row) => [row.bucket, row.active_subscriptions, row.churned_subscriptions, row.mrr_cents]), [
    ['2026-01-01', 2, 0, '6391.67'], // 3900 + 29900 / 12
    ['2026-02-01', 2, 0, '6391.67'],
    ['2026-03-01', 2, 0, '6391.67'],
  ], 'before');

  await pool.query(sql.unsafe`update public.subscriptions set ended_at = '2026-02-14T10:00:00Z', canceled_at = '2026-02-01T10:00:00Z'
                              where id = ${id('subscription', 2)}`);
  await refresh(pool);
  t.same(await read(), [
    month('2026-01-01', { active_subscriptions: 2, new_subscriptions: 1, churned_subscriptions: 0, mrr_cents: '6391.67', subscription_churn_rate: '0.0000', trial_conversion: null }), // unchanged
    month('2026-02-01', {
      active_subscriptions: 1, // #1 on Mar 1
      new_subscriptions: 0,
      churned_subscriptions: 1, // #2 ended on Feb 14
      mrr_cents: '3900.00', // #1 only
      subscription_churn_rate: '0.5000', // 1 of the 2 paying on Feb 1
      trial_conversion: null,
    }),
    month('2026-03-01', { active_subscriptions: 1, new_subscriptions: 0, churned_subscriptions: 0, mrr_cents: '3900.00', subscription_churn_rate: '0.0000', trial_conversion: null }),
  ], 'after the annual plan ended and a refresh');
  t.equal(await differences(pool, '2026-01-01', '2026-03-31'), 0, 'stored aggregates equal a recomputation');
});

t.test('subscription months are local calendar months in Australia/Sydney', async (t) => {
  const { pool } = await createTestDatabase(t);
  await setTimezone(pool, 'Australia/Sydney');
  const add = fixtures(pool);
  await add.users([1, 2].map((n) => ({ n, createdAt: '2025-12-01T00:00:00Z' })));
  await add.subscriptions([
    { n: 1, user: 1, startedAt: '2026-01-31T14:00:00Z' }, // Sunday 1 February 01:00 AEDT (January in UTC)
    { n: 2, user: 2, startedAt: '2025-12-10T00:00:00Z', endedAt: '2026-02-28T13:30:00Z' }, // ends 1 March 00:30 AEDT (February in UTC)
  ]);

  const expected = [
    month('2026-01-01', {
      active_subscriptions: 1, // #2 on 1 February 00:00 local; #1 starts an hour later
      new_subscriptions: 0, churned_subscriptions: 0, mrr_cents: '3900.00', subscription_churn_rate: '0.0000', trial_conversion: null,
    }),
    month('2026-02-01', {
      active_subscriptions: 2, // #1 and #2 on 1 March 00:00 local; #2 ends half an hour later
      new_subscriptions: 1, // #1
      churned_subscriptions: 0, mrr_cents: '7800.00', subscription_churn_rate: '0.0000', trial_conversion: null,
    }),
    month('2026-03-01', {
      active_subscriptions: 1, // #1
      new_subscriptions: 0,
      churned_subscriptions: 1, // #2, at 00:30 on 1 March local
      mrr_cents: '3900.00',
      subscription_churn_rate: '0.5000', // 1 of the 2 paying on 1 March 00:00 local
      trial_conversion: null,
    }),
  ];
  const read = async () => subscriptionMetrics(pool, '2026-01-01', '2026-03-31');
  t.same(await read(), expected, 'computed live');
  await assertSameOnceStored(t, pool, read, expected, { from: '2025-12-01', to: '2026-03-31' });
});

t.test('verify finds no difference over months before the first data', async (t) => {
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-02-01T08:00:00Z' }]);
  await add.subscriptions([{ n: 1, user: 1, startedAt: '2026-02-01T10:00:00Z' }]);
  await refresh(pool);
  t.same(await subscriptionMetrics(pool, '2026-01-01', '2026-01-31'), [
    month('2026-01-01', { active_subscriptions: 0, new_subscriptions: 0, churned_subscriptions: 0, mrr_cents: '0.00', subscription_churn_rate: null, trial_conversion: null }),
  ], 'January, before the first subscription: zeros');
  t.equal(await differences(pool, '2026-02-01', '2026-03-31'), 0, 'no difference from the first data month on');
  t.equal(await differences(pool, '2026-01-01', '2026-03-31'), 0, 'no difference over a range starting a month earlier');
});

t.test('a subscription that starts at a month\'s first instant, written after that month is stored, changes the stored month before it', async (t) => {
  // A month's closing figures (active_subscriptions, MRR) are taken at the next
  // month's first instant, so a row starting at 1 March 00:00 counts in
  // February's: the refresh must recompute February, not only March.
  const { pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([1, 2].map((n) => ({ n, createdAt: '2026-01-05T00:00:00Z' })));
  // "today" pinned to 15 April: January to March are stored
  const refreshAsOfApril = () => pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`select set_config('analytics.clock', '2026-04-15T12:00:00Z', true)`);
    await tx.query(sql.unsafe`select analytics.refresh_pending()`);
  });
  await add.subscriptions([{ n: 1, user: 1, startedAt: '2026-01-10T00:00:00Z' }]);
  await refreshAsOfApril();
  await add.subscriptions([{ n: 2, user: 2, amountCents: 1000, startedAt: '2026-03-01T00:00:00Z' }]);
  await refreshAsOfApril();
  const stored = await pool.one(sql.type(z.object({ active_subscriptions: z.number(), mrr_cents: z.number() }))`
    select s.active_subscriptions, (select sum(c.mrr_end_cents)::float8 from analytics.monthly_customer_mrr c where c.month_start = s.month_start) as mrr_cents
    from analytics.monthly_subscriptions s where s.month_start = '2026-02-01'`);
  t.same(stored, { active_subscriptions: 2, mrr_cents: 4900 }, 'February closes with both subscriptions paying');
  t.equal(await differences(pool, '2026-01-01', '2026-04-30'), 0);
});
