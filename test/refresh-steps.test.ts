// Each step of the refresh on its own (sql/refresh/take_invalidations.sql and
// reconcile_*.sql), called directly the way refresh_pending() calls them.
// Expected numbers come from the metric definitions applied to the raw rows
// in TypeScript (helpers/report-oracle.ts, and small models below), never
// from the package. Every reconcile step is also called a second time with
// the same arguments, which must write nothing, and once after one of its
// rows was damaged by hand, which must write that row back and nothing else.
// The history is the edge-of-day one, in a zone east and one west of UTC.
import t, { type Test } from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { createTestDatabase } from './helpers/database.ts';
import { setTimezone } from './helpers/analytics.ts';
import { CLOCK, edgeHistory, type History } from './helpers/edge-history.ts';
import { id } from './helpers/fixtures.ts';
import { insertHistory } from './helpers/install-check.ts';
import { addDays, datesFrom, daysBetween, localDate, mondayOf } from './helpers/local-time.ts';
import { expectedReports, rowDifferences, type ExpectedReports } from './helpers/report-oracle.ts';

const ZONES = ['Australia/Sydney', 'America/Los_Angeles'] as const;

type Setup = { pool: DatabasePool; history: History; want: ExpectedReports; days: string[] };

/** The zone's edge history in the platform tables, nothing stored, the capture's log emptied. */
async function platformWithHistory(t: Test, zone: string): Promise<Setup> {
  const { pool } = await createTestDatabase(t);
  await setTimezone(pool, zone);
  const history = edgeHistory(zone);
  await insertHistory(pool, history);
  await pool.query(sql.unsafe`delete from analytics.invalidation_log`);
  const want = expectedReports(history, CLOCK);
  return { pool, history, want, days: datesFrom(want.first, want.through) };
}

const dates = (days: readonly string[]) => sql.array(days, 'date');
type Statement = ReturnType<typeof sql.unsafe>;

/**
 * Rows of `tables` the statement wrote: those it inserted or updated (their
 * xmin is its transaction's) and those it deleted (the count that went).
 * (pg_stat_xact_user_tables would also count a backend's earlier
 * transactions whose statistics are not flushed yet.)
 */
