// Property: each relation of schema analytics_report (migration 0009) equals
// the report function of schema analytics it mirrors, over random ranges of
// stored days, weeks and months, in reporting zones on both sides of UTC
// (with DST changes and a 45-minute offset inside the seeded history).
//
// The views read the rollups directly; the functions read them through
// daily_rows(), bucket_span() and their own joins. Two routes to the same
// numbers: any difference is a bug in one of them. Only stored, finished
// periods are compared (the views show nothing else): days from the first
// stored day to settings.materialized_through, whole ISO weeks and calendar
// months inside that span. In such ranges the functions read stored rows
// only, as the views do, whatever the date: a day is live only after
// materialized_through. (Their `complete` column, which does follow now(),
// is not compared.)
// A failing case names the zone and the range, and prints the rows that only
// one side has.
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { seed } from '../src/seed.ts';
import { createTestDatabase } from './helpers/database.ts';

// The data's "now", and the refresh's: in every zone below its local day is
// 28 November, so 27 November is the last stored day. Never the wall clock.
const CLOCK = '2026-11-28T12:00:00Z';
// 120 days of history cross Sydney's DST start (4 Oct) and Los Angeles' DST
// end (1 Nov); Kathmandu's +05:45 moves day boundaries off the hour.
const ZONES = ['UTC', 'Australia/Sydney', 'America/Los_Angeles', 'Asia/Kathmandu'] as const;
const RUNS = Number(process.env.PROPERTY_RUNS ?? 30); // per relation and zone
const SEED = Number(process.env.PROPERTY_SEED ?? 20261128);
const DAY_MS = 86_400_000;

type Query = ReturnType<typeof sql.unsafe>;
const Row = z.record(z.string(), z.unknown());
type Row = z.infer<typeof Row>;
type Range = { readonly first: string; readonly last: string };

// ---- calendar arithmetic on 'YYYY-MM-DD' (UTC dates: no zone involved) ----

const addDays = (day: string, days: number): string =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
const mondayOf = (day: string): string => addDays(day, -((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7));
const monthEnd = (month: string): string => {
  const start = new Date(`${month}T00:00:00Z`);
  return addDays(new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1)).toISOString().slice(0, 10), -1);
};
const nextMonth = (month: string): string => addDays(monthEnd(month), 1);

/** first, next(first), … while `keep` holds. */
function series(first: string, next: (value: string) => string, keep: (value: string) => boolean): string[] {
  const values: string[] = [];
  for (let value = first; keep(value); value = next(value)) values.push(value);
  return values;
}

/** What a zone's refresh stored: its days, and the finished weeks and months among them. */
type History = {
  readonly zone: string;
  /** fast-check's seed in this zone: each zone draws its own cases. */
  readonly seed: number;
  readonly days: readonly string[];
  readonly weeks: readonly string[];
  readonly months: readonly string[];
  readonly users: readonly string[];
  readonly scenarios: readonly string[];
};

/**
 * Computed here, not read from analytics.report_periods: the spine the
 * weekly and monthly views walk is itself under test. The first stored day
 * is where the first refresh started: the first local day with a session or
 * a signup.
 */
async function storedHistory(pool: DatabasePool, zone: string, seed: number): Promise<History> {
  const span = await pool.one(sql.type(z.object({ first_day: z.string(), last_day: z.string() }))`
    select least((select min(day) from analytics.daily_signups), (select min(day) from analytics.daily_user_activity)) as first_day,
           materialized_through as last_day
    from analytics.settings`);
  const users = await pool.anyFirst(sql.type(z.object({ id: z.string() }))`select id::text from public.users order by id`);
  const scenarios = await pool.anyFirst(sql.type(z.object({ id: z.string() }))`
    select distinct scenario_id::text as id from analytics.daily_scenario_activity order by 1`);
  const last = span.last_day;
  return {
    zone,
    seed,
    days: series(span.first_day, (day) => addDays(day, 1), (day) => day <= last),
    weeks: series(mondayOf(span.first_day), (week) => addDays(week, 7), (week) => addDays(week, 6) <= last),
    months: series(`${span.first_day.slice(0, 7)}-01`, nextMonth, (month) => monthEnd(month) <= last),
    users,
    scenarios,
  };
}

