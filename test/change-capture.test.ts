// Change capture: no change of any age is lost, whatever way it is written,
// and writes no metric reads cost nothing. The interleavings use two or
// three connections with explicit transactions, in the order the comments
// give; each ends with the oracle (analytics.verify) finding no difference.
// "Today" is pinned with analytics.clock, so no test depends on the date.
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { findCaptureProblems } from '../src/capture-check.ts';
import { CAPTURE_MODES, type CaptureMode } from '../src/capture-mode.ts';
import { differences } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';

const TODAY = '2026-03-20T12:00:00Z';
const RANGE = { from: '2026-03-01', to: '2026-03-19' };

/** A connection of its own, with the pinned clock, closed at teardown. */
async function connect(t: Test, url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, options: `-c analytics.clock=${TODAY}` });
  await client.connect();
  t.teardown(() => client.end());
  return client;
}

async function refresh(client: pg.Client): Promise<void> {
  await client.query('select analytics.refresh_pending()');
}

/** One user, one scenario, the sessions given (completed, 600 s), stored by a refresh. */
async function start(t: Test, capture: CaptureMode, sessions: { n: number; startedAt: string }[]) {
  const { url, pool } = await createTestDatabase(t, 'migrated', { capture });
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-03-01T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions(sessions.map((s) => ({ ...s, user: 1, scenario: 1 })));
  const main = await connect(t, url);
  await refresh(main);
  return { url, pool, main, add };
}

/** What the capture has logged by now (in logical mode, once the slot is consumed). */
const consumed = (pool: DatabasePool) => pool.query(sql.unsafe`select analytics.consume_capture(true)`);

const clearLog = async (pool: DatabasePool) => {
  await consumed(pool);
  await pool.query(sql.unsafe`delete from analytics.invalidation_log`);
};

const logRows = async (pool: DatabasePool) => {
  await consumed(pool);
  return pool.oneFirst(sql.type(z.object({ rows: z.number() }))`select count(*) as rows from analytics.invalidation_log`);
};

const dayTotals = (pool: DatabasePool, day: string) =>
  pool.maybeOne(sql.type(z.object({ sessions_completed: z.number(), score_sum: z.string() }))`
    select sum(sessions_completed)::int as sessions_completed, sum(score_sum)::text as score_sum
    from analytics.daily_scenario_activity where day = ${day}::date having count(*) > 0`);

