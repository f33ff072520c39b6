// What the install-path tests share: loading a history into the platform
// tables (row by row, or by COPY as a bulk load does) and comparing every
// report relation with the oracle.
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Test } from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { fixtures, id } from './fixtures.ts';
import type { History } from './edge-history.ts';
import { expectedReports, rowDifferences, type ExpectedReports } from './report-oracle.ts';

/** The history's rows, one INSERT each. */
export async function insertHistory(pool: DatabasePool, history: History): Promise<void> {
  const add = fixtures(pool);
  await add.users(history.users);
  await add.scenarios(history.scenarios);
  await add.sessions(history.sessions);
  await add.reports(history.reports);
  await add.subscriptions(history.subscriptions);
}

/** Users and sessions by COPY, as a platform's bulk load writes them; the rest row by row. */
export async function copyHistory(url: string, pool: DatabasePool, history: History): Promise<void> {
  const client = new pg.Client(url);
  await client.connect();
  try {
    const copy = (statement: string, lines: string[]) =>
      pipeline(Readable.from(lines.map((line) => `${line}\n`)), client.query(copyFrom(statement)));
    await copy('copy public.users (id, email, created_at, profession) from stdin (format csv)',
      history.users.map((u) => `${id('user', u.n)},user${u.n}@example.test,${u.createdAt},nursing`));
    await fixtures(pool).scenarios(history.scenarios);
    await copy('copy public.sessions (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at) from stdin (format csv)',
      history.sessions.map((s) => {
        const ended = s.durationSeconds == null ? '' : new Date(Date.parse(s.startedAt) + s.durationSeconds * 1000).toISOString();
        return [id('session', s.n), id('user', s.user), id('scenario', s.scenario), s.startedAt, ended,
          s.durationSeconds ?? '', s.status ?? 'completed', ended || s.startedAt].join(',');
      }));
  } finally {
    await client.end();
  }
  await fixtures(pool).reports(history.reports);
  await fixtures(pool).subscriptions(history.subscriptions);
}

const int = z.number().int();
const PlatformDay = z.object({
  day: z.string(), sessions_started: int, sessions_completed: int, sessions_finished: int, scored_sessions: int,
  score_sum: z.number(), practice_seconds: int, new_users: int, dau: int, wau: int, mau: int,
});
const RetentionCell = z.object({ cohort_week: z.string(), week_offset: int, cohort_size: int, retained: int });
const CriterionDay = z.object({ day: z.string(), criterion: z.string(), reports: int, score_sum: z.number() });
const BusinessMonth = z.object({
  month_start: z.string(), currency: z.string().nullable(), mrr_cents: z.number(), active_users: int,
  paying_customers: int, new_customers: int, reactivated_customers: int, churned_customers: int, customers_at_start: int,
  active_subscriptions: int, new_subscriptions: int, churned_subscriptions: int, paying_subscriptions_at_start: int,
  trials_ending: int, trials_converted: int,
});

/** The report relations of schema analytics_report, as the oracle's rows. */
export async function readReports(pool: DatabasePool): Promise<Omit<ExpectedReports, 'first'>> {
  return {
    through: await pool.oneFirst(sql.type(z.object({ through: z.string().nullable() }))`
      select materialized_through::text as through from analytics.settings`) ?? '(nothing stored)',
    platformDaily: [...await pool.any(sql.type(PlatformDay)`
      select day::text, sessions_started::int, sessions_completed::int, sessions_finished::int, scored_sessions::int,
             score_sum::float8, practice_seconds::int, new_users::int, dau, wau, mau
      from analytics_report.platform_daily order by day`)],
    retentionWeekly: [...await pool.any(sql.type(RetentionCell)`
      select cohort_week::text, week_offset, cohort_size::int, retained::int
      from analytics_report.retention_weekly order by cohort_week, week_offset`)],
    criteriaDaily: [...await pool.any(sql.type(CriterionDay)`
      select day::text, criterion, reports, score_sum::float8
      from analytics_report.criteria_daily order by day, criterion`)],
    businessMonthly: [...await pool.any(sql.type(BusinessMonth)`
      select month_start::text, currency, mrr_cents::float8, active_users::int, paying_customers, new_customers,
             reactivated_customers, churned_customers, customers_at_start, active_subscriptions, new_subscriptions,
             churned_subscriptions, paying_subscriptions_at_start, trials_ending, trials_converted
      from analytics_report.business_monthly order by month_start, currency`)],
  };
}

/** Every report relation equals the oracle's rows for `history` at `clock`, in `label`'s words. */
export async function checkReports(t: Test, pool: DatabasePool, history: History, clock: string, label: string): Promise<void> {
  const want = expectedReports(history, clock);
  const got = await readReports(pool);
  t.equal(got.through, want.through, `${label}: stored through the day before the clock`);
  const checks = [
    ['platform_daily', rowDifferences(want.platformDaily, got.platformDaily, (r) => r.day)],
    ['retention_weekly', rowDifferences(want.retentionWeekly, got.retentionWeekly, (r) => `${r.cohort_week}+${r.week_offset}`)],
    ['criteria_daily', rowDifferences(want.criteriaDaily, got.criteriaDaily, (r) => `${r.day} ${r.criterion}`)],
    ['business_monthly', rowDifferences(want.businessMonthly, got.businessMonthly, (r) => `${r.month_start} ${r.currency}`)],
  ] as const;
  for (const [relation, differences] of checks) {
    t.same(differences, [], `${label}: ${relation} equals the oracle (${differences.length} rows differ)`);
  }
}