/**
 * Sets the zone and refreshes, both as of CLOCK. The first zone (UTC, the
 * default) stores what the capture triggers logged while seeding; each later
 * one is rebuilt by set_reporting_timezone() from scratch.
 */
async function reportIn(pool: DatabasePool, zone: string): Promise<void> {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`select set_config('analytics.clock', ${CLOCK}, true)`);
    await tx.query(sql.unsafe`select analytics.set_reporting_timezone(${zone})`);
    await tx.query(sql.unsafe`select analytics.refresh_pending()`);
  });
}

// ---- arbitraries ----

/**
 * A run of consecutive items: mostly short (one, a few), sometimes long,
 * and often starting at the first item or ending at the last, because the
 * ends of the stored history are where a spine can start late or run past
 * what is stored.
 */
function stretch(items: readonly string[]): fc.Arbitrary<Range> {
  const end = items.length - 1;
  const start = fc.oneof({ arbitrary: fc.constant(0), weight: 1 }, { arbitrary: fc.nat(end), weight: 3 });
  const length = fc.oneof(fc.constant(0), fc.nat(6), fc.nat(end), fc.constant(end));
  return fc.tuple(start, length).map(([first, span]) => ({ first: items[first]!, last: items[Math.min(end, first + span)]! }));
}

// ---- comparing rows ----

// numeric arrives as exact text and int4/int8 as numbers (src/db/type-parsers.ts):
// compare both as numbers. Dates ('YYYY-MM-DD'), timestamps (ISO), uuids and
// titles never look like a plain decimal, so they stay text.
const DECIMAL = /^-?\d+(\.\d+)?$/;
const canonical = (row: Row): string =>
  JSON.stringify(Object.keys(row).sort().map((column) => {
    const value = row[column];
    return [column, typeof value === 'string' && DECIMAL.test(value) ? Number(value) : value];
  }));

/** Rows of `a` not matched one-for-one in `b`. */
function unmatched(a: readonly string[], b: readonly string[]): string[] {
  const left = [...b];
  return a.filter((row) => {
    const index = left.indexOf(row);
    if (index < 0) return true;
    left.splice(index, 1);
    return false;
  });
}

type Mirror<P> = {
  /** What is compared, as the test's name. */
  readonly name: string;
  readonly params: fc.Arbitrary<P>;
  /** The report function's rows, with the relation's column names. */
  readonly expected: (params: P) => Query;
  readonly actual: (params: P) => Query;
  /** A column that is positive in a row that saw activity: proves the comparison met real data. */
  readonly activity: string;
};

/** fast-check over a mirror; fails with the rows only one side has. */
async function check<P>(t: Test, pool: DatabasePool, history: History, mirror: Mirror<P>): Promise<void> {
  await t.test(mirror.name, async (t) => {
    let rows = 0;
    let active = 0;
    await fc.assert(fc.asyncProperty(mirror.params, async (params) => {
      const expected = await pool.any(sql.type(Row)`${mirror.expected(params)}`);
      const actual = await pool.any(sql.type(Row)`${mirror.actual(params)}`);
      const want = expected.map(canonical);
      const got = actual.map(canonical);
      if (!isDeepStrictEqual([...want].sort(), [...got].sort())) {
        throw new Error([
          `${history.zone}, ${JSON.stringify(params)}: ${expected.length} rows from the function, ${actual.length} from the relation`,
          `  only from the function: ${unmatched(want, got).slice(0, 3).join('\n                          ')}`,
          `  only in the relation:   ${unmatched(got, want).slice(0, 3).join('\n                          ')}`,
        ].join('\n'));
      }
      rows += expected.length;
      if (expected.some((row) => Number(row[mirror.activity]) > 0)) active += 1;
    }), { numRuns: RUNS, seed: history.seed });
    t.ok(rows > 0, `${rows} rows compared over ${RUNS} random cases`);
    t.ok(active > 0, `${active} of ${RUNS} cases had ${mirror.activity} > 0`);
  });
}