// The same guarantees in both capture modes: each test runs once with the
// triggers and once with the logical decoding of the WAL.
for (const capture of CAPTURE_MODES) {
  t.test(`${capture} capture`, async (t) => {
    t.test('an update that changes no column a metric reads logs nothing', async (t) => {
      const { pool } = await start(t, capture, [{ n: 1, startedAt: '2026-03-05T10:00:00Z' }]);
      t.equal(await logRows(pool), 0, 'the refresh consumed the log');
      await pool.query(sql.unsafe`update public.sessions set updated_at = now()`);
      await pool.query(sql.unsafe`update public.sessions set completion_status = completion_status`);
      await pool.query(sql.unsafe`update public.users set email = 'renamed@example.test'`);
      t.equal(await logRows(pool), 0, 'heartbeats and same-value updates queue nothing');
      await pool.query(sql.unsafe`update public.sessions set completion_status = 'abandoned'`);
      t.equal(await logRows(pool), 1, 'a real change logs one row');
    });

    t.test('each column a metric reads, changed alone, logs; each other column logs nothing', async (t) => {
      const { pool, add } = await start(t, capture, [{ n: 1, startedAt: '2026-03-05T10:00:00Z' }, { n: 2, startedAt: '2026-03-06T10:00:00Z' }]);
      await add.users([{ n: 2, createdAt: '2026-03-02T08:00:00Z' }, { n: 3, createdAt: '2026-03-03T08:00:00Z' }]);
      await add.scenarios([{ n: 2 }]);
      await add.reports([{ session: 1, scoreRaw: 300, criteria: { fluency: 4 } }]);
      await add.subscriptions([{ n: 1, user: 1, startedAt: '2026-03-01T00:00:00Z' }]);
      // What the metrics read, written out from the spec rather than read
      // from the package; every column of the four tables, one update each,
      // ids last (a row's other updates find it by its id).
      const session2 = sql.fragment`id = ${id('session', 2)}`;
      const user3 = sql.fragment`id = ${id('user', 3)}`;
      const all = sql.fragment`true`;
      const updates: [table: string, column: string, value: ReturnType<typeof sql.fragment>, where: typeof all, logs: boolean][] = [
        ['sessions', 'user_id', sql.fragment`${id('user', 2)}::uuid`, session2, true],
        ['sessions', 'scenario_id', sql.fragment`${id('scenario', 2)}::uuid`, session2, true],
        ['sessions', 'started_at', sql.fragment`started_at + interval '1 hour'`, session2, true],
        ['sessions', 'ended_at', sql.fragment`ended_at + interval '1 minute'`, session2, true],
        ['sessions', 'duration_seconds', sql.fragment`duration_seconds + 60`, session2, true],
        ['sessions', 'completion_status', sql.fragment`'abandoned'`, session2, true],
        ['sessions', 'updated_at', sql.fragment`updated_at + interval '1 second'`, session2, false],
        ['sessions', 'id', sql.fragment`gen_random_uuid()`, session2, true],
        ['feedback_reports', 'id', sql.fragment`gen_random_uuid()`, all, false],
        ['feedback_reports', 'score_raw', sql.fragment`310`, all, true],
        ['feedback_reports', 'criteria_scores', sql.fragment`'{"fluency": 3}'::jsonb`, all, true],
        ['feedback_reports', 'created_at', sql.fragment`created_at + interval '1 second'`, all, false],
        ['feedback_reports', 'session_id', sql.fragment`(select s.id from public.sessions s where s.id <> ${id('session', 1)})`, all, true],
        ['users', 'email', sql.fragment`'renamed@example.test'`, user3, false],
        ['users', 'profession', sql.fragment`'doctor'`, user3, false],
        ['users', 'deleted_at', sql.fragment`'2026-03-10T00:00:00Z'::timestamptz`, user3, false],
        ['users', 'created_at', sql.fragment`created_at + interval '1 day'`, user3, true],
        ['users', 'id', sql.fragment`gen_random_uuid()`, user3, true],
        ['subscriptions', 'plan', sql.fragment`'premium'`, all, false],
        ['subscriptions', 'status', sql.fragment`'past_due'`, all, false],
        ['subscriptions', 'canceled_at', sql.fragment`'2026-03-10T00:00:00Z'::timestamptz`, all, false],
        ['subscriptions', 'billing_interval', sql.fragment`'year'`, all, true],
        ['subscriptions', 'amount_cents', sql.fragment`4900`, all, true],
        ['subscriptions', 'currency', sql.fragment`'GBP'`, all, true],
        ['subscriptions', 'started_at', sql.fragment`started_at + interval '1 day'`, all, true],
        ['subscriptions', 'trial_ends_at', sql.fragment`'2026-03-15T00:00:00Z'::timestamptz`, all, true],
        ['subscriptions', 'ended_at', sql.fragment`'2026-03-18T00:00:00Z'::timestamptz`, all, true],
        ['subscriptions', 'user_id', sql.fragment`${id('user', 2)}::uuid`, all, true],
        ['subscriptions', 'id', sql.fragment`gen_random_uuid()`, all, true],
      ];
      const columns = await pool.anyFirst(sql.type(z.object({ name: z.string() }))`
        select table_name || '.' || column_name as name from information_schema.columns
        where table_schema = 'public' and table_name in ('sessions', 'feedback_reports', 'users', 'subscriptions') order by 1`);
      t.same(updates.map(([table, column]) => `${table}.${column}`).sort(), columns, 'every column of the captured tables is tried');
      for (const [table, column, value, where, logs] of updates) {
        await clearLog(pool);
        const changed = await pool.query(sql.unsafe`update ${sql.identifier(['public', table])} set ${sql.identifier([column])} = ${value} where ${where}`);
        t.equal(changed.rowCount, 1, `${table}.${column}: one row updated`);
        t.equal((await logRows(pool)) > 0, logs, `${table}.${column} ${logs ? 'logs' : 'logs nothing'}`);
      }
    });

    t.test('only a session update that keeps its id and started_at is logged as leaving reports unchanged', async (t) => {
      const { pool, add } = await start(t, capture, [{ n: 1, startedAt: '2026-03-05T10:00:00Z' }, { n: 2, startedAt: '2026-03-06T10:00:00Z' }]);
      await add.reports([{ session: 1, scoreRaw: 300, criteria: { fluency: 4 } }]);
      await clearLog(pool);
      const flags = async () => {
        await consumed(pool);
        return pool.anyFirst(sql.type(z.object({ reports_unchanged: z.boolean() }))`
          select reports_unchanged from analytics.invalidation_log order by at, reports_unchanged`);
      };
      await pool.query(sql.unsafe`update public.sessions set completion_status = 'abandoned', duration_seconds = 900 where id = ${id('session', 1)}`);
      t.same(await flags(), [true], 'status and duration: its reports stay on their day');
      await clearLog(pool);
      await pool.query(sql.unsafe`update public.sessions set started_at = '2026-03-05T11:00:00Z' where id = ${id('session', 1)}`);
      t.same(await flags(), [false, false], 'a move: both instants, reports may move');
      await clearLog(pool);
      await pool.query(sql.unsafe`update public.feedback_reports set score_raw = 310`);
      await pool.query(sql.unsafe`delete from public.sessions where id = ${id('session', 2)}`);
      t.same(await flags(), [false, false], 'a report\'s change and a deleted session: reports changed');
    });

    t.test('a multi-row statement and COPY are captured, a bulk load in few rows', async (t) => {
      const { url, pool, main } = await start(t, capture, []);
      await pool.query(sql.unsafe`
        insert into public.sessions (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at)
        select gen_random_uuid(), ${id('user', 1)}, ${id('scenario', 1)}, t, t + interval '10 minutes', 600, 'completed', t
        from generate_series(timestamptz '2026-03-06T09:00:00Z', '2026-03-06T09:14:00Z', interval '1 minute') t`);
      t.equal(await logRows(pool), 1, '15 sessions in one 15-minute cell: one log row');
      const copy = await connect(t, url);
      const stream = copy.query(copyFrom(`copy public.sessions (id, user_id, scenario_id, started_at, completion_status, updated_at)
        from stdin with (format csv)`));
      const line = (n: number, at: string) => `${id('session', n)},${id('user', 1)},${id('scenario', 1)},${at},completed,${at}\n`;
      await pipeline(Readable.from([line(90, '2026-03-07T10:00:00Z'), line(91, '2026-03-10T10:00:00Z')]), stream);
      await refresh(main);
      t.match(await dayTotals(pool, '2026-03-06'), { sessions_completed: 15 });
      t.match(await dayTotals(pool, '2026-03-10'), { sessions_completed: 1 }, 'COPY is captured');
      t.equal(await differences(pool, RANGE.from, RANGE.to), 0);
    });

    t.test('TRUNCATE marks the stored history stale and says so in refresh_status', async (t) => {
      const { pool, main, add } = await start(t, capture, [
        { n: 1, startedAt: '2026-03-05T10:00:00Z' },
        { n: 2, startedAt: '2026-03-08T10:00:00Z' },
      ]);
      await add.reports([{ session: 1, scoreRaw: 300 }, { session: 2, scoreRaw: 400 }]);
      await refresh(main);
      t.match(await dayTotals(pool, '2026-03-08'), { score_sum: '400' });

      await main.query('truncate public.feedback_reports');
      await consumed(pool); // logical mode: what the worker does within half a second
      const status = await main.query<{ pending_buckets: number; pending_causes: string[] | null }>(
        `select pending_buckets, pending_causes from analytics.refresh_status where granularity = 'day'`);
      t.ok(status.rows[0]!.pending_buckets >= 2, 'the stored days are due again');
      t.match(status.rows[0]!.pending_causes, [/^TRUNCATE public\.feedback_reports at /]);
      await refresh(main);
      t.match(await dayTotals(pool, '2026-03-08'), { score_sum: '0' }, 'the scores are gone from the rollups too');
      t.equal(await differences(pool, RANGE.from, RANGE.to), 0);

      await main.query('truncate public.users, public.scenarios restart identity cascade');
      await refresh(main);
      t.equal(await dayTotals(pool, '2026-03-05'), null, 'TRUNCATE … CASCADE reaches the sessions');
      t.equal(await differences(pool, RANGE.from, RANGE.to), 0);
    });

    t.test('writes under session_replication_role = replica are captured', async (t) => {
      const { url, pool, main } = await start(t, capture, [{ n: 1, startedAt: '2026-03-05T10:00:00Z' }]);
      const subscriber = await connect(t, url);
      await subscriber.query('set session_replication_role = replica');
      await subscriber.query(`update public.sessions set completion_status = 'failed'`);
      await subscriber.query(`insert into public.sessions (id, user_id, scenario_id, started_at, completion_status, updated_at)
        values ($1, $2, $3, '2026-03-09T10:00:00Z', 'completed', now())`, [id('session', 2), id('user', 1), id('scenario', 1)]);
      await refresh(main);
      t.match(await dayTotals(pool, '2026-03-05'), { sessions_completed: 0 });
      t.match(await dayTotals(pool, '2026-03-09'), { sessions_completed: 1 });
      t.equal(await differences(pool, RANGE.from, RANGE.to), 0);
    });

    t.test('a subscription moved to another currency or customer is captured', async (t) => {
      const { pool, main, add } = await start(t, capture, []);
      await add.users([{ n: 2, createdAt: '2026-01-02T08:00:00Z' }]);
      await add.subscriptions([{ n: 1, user: 1, startedAt: '2026-01-10T00:00:00Z', currency: 'USD', amountCents: 3900 }]);
      await refresh(main);
      const february = () => pool.any(sql.type(z.object({ currency: z.string(), user_id: z.string() }))`
        select currency, user_id::text from analytics.monthly_customer_mrr where month_start = '2026-02-01' order by 1`);
      t.same(await february(), [{ currency: 'USD', user_id: id('user', 1) }]);
      await pool.query(sql.unsafe`update public.subscriptions set currency = 'GBP'`);
      await refresh(main);
      t.same(await february(), [{ currency: 'GBP', user_id: id('user', 1) }], 'the currency');
      await pool.query(sql.unsafe`update public.subscriptions set user_id = ${id('user', 2)}`);
      await refresh(main);
      t.same(await february(), [{ currency: 'GBP', user_id: id('user', 2) }], 'the customer');
    });

    t.test('a zone change that commits between a write and its commit leaves no day stale', async (t) => {
      // 14:00 UTC on 11 March is 12 March in Sydney (UTC+11)
      const { url, pool, main } = await start(t, capture, [{ n: 1, startedAt: '2026-03-11T01:00:00Z' }]);
      const writer = await connect(t, url);
      await writer.query('begin');
      await writer.query(`insert into public.sessions (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at)
        values ($1, $2, $3, '2026-03-11T14:00:00Z', '2026-03-11T14:10:00Z', 600, 'completed', now())`,
      [id('session', 2), id('user', 1), id('scenario', 1)]);
      await main.query(`select analytics.set_reporting_timezone('Australia/Sydney')`);
      await refresh(main); // stores every day in the new zone, without the uncommitted session
      await writer.query('commit');
      await refresh(main);
      t.match(await dayTotals(pool, '2026-03-12'), { sessions_completed: 1 });
      t.equal(await differences(pool, RANGE.from, RANGE.to), 0);
    });

    t.test('a report that races a move of its session reaches the new day of its session', async (t) => {
      const { url, pool, main } = await start(t, capture, [{ n: 1, startedAt: '2026-03-05T10:00:00Z' }]);
      const reporter = await connect(t, url);
      const mover = await connect(t, url);
      await reporter.query('begin');
      await reporter.query(`insert into public.feedback_reports (id, session_id, score_raw, criteria_scores, created_at)
        values ($1, $2, 480, '{}', now())`, [id('report', 1), id('session', 1)]);
      await mover.query('begin');
      await mover.query(`update public.sessions set started_at = '2026-03-08T10:00:00Z' where id = $1`, [id('session', 1)]);
      await mover.query('commit');
      await refresh(main); // moves the session to the 8th, without the uncommitted report
      await reporter.query('commit');
      await refresh(main);
      t.match(await dayTotals(pool, '2026-03-08'), { score_sum: '480' });
      t.equal(await differences(pool, RANGE.from, RANGE.to), 0);
    });
  });
}

