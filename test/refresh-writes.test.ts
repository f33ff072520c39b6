// A refresh writes only the rollup rows whose values change. A whole-history
// recomputation (after TRUNCATE, invalidate_all(), `refresh --force`) of
// unchanged data must write nothing, or every rebuild leaves a dead copy of
// every row and index entry behind. The counts come from
// pg_stat_get_xact_tuples_*(), read before and after the statements inside
// one transaction: exact, and not subject to the statistics delay. (They
// also include what earlier transactions of the connection wrote and the
// backend has not flushed yet, and nothing is flushed inside a transaction
// block: hence the difference.)
// "Today" is pinned with analytics.clock, so no test depends on the date.
import pg from 'pg';
import t, { type Test } from 'tap';
import { sql } from 'slonik';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const TODAY = '2026-01-20T12:00:00Z';
const RANGE = { from: '2025-12-01', to: '2026-01-19' };

// Every table refresh_pending() maintains, and the platform's optional copy
// of the snapshots.
const TABLES = [
  'analytics.daily_user_activity',
  'analytics.daily_scenario_activity',
  'analytics.daily_session_durations',
  'analytics.hourly_sessions',
  'analytics.daily_criteria_scores',
  'analytics.daily_active_users',
  'analytics.period_active_users',
  'analytics.user_progress_snapshots',
  'analytics.daily_signups',
  'analytics.weekly_retention',
  'analytics.monthly_subscriptions',
  'analytics.monthly_customer_mrr',
  'public.user_progress_snapshots',
] as const;
type Table = (typeof TABLES)[number];
type Writes = { inserted: number; updated: number; deleted: number };

const NONE: Writes = { inserted: 0, updated: 0, deleted: 0 };
const only = (writes: Partial<Record<Table, Partial<Writes>>>): Record<Table, Writes> =>
  Object.fromEntries(TABLES.map((table) => [table, { ...NONE, ...writes[table] }])) as Record<Table, Writes>;

/** A connection of its own, with the pinned clock, closed at teardown. */
async function connect(t: Test, url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, options: `-c analytics.clock=${TODAY}` });
  await client.connect();
  t.teardown(() => client.end());
  return client;
}

/** Runs `statements` in one transaction and returns the row writes it made to each table, read before it commits. */
async function writesOf(client: pg.Client, statements: string[]): Promise<Record<Table, Writes>> {
  const counters = async () => {
    const { rows } = await client.query<{ name: Table } & Writes>(`
      select t.name,
             pg_stat_get_xact_tuples_inserted(t.name::regclass)::int as inserted,
             pg_stat_get_xact_tuples_updated(t.name::regclass)::int as updated,
             pg_stat_get_xact_tuples_deleted(t.name::regclass)::int as deleted
      from unnest($1::text[]) t(name)`, [TABLES]);
    return new Map(rows.map(({ name, ...writes }) => [name, writes]));
  };
  await client.query('begin');
  try {
    const before = await counters();
    for (const statement of statements) await client.query(statement);
    const after = await counters();
    await client.query('commit');
    return Object.fromEntries(TABLES.map((table) => {
      const [b, a] = [before.get(table)!, after.get(table)!];
      return [table, { inserted: a.inserted - b.inserted, updated: a.updated - b.updated, deleted: a.deleted - b.deleted }];
    })) as Record<Table, Writes>;
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

async function differences(client: pg.Client): Promise<unknown[]> {
  const { rows } = await client.query<Record<string, unknown>>('select * from analytics.verify($1, $2)', [RANGE.from, RANGE.to]);
  return rows;
}

const REBUILD = ['select analytics.invalidate_all()', 'select analytics.refresh_pending()'];
const REFRESH = ['select analytics.refresh_pending()'];

// Three users over six weeks (December and January: a whole-history
// recomputation is more than 31 days, the refresh's long path), so every
// rollup holds rows: durations, hours, criteria, rolling windows, complete
// weeks, retention cells, complete months, snapshots.
async function start(t: Test) {
  const { url, pool } = await createTestDatabase(t);
  // The platform's own table of snapshots (spec 2.1), which the refresh
  // fills too, with an average_score narrower than analytics' (the contract
  // accepts any numeric type): it rounds user 1's 911 / 3 on 15 January.
  await pool.query(sql.unsafe`
    create table public.user_progress_snapshots (
      user_id uuid, snapshot_date date, sessions_completed int, average_score numeric(6,2),
      total_practice_time int, last_active timestamptz, primary key (user_id, snapshot_date))`);
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: '2025-12-01T08:00:00Z' },
    { n: 2, createdAt: '2026-01-06T09:00:00Z' },
    { n: 3, createdAt: '2026-01-09T17:00:00Z' },
  ]);
  await add.scenarios([{ n: 1 }, { n: 2 }]);
  await add.sessions([
    { n: 9, user: 1, scenario: 2, startedAt: '2025-12-08T18:00:00Z', durationSeconds: 900, status: 'abandoned' },
    { n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z', durationSeconds: 600 },
    { n: 2, user: 1, scenario: 2, startedAt: '2026-01-07T19:00:00Z', durationSeconds: 1500 },
    { n: 3, user: 2, scenario: 1, startedAt: '2026-01-07T12:00:00Z', durationSeconds: 300, status: 'abandoned' },
    { n: 4, user: 2, scenario: 2, startedAt: '2026-01-13T08:30:00Z', durationSeconds: 900 },
    { n: 5, user: 3, scenario: 1, startedAt: '2026-01-14T21:00:00Z', durationSeconds: 120, status: 'failed' },
    { n: 6, user: 1, scenario: 1, startedAt: '2026-01-15T10:00:00Z', durationSeconds: 1200 },
    { n: 7, user: 3, scenario: 2, startedAt: '2026-01-16T23:30:00Z', durationSeconds: 2400 }, // ends the next day
    { n: 8, user: 2, scenario: 1, startedAt: '2026-01-18T09:00:00Z', status: 'in_progress' },
  ]);
  const criteria = { fluency: 4, intelligibility: 5, relationship_building: 2 };
  const scores = new Map([[1, 300], [2, 301], [4, 280], [6, 310], [7, 299]]);
  await add.reports([...scores].map(([session, scoreRaw]) => ({ session, scoreRaw, criteria })));
  await add.subscriptions([
    { n: 1, user: 1, startedAt: '2025-12-10T10:00:00Z' },
    { n: 2, user: 2, startedAt: '2025-12-20T10:00:00Z', trialEndsAt: '2025-12-27T10:00:00Z', endedAt: '2026-01-03T00:00:00Z' },
  ]);
  const client = await connect(t, url);
  return { client };
}