t.test('each report relation equals the report function it mirrors, over random ranges and zones', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  // Seeded once: every zone rebuilds the same platform rows in its own days.
  await seed({ databaseUrl: url, users: 40, days: 120, seed: 9, endAt: new Date(CLOCK), sessionsPerUser: 12, shards: 1 });

  for (const [index, zone] of ZONES.entries()) {
    await t.test(`in ${zone}`, async (t) => {
      await reportIn(pool, zone);
      const history = await storedHistory(pool, zone, SEED + index);
      const through = history.days.at(-1)!;
      t.equal(through, '2026-11-27', 'the refresh stored days up to the day before the clock');
      t.ok(history.weeks.length >= 10 && history.months.length >= 2,
        `${history.days.length} stored days, ${history.weeks.length} finished weeks, ${history.months.length} finished months`);

      await t.test('only stored periods, and every stored day once', async (t) => {
        const lasts = await pool.any(sql.type(z.object({ relation: z.string(), last: z.string().nullable() }))`
          select r.relation, r.last from (values
            ('platform_daily', (select max(day) from analytics_report.platform_daily)),
            ('platform_weekly', (select max(week_end) from analytics_report.platform_weekly)),
            ('platform_monthly', (select max(month_end) from analytics_report.platform_monthly)),
            ('business_monthly', (select max(month_end) from analytics_report.business_monthly)),
            ('scenario_daily', (select max(day) from analytics_report.scenario_daily)),
            ('scenario_weekly', (select max(week_end) from analytics_report.scenario_weekly)),
            ('criteria_daily', (select max(day) from analytics_report.criteria_daily)),
            ('usage_hourly', (select max(day) from analytics_report.usage_hourly)),
            ('duration_histogram_daily', (select max(day) from analytics_report.duration_histogram_daily)),
            ('user_daily', (select max(day) from analytics_report.user_daily)),
            ('user_progress', (select max(as_of) from analytics_report.user_progress)),
            ('retention_weekly', (select max(activity_week) + 6 from analytics_report.retention_weekly))
          ) r (relation, last)`);
        for (const { relation, last } of lasts) {
          t.ok(last !== null && last <= through, `${relation}: last period ends ${last}, not after ${through}`);
        }
        const days = await pool.anyFirst(sql.type(z.object({ day: z.string() }))`select day from analytics_report.platform_daily order by day`);
        t.same(days, series(days[0] ?? through, (day) => addDays(day, 1), (day) => day <= through),
          `platform_daily: one row per day from ${days[0]} to ${through}`);
        // the sessions themselves, counted from the platform table in the zone
        const { raw, reported } = await pool.one(sql.type(z.object({ raw: z.number(), reported: z.number() }))`
          select (select count(*) from public.sessions s
                  where (s.started_at at time zone ${zone})::date between ${history.days[0]!}::date and ${through}::date) as raw,
                 (select coalesce(sum(sessions_started), 0)::bigint from analytics_report.platform_daily) as reported`);
        t.ok(raw > 200, `${raw} sessions started on stored days`);
        t.equal(reported, raw, 'platform_daily counts every one of them');
      });

      const days = stretch(history.days);
      const weeks = stretch(history.weeks);
      const months = stretch(history.months);
      const day = fc.constantFrom(...history.days);
      const week = fc.constantFrom(...history.weeks);
      const user = fc.constantFrom(...history.users);

      await check(t, pool, history, {
        name: 'platform_daily = session_metrics(…, day) joined with active_users()',
        params: days,
        activity: 'sessions_started',
        expected: ({ first, last }) => sql.unsafe`
          select m.bucket as day, m.sessions_started, m.sessions_completed, m.completion_rate, m.average_score,
                 m.practice_minutes, m.new_users, m.active_users, u.dau, u.wau, u.mau, u.stickiness
          from analytics.session_metrics(${first}::date, ${last}::date, 'day') m
          join analytics.active_users(${first}::date, ${last}::date) u on u.day = m.bucket`,
        actual: ({ first, last }) => sql.unsafe`
          select day, sessions_started, sessions_completed, completion_rate, average_score,
                 practice_minutes, new_users, dau as active_users, dau, wau, mau, stickiness
          from analytics_report.platform_daily where day between ${first}::date and ${last}::date`,
      });

      for (const [relation, granularity, start, periods, end] of [
        ['platform_weekly', 'week', 'week_start', weeks, (week: string) => addDays(week, 6)],
        ['platform_monthly', 'month', 'month_start', months, monthEnd],
      ] as const) {
        await check(t, pool, history, {
          name: `${relation} = session_metrics(…, ${granularity}) over whole finished periods`,
          params: periods,
          activity: 'sessions_started',
          expected: ({ first, last }) => sql.unsafe`
            select bucket as period_start, sessions_started, sessions_completed, completion_rate, average_score,
                   practice_minutes, active_users, new_users
            from analytics.session_metrics(${first}::date, ${end(last)}::date, ${granularity})`,
          actual: ({ first, last }) => sql.unsafe`
            select ${sql.identifier([start])} as period_start, sessions_started, sessions_completed, completion_rate,
                   average_score, practice_minutes, active_users, new_users
            from ${sql.identifier(['analytics_report', relation])}
            where ${sql.identifier([start])} between ${first}::date and ${last}::date`,
        });
      }

      await check(t, pool, history, {
        name: 'business_monthly = subscription_metrics() with the month\'s active users of session_metrics()',
        params: months,
        activity: 'active_subscriptions',
        expected: ({ first, last }) => sql.unsafe`
          select s.bucket as month_start, s.currency, s.mrr_cents, m.active_users, s.paying_customers, s.new_customers,
                 s.reactivated_customers, s.churned_customers, s.customer_churn_rate, s.active_subscriptions,
                 s.new_subscriptions, s.churned_subscriptions, s.subscription_churn_rate, s.trial_conversion
          from analytics.subscription_metrics(${first}::date, ${monthEnd(last)}::date) s
          join analytics.session_metrics(${first}::date, ${monthEnd(last)}::date, 'month') m on m.bucket = s.bucket`,
        actual: ({ first, last }) => sql.unsafe`
          select month_start, currency, mrr_cents, active_users, paying_customers, new_customers,
                 reactivated_customers, churned_customers, customer_churn_rate, active_subscriptions,
                 new_subscriptions, churned_subscriptions, subscription_churn_rate, trial_conversion
          from analytics_report.business_monthly where month_start between ${first}::date and ${last}::date`,
      });

      const scenarioColumns = sql.unsafe`scenario_id, title, difficulty_level, usage_count, sessions_completed,
                                         completion_rate, average_score, average_completion_time`;
      await check(t, pool, history, {
        name: 'scenario_daily for a day = scenario_performance(day, day)',
        params: day,
        activity: 'usage_count',
        expected: (d) => sql.unsafe`select ${scenarioColumns} from analytics.scenario_performance(${d}::date, ${d}::date)`,
        actual: (d) => sql.unsafe`select ${scenarioColumns} from analytics_report.scenario_daily where day = ${d}::date`,
      });
      await check(t, pool, history, {
        name: 'scenario_weekly for a finished week = scenario_performance(monday, sunday)',
        params: week,
        activity: 'usage_count',
        expected: (w) => sql.unsafe`
          select ${scenarioColumns} from analytics.scenario_performance(${w}::date, ${addDays(w, 6)}::date)`,
        actual: (w) => sql.unsafe`select ${scenarioColumns} from analytics_report.scenario_weekly where week_start = ${w}::date`,
      });

      await check(t, pool, history, {
        name: 'criteria_daily summed over a range = strength_areas()',
        params: days,
        activity: 'reports',
        expected: ({ first, last }) => sql.unsafe`
          select criterion, average_score, reports from analytics.strength_areas(${first}::date, ${last}::date)`,
        // the mean of the range from its sums, rounded as the function rounds it
        actual: ({ first, last }) => sql.unsafe`
          select criterion, round(sum(score_sum) / sum(reports), 3) as average_score, sum(reports) as reports
          from analytics_report.criteria_daily where day between ${first}::date and ${last}::date
          group by criterion`,
      });

      await check(t, pool, history, {
        name: 'usage_hourly summed by weekday and hour = usage_patterns() (its non-zero cells)',
        params: days,
        activity: 'sessions',
        expected: ({ first, last }) => sql.unsafe`
          select weekday, hour, sessions from analytics.usage_patterns(${first}::date, ${last}::date) where sessions > 0`,
        actual: ({ first, last }) => sql.unsafe`
          select weekday, hour, sum(sessions_started) as sessions
          from analytics_report.usage_hourly where day between ${first}::date and ${last}::date
          group by weekday, hour`,
      });

      await check(t, pool, history, {
        name: 'duration_histogram_daily summed by bin = time_distribution(), all scenarios or one',
        params: fc.record({ range: days, scenario: fc.option(fc.constantFrom(...history.scenarios), { nil: null }) }),
        activity: 'sessions',
        expected: ({ range, scenario }) => sql.unsafe`
          select from_minutes, to_minutes, sessions
          from analytics.time_distribution(${range.first}::date, ${range.last}::date, ${scenario}::uuid)`,
        actual: ({ range, scenario }) => sql.unsafe`
          select from_minutes, to_minutes, sum(sessions) as sessions
          from analytics_report.duration_histogram_daily
          where day between ${range.first}::date and ${range.last}::date
            and (${scenario}::uuid is null or scenario_id = ${scenario}::uuid)
          group by from_minutes, to_minutes`,
      });

      await check(t, pool, history, {
        name: 'user_daily of a learner = user_activity_metrics(…, day) on the days they started a session',
        params: fc.record({ range: days, user }),
        activity: 'sessions_started',
        expected: ({ range, user }) => sql.unsafe`
          select bucket as day, sessions_started, sessions_completed, completion_rate, average_score, practice_minutes
          from analytics.user_activity_metrics(${user}::uuid, ${range.first}::date, ${range.last}::date, 'day')
          where sessions_started > 0`,
        actual: ({ range, user }) => sql.unsafe`
          select day, sessions_started, sessions_completed, completion_rate, average_score, practice_minutes
          from analytics_report.user_daily
          where user_id = ${user}::uuid and day between ${range.first}::date and ${range.last}::date`,
      });

      await check(t, pool, history, {
        name: 'user_progress of a learner = the running totals of their user_daily over every stored day',
        params: user,
        activity: 'practice_seconds',
        expected: (u) => sql.unsafe`
          select user_id, max(day) as as_of, sum(sessions_completed) as sessions_completed,
                 sum(scored_sessions) as scored_sessions, sum(score_sum) as score_sum,
                 round(sum(score_sum) / nullif(sum(scored_sessions), 0), 2) as average_score,
                 sum(practice_seconds) as practice_seconds, round(sum(practice_seconds) / 60.0) as total_practice_time,
                 max(last_active_at) as last_active
          from analytics_report.user_daily where user_id = ${u}::uuid
          group by user_id`,
        actual: (u) => sql.unsafe`
          select user_id, as_of, sessions_completed, scored_sessions, score_sum, average_score,
                 practice_seconds, total_practice_time, last_active
          from analytics_report.user_progress where user_id = ${u}::uuid`,
      });

      await check(t, pool, history, {
        name: 'retention_weekly of cohorts W1..W2 up to W2 = retention(W1, W2 + 6)',
        params: weeks,
        activity: 'retained',
        expected: ({ first, last }) => sql.unsafe`
          select cohort as cohort_week, week_offset, cohort_size, retained, rate
          from analytics.retention(${first}::date, ${addDays(last, 6)}::date)`,
        actual: ({ first, last }) => sql.unsafe`
          select cohort_week, week_offset, cohort_size, retained, rate
          from analytics_report.retention_weekly
          where cohort_week between ${first}::date and ${last}::date and activity_week <= ${last}::date`,
      });
    });
  }
});