async function rowsWritten(pool: DatabasePool, tables: readonly string[], statement: Statement): Promise<number> {
  const count = (tx: Parameters<Parameters<DatabasePool['transaction']>[0]>[0], written: boolean) =>
    Promise.all(tables.map((table) => tx.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from ${sql.identifier(table.split('.'))}
      where not ${written} or xmin = pg_current_xact_id()::xid`)));
  return pool.transaction(async (tx) => {
    const before = await count(tx, false);
    await tx.query(statement);
    const after = await count(tx, false);
    const written = await count(tx, true);
    return tables.reduce((sum, _, i) => sum + written[i]! + Math.max(0, before[i]! - after[i]!), 0);
  });
}

/** The step writes nothing when called again, and exactly the damaged row after `damage`. */
async function writesOnlyDifferences(t: Test, pool: DatabasePool, tables: readonly string[], step: Statement, damage: Statement): Promise<void> {
  t.equal(await rowsWritten(pool, tables, step), 0, 'called again with the same arguments: writes nothing');
  const damaged = await pool.query(damage);
  t.equal(damaged.rowCount, 1, 'one row damaged by hand');
  t.equal(await rowsWritten(pool, tables, step), 1, 'after one damaged row: writes that row back, and nothing else');
}

const SESSION_ROLLUPS = ['analytics.daily_user_activity', 'analytics.daily_scenario_activity', 'analytics.daily_session_durations', 'analytics.hourly_sessions'];
const sessionRollups = (days: readonly string[]) =>
  sql.unsafe`select analytics.reconcile_session_rollups(${dates(days)}, true)`;

/**
 * What the derived steps start from, as refresh_pending() leaves it before
 * calling them: the session rollups of `days` reconciled, and every day
 * through `through` marked stored (reads take stored days from the rollups
 * and later ones from the platform tables).
 */
async function storeSessions(pool: DatabasePool, days: readonly string[], through: string): Promise<void> {
  await pool.query(sessionRollups(days));
  await pool.query(sql.unsafe`update analytics.settings set materialized_through = ${through}::date`);
}

for (const zone of ZONES) {
  t.test(`${zone}: reconcile_session_rollups stores each day's sessions, users and hours as the raw rows say`, async (t) => {
    const { pool, history, want, days } = await platformWithHistory(t, zone);
    const first = await pool.one(sql.type(z.object({ changed_users: z.array(z.string()).nullable(), member_days: z.array(z.string()) }))`
      select (r).changed_users::text[], (r).member_days::text[]
      from (select analytics.reconcile_session_rollups(${dates(days)}, true) as r) x`);
    const activeDays = want.platformDaily.filter((d) => d.dau > 0).map((d) => d.day);
    t.same([...first.member_days].sort(), activeDays, 'first store: every active day changed its set of users');
    t.equal(first.changed_users?.length, new Set(history.sessions.filter((s) => localDate(s.startedAt, zone) <= want.through).map((s) => s.user)).size,
      'first store: every user with a session is listed');

    const Day = z.object({
      day: z.string(), sessions_started: z.number(), sessions_completed: z.number(), sessions_finished: z.number(),
      scored_sessions: z.number(), score_sum: z.number(), practice_seconds: z.number(), dau: z.number(),
    });
    const byUser = await pool.any(sql.type(Day)`
      select day::text, sum(sessions_started)::int as sessions_started, sum(sessions_completed)::int as sessions_completed,
             sum(sessions_finished)::int as sessions_finished, sum(scored_sessions)::int as scored_sessions,
             sum(score_sum)::float8 as score_sum, sum(practice_seconds)::int as practice_seconds, count(*)::int as dau
      from analytics.daily_user_activity group by day order by day`);
    const expected = want.platformDaily.filter((d) => d.sessions_started > 0).map((d) => ({
      day: d.day, sessions_started: d.sessions_started, sessions_completed: d.sessions_completed, sessions_finished: d.sessions_finished,
      scored_sessions: d.scored_sessions, score_sum: d.score_sum, practice_seconds: d.practice_seconds, dau: d.dau,
    }));
    t.same(rowDifferences(expected, byUser, (r) => r.day), [], 'daily_user_activity, summed per day');
    const byScenario = await pool.any(sql.type(Day)`
      select day::text, sum(sessions_started)::int as sessions_started, sum(sessions_completed)::int as sessions_completed,
             sum(sessions_finished)::int as sessions_finished, sum(scored_sessions)::int as scored_sessions,
             sum(score_sum)::float8 as score_sum, sum(practice_seconds)::int as practice_seconds,
             (select count(*)::int from analytics.daily_user_activity u where u.day = a.day) as dau
      from analytics.daily_scenario_activity a group by day order by day`);
    t.same(rowDifferences(expected, byScenario, (r) => r.day), [], 'daily_scenario_activity, summed per day');
    const Started = z.object({ day: z.string(), sessions_started: z.number() });
    const started = expected.map((d) => ({ day: d.day, sessions_started: d.sessions_started }));
    t.same(rowDifferences(started, await pool.any(sql.type(Started)`
      select day::text, sum(sessions_started)::int as sessions_started from analytics.hourly_sessions group by day order by day`), (r) => r.day),
    [], 'hourly_sessions, summed per day');
    // completed sessions by 5-minute bin of their duration
    const bins = new Map<string, { day: string; bin_start_minutes: number; sessions: number }>();
    for (const s of history.sessions) {
      const day = localDate(s.startedAt, zone);
      if (s.status !== 'completed' || s.durationSeconds == null || day > want.through) continue;
      const bin = Math.floor(s.durationSeconds / 300) * 5;
      const row = bins.get(`${day} ${bin}`) ?? { day, bin_start_minutes: bin, sessions: 0 };
      row.sessions += 1;
      bins.set(`${day} ${bin}`, row);
    }
    t.same(rowDifferences([...bins.values()], await pool.any(sql.type(z.object({ day: z.string(), bin_start_minutes: z.number(), sessions: z.number() }))`
      select day::text, bin_start_minutes, sum(sessions)::int as sessions from analytics.daily_session_durations group by 1, 2`),
    (r) => `${r.day} ${r.bin_start_minutes}`), [], 'daily_session_durations, summed per day and bin');

    await writesOnlyDifferences(t, pool, SESSION_ROLLUPS, sessionRollups(days),
      sql.unsafe`update analytics.hourly_sessions set sessions_started = sessions_started + 1
                 where (day, hour) = (select day, hour from analytics.hourly_sessions order by day, hour limit 1)`);

    // A session that changes its status keeps its user's day: that user is
    // listed, no day changes its set of users. A user's only session of a
    // day that goes takes the user off that day.
    const Result = z.object({ changed_users: z.array(z.string()).nullable(), member_days: z.array(z.string()) });
    const target = history.sessions.find((s) => s.status === 'completed' && localDate(s.startedAt, zone) <= want.through)!;
    const day = localDate(target.startedAt, zone);
    await pool.query(sql.unsafe`update public.sessions set completion_status = 'abandoned' where id = ${id('session', target.n)}`);
    t.same(await pool.one(sql.type(Result)`
      select (r).changed_users::text[], (r).member_days::text[]
      from (select analytics.reconcile_session_rollups(${dates([day])}, true) as r) x`),
    { changed_users: [id('user', target.user)], member_days: [] }, 'a status change: its user listed, no day moved');
    const alone = history.sessions.find((s) => localDate(s.startedAt, zone) <= want.through
      && history.sessions.filter((o) => o.user === s.user && localDate(o.startedAt, zone) === localDate(s.startedAt, zone)).length === 1)!;
    const aloneDay = localDate(alone.startedAt, zone);
    await pool.query(sql.unsafe`delete from public.feedback_reports where session_id = ${id('session', alone.n)}`);
    await pool.query(sql.unsafe`delete from public.sessions where id = ${id('session', alone.n)}`);
    t.same(await pool.one(sql.type(Result)`
      select (r).changed_users::text[], (r).member_days::text[]
      from (select analytics.reconcile_session_rollups(${dates([aloneDay])}, false) as r) x`),
    { changed_users: null, member_days: [aloneDay] }, 'a user gone from a day: that day moved; users not listed when not asked');
    t.equal(await pool.oneFirst(sql.type(z.object({ n: z.number() }))`
      select count(*)::int as n from analytics.daily_user_activity where day = ${aloneDay} and user_id = ${id('user', alone.user)}`),
    0, 'and its row is gone');
  });

  t.test(`${zone}: reconcile_daily_criteria_scores stores each (day, criterion) as the reports say`, async (t) => {
    const { pool, want, days } = await platformWithHistory(t, zone);
    const step = sql.unsafe`select analytics.reconcile_daily_criteria_scores(${dates(days)})`;
    await pool.query(step);
    const got = await pool.any(sql.type(z.object({ day: z.string(), criterion: z.string(), reports: z.number(), score_sum: z.number() }))`
      select day::text, criterion, reports, score_sum::float8 from analytics.daily_criteria_scores order by day, criterion`);
    t.ok(want.criteriaDaily.length > 10, 'the history has criteria scores');
    t.same(rowDifferences(want.criteriaDaily, got, (r) => `${r.day} ${r.criterion}`), []);
    await writesOnlyDifferences(t, pool, ['analytics.daily_criteria_scores'], step, sql.unsafe`
      delete from analytics.daily_criteria_scores where (day, criterion) = (select day, criterion from analytics.daily_criteria_scores order by 1, 2 limit 1)`);
    t.equal(await rowsWritten(pool, ['analytics.daily_criteria_scores'], sql.unsafe`select analytics.reconcile_daily_criteria_scores('{}')`), 0, 'no days: nothing');
  });

  t.test(`${zone}: reconcile_daily_active_users counts distinct users per day, 7 and 30 days`, async (t) => {
    const { pool, want, days } = await platformWithHistory(t, zone);
    await storeSessions(pool, days, want.through);
    const step = sql.unsafe`select analytics.reconcile_daily_active_users(${dates(days)})`;
    await pool.query(step);
    const got = await pool.any(sql.type(z.object({ day: z.string(), dau: z.number(), wau: z.number(), mau: z.number() }))`
      select day::text, dau, wau, mau from analytics.daily_active_users order by day`);
    const expected = want.platformDaily.filter((d) => d.mau > 0).map(({ day, dau, wau, mau }) => ({ day, dau, wau, mau }));
    t.same(rowDifferences(expected, got, (r) => r.day), []);
    await writesOnlyDifferences(t, pool, ['analytics.daily_active_users'], step, sql.unsafe`
      update analytics.daily_active_users set mau = mau + 1 where day = (select max(day) from analytics.daily_active_users)`);
  });

  t.test(`${zone}: reconcile_period_active_users counts distinct users per complete week and month`, async (t) => {
    const { pool, history, want, days } = await platformWithHistory(t, zone);
    await storeSessions(pool, days, want.through);
    const weeks = [...new Set(days.map(mondayOf))].filter((w) => addDays(w, 6) <= want.through);
    const months = [...new Set(want.businessMonthly.map((m) => m.month_start))];
    const step = sql.unsafe`select analytics.reconcile_period_active_users(${dates(weeks)}, ${dates(months)})`;
    await pool.query(step);
    const activity = history.sessions.map((s) => ({ user: s.user, day: localDate(s.startedAt, zone) }));
    const distinct = (inPeriod: (day: string) => boolean) => new Set(activity.filter((a) => inPeriod(a.day)).map((a) => a.user)).size;
    const expected = [
      ...months.map((m) => ({ granularity: 'month', period_start: m, active_users: distinct((d) => d.slice(0, 7) === m.slice(0, 7)) })),
      ...weeks.map((w) => ({ granularity: 'week', period_start: w, active_users: distinct((d) => mondayOf(d) === w)})),
    ].filter((p) => p.active_users > 0);
    const got = await pool.any(sql.type(z.object({ granularity: z.string(), period_start: z.string(), active_users: z.number() }))`
      select granularity, period_start::text, active_users from analytics.period_active_users`);
    t.same(rowDifferences(expected, got, (r) => `${r.granularity} ${r.period_start}`), []);
    t.ok(expected.filter((p) => p.granularity === 'week').length >= 10, 'weeks with users');
    await writesOnlyDifferences(t, pool, ['analytics.period_active_users'], step, sql.unsafe`
      update analytics.period_active_users set active_users = 0 where (granularity, period_start) = (select granularity, period_start from analytics.period_active_users order by 1, 2 limit 1)`);
  });

  t.test(`${zone}: reconcile_user_progress_snapshots keeps each user's running sums per active day`, async (t) => {
    const { pool, history, want, days } = await platformWithHistory(t, zone);
    await storeSessions(pool, days, want.through);
    const all = sql.unsafe`select analytics.reconcile_user_progress_snapshots(null, ${want.first}::date, ${want.through}::date)`;
    await pool.query(all);
    const Snapshot = z.object({ user: z.string(), day: z.string(), sessions_completed: z.number(), scored_sessions: z.number(), score_sum: z.number(), practice_seconds: z.number() });
    const got = await pool.any(sql.type(Snapshot)`
      select user_id::text as user, snapshot_date::text as day, sessions_completed, scored_sessions, score_sum::float8, practice_seconds::float8
      from analytics.user_progress_snapshots`);
    t.same(rowDifferences(snapshotModel(history, want.through), got, (r) => `${r.user} ${r.day}`), [], 'every user from scratch');
    await writesOnlyDifferences(t, pool, ['analytics.user_progress_snapshots'], all, sql.unsafe`
      update analytics.user_progress_snapshots set practice_seconds = practice_seconds + 1
      where (user_id, snapshot_date) = (select user_id, snapshot_date from analytics.user_progress_snapshots order by 1, 2 limit 1)`);

    // one user's later history changes: listed, that user continues from
    // the snapshot before the changed day; nobody else is touched
    const lastDayOf = (user: number) => history.sessions.filter((s) => s.user === user).map((s) => localDate(s.startedAt, zone)).sort().at(-1)!;
    const timed = history.sessions.find((s) => s.durationSeconds != null && localDate(s.startedAt, zone) === lastDayOf(s.user)
      && localDate(s.startedAt, zone) <= want.through)!;
    const [user, later] = [timed.user, lastDayOf(timed.user)];
    await pool.query(sql.unsafe`update public.sessions set duration_seconds = duration_seconds + 60, ended_at = ended_at + interval '60 seconds'
                                where user_id = ${id('user', user)} and (started_at at time zone ${zone})::date = ${later}`);
    await storeSessions(pool, [later], want.through);
    const one = sql.unsafe`select analytics.reconcile_user_progress_snapshots(${sql.array([id('user', user)], 'uuid')}, ${later}::date, ${want.through}::date)`;
    t.equal(await rowsWritten(pool, ['analytics.user_progress_snapshots'], one), 1, 'one snapshot rewritten: the changed day\'s');
    const after = await pool.any(sql.type(Snapshot)`
      select user_id::text as user, snapshot_date::text as day, sessions_completed, scored_sessions, score_sum::float8, practice_seconds::float8
      from analytics.user_progress_snapshots`);
    const changed = { ...history, sessions: history.sessions.map((s) => s.user === user && localDate(s.startedAt, zone) === later && s.durationSeconds != null ? { ...s, durationSeconds: s.durationSeconds + 60 } : s) };
    t.same(rowDifferences(snapshotModel(changed, want.through), after, (r) => `${r.user} ${r.day}`), [], 'equal to the model of the changed history');
  });

  t.test(`${zone}: reconcile_platform_progress_snapshots copies the snapshots into the platform's table, rounded to its type`, async (t) => {
    const { pool, history, want, days } = await platformWithHistory(t, zone);
    await pool.query(sql.unsafe`
      create table public.user_progress_snapshots (
        user_id uuid not null, snapshot_date date not null, sessions_completed integer not null,
        average_score numeric(6,2), total_practice_time integer not null, last_active timestamptz,
        primary key (user_id, snapshot_date))`);
    await storeSessions(pool, days, want.through);
    await pool.query(sql.unsafe`select analytics.reconcile_user_progress_snapshots(null, ${want.first}::date, ${want.through}::date)`);
    const step = sql.unsafe`select analytics.reconcile_platform_progress_snapshots(null, ${want.first}::date)`;
    await pool.query(step);
    const Row = z.object({ user: z.string(), day: z.string(), sessions_completed: z.number(), average_score: z.string().nullable(), total_practice_time: z.number() });
    const got = await pool.any(sql.type(Row)`
      select user_id::text as user, snapshot_date::text as day, sessions_completed, average_score::text, total_practice_time
      from public.user_progress_snapshots`);
    const expected = snapshotModel(history, want.through).map((s) => ({
      user: s.user, day: s.day, sessions_completed: s.sessions_completed,
      // score_sum / scored rounded half up to cents, in integers
      average_score: s.scored_sessions === 0 ? null : (Math.floor((s.score_sum * 200 + s.scored_sessions) / (2 * s.scored_sessions)) / 100).toFixed(2),
      total_practice_time: Math.round(s.practice_seconds / 60),
    }));
    t.same(rowDifferences(expected, got, (r) => `${r.user} ${r.day}`), []);
    await writesOnlyDifferences(t, pool, ['public.user_progress_snapshots'], step, sql.unsafe`
      delete from public.user_progress_snapshots where (user_id, snapshot_date) = (select user_id, snapshot_date from public.user_progress_snapshots order by 1, 2 limit 1)`);
  });

  t.test(`${zone}: reconcile_daily_signups counts new users per local day`, async (t) => {
    const { pool, want, days } = await platformWithHistory(t, zone);
    const step = sql.unsafe`select analytics.reconcile_daily_signups(${dates(days)})`;
    await pool.query(step);
    const got = await pool.any(sql.type(z.object({ day: z.string(), new_users: z.number() }))`
      select day::text, new_users from analytics.daily_signups order by day`);
    const expected = want.platformDaily.filter((d) => d.new_users > 0).map(({ day, new_users }) => ({ day, new_users }));
    t.same(rowDifferences(expected, got, (r) => r.day), []);
    await writesOnlyDifferences(t, pool, ['analytics.daily_signups'], step, sql.unsafe`
      update analytics.daily_signups set new_users = 99 where day = (select min(day) from analytics.daily_signups)`);
  });

  t.test(`${zone}: reconcile_weekly_retention counts the retained members of each cohort per later week`, async (t) => {
    const { pool, history, want, days } = await platformWithHistory(t, zone);
    await storeSessions(pool, days, want.through);
    const weeks = [...new Set(days.map(mondayOf))];
    const step = sql.unsafe`select analytics.reconcile_weekly_retention(${dates(weeks)}, ${dates(weeks)}, ${want.through}::date)`;
    await pool.query(step);
    const got = await pool.any(sql.type(z.object({ cohort_week: z.string(), week_offset: z.number(), retained: z.number() }))`
      select cohort_week::text, week_offset, retained from analytics.weekly_retention`);
    // each signup week's members active in each week from it on, counting
    // days up to `through` (the last week may be partial)
    const expected: { cohort_week: string; week_offset: number; retained: number }[] = [];
    for (const cohort of weeks) {
      const members = new Set(history.users.filter((u) => mondayOf(localDate(u.createdAt, zone)) === cohort).map((u) => u.n));
      for (const week of weeks.filter((w) => w >= cohort)) {
        const retained = new Set(history.sessions.filter((s) => members.has(s.user) && mondayOf(localDate(s.startedAt, zone)) === week
          && localDate(s.startedAt, zone) <= want.through).map((s) => s.user)).size;
        if (retained > 0) expected.push({ cohort_week: cohort, week_offset: daysBetween(cohort, week) / 7, retained });
      }
    }
    t.ok(expected.length > 10, 'cells with retained users');
    t.same(rowDifferences(expected, got, (r) => `${r.cohort_week}+${r.week_offset}`), []);
    await writesOnlyDifferences(t, pool, ['analytics.weekly_retention'], step, sql.unsafe`
      update analytics.weekly_retention set retained = retained + 1
      where (cohort_week, week_offset) = (select cohort_week, week_offset from analytics.weekly_retention order by 1, 2 limit 1)`);
  });

  t.test(`${zone}: reconcile_monthly_subscriptions stores each complete month's subscription and customer counts`, async (t) => {
    const { pool, want } = await platformWithHistory(t, zone);
    const months = [...new Set(want.businessMonthly.map((m) => m.month_start))];
    const step = sql.unsafe`select analytics.reconcile_monthly_subscriptions(${dates(months)})`;
    await pool.query(step);
    const Month = z.object({
      month_start: z.string(), active_subscriptions: z.number(), new_subscriptions: z.number(), churned_subscriptions: z.number(),
      paying_subscriptions_at_start: z.number(), trials_ending: z.number(), trials_converted: z.number(),
      customers_at_start: z.number(), new_customers: z.number(), reactivated_customers: z.number(),
      churned_customers: z.number(), paying_customers: z.number(),
    });
    const got = await pool.any(sql.type(Month)`
      select month_start::text, active_subscriptions, new_subscriptions, churned_subscriptions, paying_subscriptions_at_start,
             trials_ending, trials_converted, customers_at_start, new_customers, reactivated_customers,
             churned_customers, paying_customers
      from analytics.monthly_subscriptions`);
    // the counts are platform-wide: one per month, whatever the currency rows; a month with nothing to count has no row
    const expected = [...new Map(want.businessMonthly.map((m) => [m.month_start, {
      month_start: m.month_start, active_subscriptions: m.active_subscriptions, new_subscriptions: m.new_subscriptions,
      churned_subscriptions: m.churned_subscriptions, paying_subscriptions_at_start: m.paying_subscriptions_at_start,
      trials_ending: m.trials_ending, trials_converted: m.trials_converted, customers_at_start: m.customers_at_start,
      new_customers: m.new_customers, reactivated_customers: m.reactivated_customers,
      churned_customers: m.churned_customers, paying_customers: m.paying_customers,
    }])).values()].filter((m) => m.active_subscriptions + m.new_subscriptions + m.churned_subscriptions
      + m.paying_subscriptions_at_start + m.trials_ending > 0);
    t.same(rowDifferences(expected, got, (r) => r.month_start), []);
    await writesOnlyDifferences(t, pool, ['analytics.monthly_subscriptions'], step, sql.unsafe`
      update analytics.monthly_subscriptions set churned_customers = churned_customers + 1 where month_start = ${months[0]!}`);
  });
}