t.test('every capture trigger is enabled ALWAYS on each platform table', async (t) => {
  const { pool } = await createTestDatabase(t, 'migrated', { capture: 'triggers' });
  const triggers = await pool.any(sql.type(z.object({ name: z.string(), enabled: z.string() }))`
    select format('%s.%s', c.relname, g.tgname) as name, g.tgenabled::text as enabled
    from pg_trigger g join pg_class c on c.oid = g.tgrelid
    where g.tgname like 'analytics_%' order by 1`);
  t.equal(triggers.length, 16, 'insert, update, delete and truncate on four tables');
  t.same(triggers.filter((trigger) => trigger.enabled !== 'A'), []);
});

t.test('doctor names a missing or disabled trigger and a missing index, each with what to run', async (t) => {
  const { pool } = await createTestDatabase(t, 'migrated', { capture: 'triggers' });
  t.same(await findCaptureProblems(pool), [], 'a migrated database is whole');
  await pool.query(sql.unsafe`drop trigger analytics_capture_truncate on public.users`);
  await pool.query(sql.unsafe`alter table public.sessions disable trigger analytics_capture_update`);
  await pool.query(sql.unsafe`alter table public.subscriptions enable trigger analytics_capture_insert`);
  await pool.query(sql.unsafe`drop index public.analytics_sessions_started_at_idx`);
  await pool.query(sql.unsafe`drop index public.analytics_users_created_at_idx`);
  t.same(await findCaptureProblems(pool), [
    'trigger analytics_capture_update on public.sessions is disabled: run ALTER TABLE public.sessions ENABLE ALWAYS TRIGGER analytics_capture_update',
    'trigger analytics_capture_insert on public.subscriptions is not enabled ALWAYS (replica-role writes skip it): run ALTER TABLE public.subscriptions ENABLE ALWAYS TRIGGER analytics_capture_insert',
    'trigger analytics_capture_truncate on public.users is missing, so changes are lost: run SELECT analytics.install_capture_triggers()',
    'index public.analytics_sessions_started_at_idx is missing: run CREATE INDEX CONCURRENTLY analytics_sessions_started_at_idx ON public.sessions (started_at)',
    'index public.analytics_users_created_at_idx is missing: run CREATE INDEX CONCURRENTLY analytics_users_created_at_idx ON public.users (created_at)',
  ]);
  await pool.query(sql.unsafe`select analytics.install_capture_triggers()`);
  await pool.query(sql.unsafe`create index analytics_sessions_started_at_idx on public.sessions (started_at)`);
  await pool.query(sql.unsafe`create index analytics_users_created_at_idx on public.users (created_at)`);
  t.same(await findCaptureProblems(pool), [], 'what doctor said to run puts it right');
});

t.test('freshness checks read the log through its index', async (t) => {
  const { pool } = await createTestDatabase(t);
  // a day's writes pending (not over yet), and the question for a bucket before them
  await pool.query(sql.unsafe`insert into analytics.invalidation_log (source, at)
    select 'activity', timestamptz '2026-01-02' + n * interval '4 seconds' from generate_series(1, 20000) n`);
  await pool.query(sql.unsafe`analyze analytics.invalidation_log`);
  const plan = await pool.anyFirst(sql.type(z.object({ 'QUERY PLAN': z.string() }))`
    explain select exists (select from analytics.invalidation_log l where l.source = 'activity' and l.at < '2026-01-01')`);
  // the question bucket_is_fresh() asks per source
  t.match(plan.join('\n'), /Index (Only )?Scan using invalidation_log_source_at_idx/);
  t.notMatch(plan.join('\n'), /Seq Scan/);
});