t.test('a whole-history recomputation of unchanged data writes no rollup row', async (t) => {
  const { client } = await start(t);
  const first = await writesOf(client, REFRESH);
  for (const table of TABLES) t.ok(first[table].inserted > 0, `the first refresh stores rows in ${table}`);
  t.same(await differences(client), [], 'stored aggregates equal a recomputation');

  t.same(await writesOf(client, REBUILD), only({}), 'invalidate_all() and a refresh: no insert, update or delete');
  t.same(await writesOf(client, REBUILD), only({}), 'and again');
  t.same(await writesOf(client, [`select analytics.refresh_range('2026-01-05', '2026-01-19')`]), only({}),
    'two weeks recomputed (the short path, per user): nothing either');
  t.same(await differences(client), [], 'stored aggregates still equal a recomputation');
});

t.test('a change to one session writes only the rows whose values change', async (t) => {
  const { client } = await start(t);
  await writesOf(client, REFRESH);

  // Session 6 (user 1, 15 January, 20 minutes, scored) is abandoned after all.
  await client.query(`update public.sessions set completion_status = 'abandoned' where id = $1`, [id('session', 6)]);
  t.same(await writesOf(client, REFRESH), only({
    // one fewer completed and scored session that day, for the user and the scenario
    'analytics.daily_user_activity': { updated: 1 },
    'analytics.daily_scenario_activity': { updated: 1 },
    // it was the only completed session in its 20-minute bin
    'analytics.daily_session_durations': { deleted: 1 },
    // user 1's snapshot of that day (their last active day)
    'analytics.user_progress_snapshots': { updated: 1 },
    'public.user_progress_snapshots': { updated: 1 },
    // unchanged: hours (still started), criteria (a report counts whatever
    // the status), active users, periods, retention, signups, months
  }), 'five rows');
  t.same(await differences(client), [], 'stored aggregates equal a recomputation');
});