t.test('take_invalidations turns the log into local days of the zone given, up to the day given, and leaves later rows', async (t) => {
  const { pool } = await createTestDatabase(t);
  await pool.query(sql.unsafe`delete from analytics.invalidation_log`);
  // Sydney is UTC+11 in January: 13:30 UTC is 00:30 the next local day.
  await pool.query(sql.unsafe`
    insert into analytics.invalidation_log (source, at, until, reports_unchanged) values
      ('activity', '2026-01-05T13:30:00Z', null, false),                    -- Jan 6 in Sydney
      ('activity', '2026-01-07T02:00:00Z', null, true),                     -- Jan 7: sessions only
      ('activity', '2026-01-08T13:00:00Z', '2026-01-10T13:00:00Z', false),  -- Jan 9 .. 11 (11: after through)
      ('activity', '2026-01-10T14:00:00Z', null, false),                    -- Jan 11: stays in the log
      ('signups', '2026-01-03T12:59:00Z', null, false),                     -- Jan 3 (23:59 local)
      ('subscriptions', '2026-01-04T00:00:00Z', null, false)                -- Jan 4`);
  const Taken = z.object({ activity_days: z.array(z.string()).nullable(), report_days: z.array(z.string()).nullable(), signup_days: z.array(z.string()), subscriptions_from: z.string().nullable() });
  const take = (through: string, zone: string) => pool.one(sql.type(Taken)`
    select activity_days::text[], report_days::text[], signup_days::text[], subscriptions_from::text
    from analytics.take_invalidations(${through}::date, ${zone})`);
  const taken = await take('2026-01-10', 'Australia/Sydney');
  t.same({ ...taken, activity_days: [...taken.activity_days!].sort(), report_days: [...taken.report_days!].sort() }, {
    activity_days: ['2026-01-06', '2026-01-07', '2026-01-09', '2026-01-10'],
    report_days: ['2026-01-06', '2026-01-09', '2026-01-10'],
    signup_days: ['2026-01-03'],
    subscriptions_from: '2026-01-04',
  });
  t.same(await pool.anyFirst(sql.type(z.object({ at: z.string() }))`
    select to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI') as at from analytics.invalidation_log`), ['2026-01-10T14:00'],
  'the row of a later day stays');
  t.same(await take('2026-01-10', 'Australia/Sydney'), { activity_days: null, report_days: null, signup_days: [], subscriptions_from: null },
    'taken once: nothing the second time');

  // West of UTC the same instant is the day before; a report's change
  // also marks the day its session starts on now.
  await pool.query(sql.unsafe`insert into public.users (id, email, created_at, profession) values (${id('user', 1)}, 'u1@example.test', '2026-01-01T00:00:00Z', 'nursing')`);
  await pool.query(sql.unsafe`insert into public.scenarios (id, title, profession, difficulty_level, created_at) values (${id('scenario', 1)}, 'S', 'nursing', 'medium', '2020-01-01T00:00:00Z')`);
  await pool.query(sql.unsafe`insert into public.sessions (id, user_id, scenario_id, started_at, completion_status, updated_at)
                              values (${id('session', 1)}, ${id('user', 1)}, ${id('scenario', 1)}, '2026-01-04T07:00:00Z', 'in_progress', '2026-01-04T07:00:00Z')`);
  await pool.query(sql.unsafe`delete from analytics.invalidation_log`);
  await pool.query(sql.unsafe`
    insert into analytics.invalidation_log (source, at, session_id) values ('activity', '2026-01-06T07:00:00Z', ${id('session', 1)})`);
  t.same(await take('2026-01-10', 'America/Los_Angeles'), {
    activity_days: ['2026-01-03', '2026-01-05'], report_days: ['2026-01-03', '2026-01-05'], signup_days: [], subscriptions_from: null,
  }, 'Los Angeles: 07:00 UTC is 23:00 the day before; the session\'s own start counts too');
});

