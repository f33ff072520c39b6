// `make bench CASES=restatements`: what restatements cost and how many rows
// they leave, on the benchmark's history. Late changes to closed periods (a
// subscription, a session) are written, refreshed, then taken back and
// refreshed again; the reporting zone is changed and changed back. Every row
// this case adds to analytics.restatement_log, and every platform row, is
// removed at the end, so a reused database stays as it was.
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { type Measurement, timed } from './measure.ts';

const LATE_SUBSCRIPTION = '00000000-0000-4000-8000-0000000be0c1';
const LATE_SESSION = '00000000-0000-4000-8000-0000000be0c2';

export async function restatementCases(pool: DatabasePool): Promise<Measurement[]> {
  const count = () => pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from analytics.restatement_log`);
  const firstId = await pool.oneFirst(sql.type(z.object({ id: z.number() }))`select coalesce(max(id), 0)::int as id from analytics.restatement_log`);
  const refresh = () => timed(() => pool.query(sql.unsafe`select analytics.refresh_pending()`));
  const measurements: Measurement[] = [];
  const step = async (name: string, change: () => Promise<unknown>) => {
    const before = await count();
    await change();
    const seconds = await refresh();
    measurements.push({ name: `restatements: ${name}`, value: `${(await count()) - before} rows`, note: `the refresh took ${seconds.toFixed(2)} s` });
  };
  await refresh();
  // the newest finished month and the week of its middle
  const { month, day, user, scenario } = await pool.one(sql.type(z.object({ month: z.string(), day: z.string(), user: z.string(), scenario: z.string() }))`
    select (date_trunc('month', s.materialized_through::timestamp) - interval '1 month')::date::text as month,
           (date_trunc('month', s.materialized_through::timestamp) - interval '1 month' + interval '14 days')::date::text as day,
           (select u.id::text from public.users u where not exists (select from public.subscriptions x where x.user_id = u.id) order by u.id limit 1) as user,
           (select c.id::text from public.scenarios c order by c.id limit 1) as scenario
    from analytics.settings s`);
  try {
    await step(`a late subscription from the middle of ${month.slice(0, 7)} (a new customer)`, () => pool.query(sql.unsafe`
      insert into public.subscriptions (id, user_id, plan, status, billing_interval, amount_cents, currency, started_at)
      values (${LATE_SUBSCRIPTION}, ${user}, 'standard', 'active', 'month', 3900, 'USD', ${day}::date + time '10:00')`));
    await step('the same subscription deleted', () => pool.query(sql.unsafe`delete from public.subscriptions where id = ${LATE_SUBSCRIPTION}`));
    await step(`a late completed session on ${day}`, () => pool.query(sql.unsafe`
      insert into public.sessions (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at)
      values (${LATE_SESSION}, ${user}, ${scenario}, ${day}::date + time '10:00', ${day}::date + time '10:10', 600, 'completed', ${day}::date + time '10:10')`));
    await step('the same session deleted', () => pool.query(sql.unsafe`delete from public.sessions where id = ${LATE_SESSION}`));

    // what a refresh reads to compare, at its largest: every stored period
    const snapshot = await timed(() => pool.query(sql.unsafe`
      select jsonb_agg(n) from analytics.period_numbers(
        array(select period_start from analytics.report_periods where granularity = 'week'),
        array(select period_start from analytics.report_periods where granularity = 'month')) n`));
    const numbers = await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from analytics.period_numbers(
        array(select period_start from analytics.report_periods where granularity = 'week'),
        array(select period_start from analytics.report_periods where granularity = 'month'))`);
    measurements.push({ name: 'restatements: numbers of every stored period, read once', value: `${(snapshot * 1000).toFixed(0)} ms`, note: `${numbers} numbers: the most a refresh snapshots and compares` });

    const zone = await pool.oneFirst(sql.type(z.object({ zone: z.string() }))`select analytics.reporting_timezone() as zone`);
    const other = zone === 'Australia/Sydney' ? 'America/Los_Angeles' : 'Australia/Sydney';
    for (const [from, to] of [[zone, other], [other, zone]] as const) {
      const before = await count();
      const seconds = await timed(() => pool.query(sql.unsafe`select analytics.set_reporting_timezone(${to})`));
      measurements.push({ name: `restatements: zone changed from ${from} to ${to}`, value: `${(await count()) - before} rows`, note: `of ${numbers} numbers; the change (a full rebuild) took ${seconds.toFixed(1)} s` });
    }
  } finally {
    await pool.query(sql.unsafe`delete from public.subscriptions where id = ${LATE_SUBSCRIPTION}`);
    await pool.query(sql.unsafe`delete from public.sessions where id = ${LATE_SESSION}`);
    await pool.query(sql.unsafe`select analytics.refresh_pending()`);
    await pool.query(sql.unsafe`delete from analytics.restatement_log where id > ${firstId}`);
  }
  return measurements;
}