t.test('a user whose every session goes loses their rows and snapshots, nobody else does', async (t) => {
  const { client } = await start(t);
  await writesOf(client, REFRESH);

  // user 3: sessions 5 (14 January) and 7 (16 January)
  await client.query('delete from public.sessions where user_id = $1', [id('user', 3)]);
  const writes = await writesOf(client, REFRESH);
  t.same(writes['analytics.daily_user_activity'], { ...NONE, deleted: 2 }, 'their two days');
  t.same(writes['analytics.user_progress_snapshots'], { ...NONE, deleted: 2 }, 'their two snapshots');
  t.same(writes['public.user_progress_snapshots'], { ...NONE, deleted: 2 }, 'in the platform table too');
  const { rows } = await client.query(`
    select (select count(*) from analytics.user_progress_snapshots where user_id = $1)::int as analytics,
           (select count(*) from public.user_progress_snapshots where user_id = $1)::int as public`, [id('user', 3)]);
  t.same(rows, [{ analytics: 0, public: 0 }]);
  t.same(await differences(client), [], 'stored aggregates equal a recomputation');
});

t.test('the distinct-user rollups are recomputed for days whose active users change, not for changed sums', async (t) => {
  const { client } = await start(t);
  await writesOf(client, REFRESH);
  // A marker the refresh can only remove by recomputing: 15 January's
  // stored dau/wau/mau, set wrong behind its back.
  await client.query(`update analytics.daily_active_users set dau = 99 where day = '2026-01-15'`);
  const marker = async () => (await client.query<{ dau: number }>(`select dau from analytics.daily_active_users where day = '2026-01-15'`)).rows;

  // Session 6 (user 1, 15 January) is abandoned after all: sums change, the
  // day's active users do not.
  await client.query(`update public.sessions set completion_status = 'abandoned' where id = $1`, [id('session', 6)]);
  const sumsOnly = await writesOf(client, REFRESH);
  t.same(sumsOnly['analytics.daily_active_users'], NONE, 'no rolling window rewritten');
  t.same(await marker(), [{ dau: 99 }], 'the windows were not recomputed');

  // User 3 starts a session on 15 January: the day's active users change.
  await client.query(`insert into public.sessions (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at)
                      values ($1, $2, $3, '2026-01-15T16:00:00Z', '2026-01-15T16:10:00Z', 600, 'completed', '2026-01-15T16:10:00Z')`,
                     [id('session', 10), id('user', 3), id('scenario', 1)]);
  await writesOf(client, REFRESH);
  t.same(await marker(), [{ dau: 2 }], 'the windows from that day on were recomputed: users 1 and 3');
  t.same(await differences(client), [], 'stored aggregates equal a recomputation');
});

t.test('the criteria are recomputed for days whose feedback reports may change, not for a session that keeps its day', async (t) => {
  const { client } = await start(t);
  await writesOf(client, REFRESH);
  // A marker the refresh can only remove by recomputing: 15 January's
  // stored fluency, set wrong behind its back.
  await client.query(`update analytics.daily_criteria_scores set reports = 99 where day = '2026-01-15' and criterion = 'fluency'`);
  const marker = async () => (await client.query<{ reports: number; score_sum: string }>(
    `select reports, score_sum::text from analytics.daily_criteria_scores where day = '2026-01-15' and criterion = 'fluency'`)).rows;

  // Session 6 (15 January, with a report) is abandoned after all, ends
  // later and moves to another user: its report stays on its day.
  await client.query(`update public.sessions set completion_status = 'abandoned', duration_seconds = 1800, user_id = $2 where id = $1`,
                     [id('session', 6), id('user', 2)]);
  const sessionOnly = await writesOf(client, REFRESH);
  t.same(sessionOnly['analytics.daily_criteria_scores'], NONE, 'no criteria row written');
  t.same(await marker(), [{ reports: 99, score_sum: '4' }], 'the day\'s criteria were not recomputed');
  t.ok(sessionOnly['analytics.daily_user_activity'].updated + sessionOnly['analytics.daily_user_activity'].inserted > 0, 'the session rollups were');

  // Its report is corrected: the day's criteria are recomputed.
  await client.query(`update public.feedback_reports set criteria_scores = criteria_scores || '{"fluency": 5}' where session_id = $1`, [id('session', 6)]);
  await writesOf(client, REFRESH);
  t.same(await marker(), [{ reports: 1, score_sum: '5' }], 'recomputed after a report changed');

  // The session moves to 10:30 the same day: a move recomputes them too.
  await client.query(`update analytics.daily_criteria_scores set reports = 99 where day = '2026-01-15' and criterion = 'fluency'`);
  await client.query(`update public.sessions set started_at = started_at + interval '30 minutes' where id = $1`, [id('session', 6)]);
  await writesOf(client, REFRESH);
  t.same(await marker(), [{ reports: 1, score_sum: '5' }], 'recomputed after a session moved');
  t.same(await differences(client), [], 'stored aggregates equal a recomputation');
});