type SnapshotRow = { user: string; day: string; sessions_completed: number; scored_sessions: number; score_sum: number; practice_seconds: number };

/** Each user's running sums on each local day they were active, through `through`: the snapshot definition. */
function snapshotModel(history: History, through: string): SnapshotRow[] {
  const reportOf = new Map(history.reports.map((r) => [r.session, r]));
  const rows: SnapshotRow[] = [];
  const users = [...new Set(history.sessions.map((s) => s.user))];
  for (const user of users) {
    const mine = history.sessions.filter((s) => s.user === user).map((s) => ({ ...s, day: localDate(s.startedAt, history.zone) }));
    for (const day of [...new Set(mine.map((s) => s.day))].filter((d) => d <= through).sort()) {
      const upTo = mine.filter((s) => s.day <= day);
      const completed = upTo.filter((s) => s.status === 'completed');
      const scored = completed.filter((s) => reportOf.has(s.n));
      rows.push({
        user: id('user', user), day,
        sessions_completed: completed.length,
        scored_sessions: scored.length,
        score_sum: scored.reduce((sum, s) => sum + reportOf.get(s.n)!.scoreRaw, 0),
        practice_seconds: upTo.reduce((sum, s) => sum + (s.durationSeconds ?? 0), 0),
      });
    }
  }
  return rows;
}
