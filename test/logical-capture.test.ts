// The logical capture on real replication slots: one consumer at a time,
// exactly once; a refresh that waits for the decoding of what committed
// before it; and each way a slot can fail: dropped, moved, invalidated by
// max_slot_wal_keep_size, a server restart, a failover, a consumer stopped
// for long. In each, a late change to a stored day (a session on 5 March,
// stored since) would be lost without the package noticing; each test shows
// it caught, and the expected count comes from the raw sessions table.
// "Today" is pinned with analytics.clock.
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { describeCapture, findCaptureProblems } from '../src/capture-check.ts';
import { applyCaptureMode } from '../src/capture-mode.ts';
import { createDatabasePool } from '../src/db/pool.ts';
import { withPgClient } from '../src/db/sql-file.ts';
import { startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import { differences } from './helpers/analytics.ts';
import { buildTemplate, createTestDatabase } from './helpers/database.ts';
import { fixtures, id } from './helpers/fixtures.ts';
import { freePort } from './helpers/ports.ts';
import { startStandbyPair } from './helpers/standby.ts';

const TODAY = '2026-03-20T12:00:00Z';
const LATE_DAY = '2026-03-05';

/** A user, a scenario and a session on 5 March, stored by a refresh, in logical mode. */
async function prepare(pool: DatabasePool): Promise<void> {
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-03-01T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([{ n: 1, user: 1, scenario: 1, startedAt: `${LATE_DAY}T10:00:00Z` }]);
  await pool.query(sql.unsafe`select analytics.refresh_pending()`);
}

async function logicalDatabase(t: Test) {
  const database = await createTestDatabase(t, 'migrated', { capture: 'logical', clock: TODAY });
  await prepare(database.pool);
  return database;
}

/** A late session on 5 March: what a lost change would leave out. */
async function writeLateSession(pool: DatabasePool, n: number): Promise<void> {
  await fixtures(pool).sessions([{ n, user: 1, scenario: 1, startedAt: `${LATE_DAY}T${String(10 + n).padStart(2, '0')}:00:00Z` }]);
}

/** Completed sessions of the day as stored, and as the raw table has them. */
async function storedAndRaw(pool: DatabasePool, day = LATE_DAY) {
  return pool.one(sql.type(z.object({ stored: z.number(), raw: z.number() }))`
    select (select coalesce(sum(sessions_completed), 0)::int from analytics.daily_scenario_activity where day = ${day}::date) as stored,
           (select count(*)::int from public.sessions
            where completion_status = 'completed' and (started_at at time zone 'UTC')::date = ${day}::date) as raw`);
}

const refresh = (pool: DatabasePool) => pool.query(sql.unsafe`select analytics.refresh_pending()`);

const pendingCauses = (pool: DatabasePool) =>
  pool.oneFirst(sql.type(z.object({ pending_causes: z.array(z.string()).nullable() }))`
    select pending_causes from analytics.refresh_status where granularity = 'day'`);

const slotOf = (pool: DatabasePool) =>
  pool.oneFirst(sql.type(z.object({ slot: z.string() }))`select analytics.logical_slot_name()::text as slot`);

async function connect(t: Test, url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, options: `-c analytics.clock=${TODAY}` });
  await client.connect();
  t.teardown(() => client.end());
  return client;
}

/** Polls `check` every 20 ms until it holds. */
async function waitUntil(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 20));
}

const backendPid = async (client: pg.Client) =>
  (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;

t.test('one consumer at a time; a consumer killed mid-batch loses nothing and logs nothing twice', async (t) => {
  const { url, pool } = await logicalDatabase(t);
  await writeLateSession(pool, 2);
  const first = await connect(t, url);
  const second = await connect(t, url);
  first.on('error', () => {}); // it is killed below
  await first.query('begin');
  t.same((await first.query('select analytics.consume_capture() as changes')).rows, [{ changes: 1 }], 'the first takes the batch');
  t.same((await second.query('select analytics.consume_capture() as changes')).rows, [{ changes: 0 }],
    'a second finds the capture lock taken and stands by');
  // killed before it commits: its log rows and its position roll back; the
  // wait lets it end (and free the capture lock) before the next call
  await second.query('select pg_terminate_backend($1, 10000)', [await backendPid(first)]);
  await first.query('select 1').catch(() => undefined);
  t.equal(await pool.oneFirst(sql.type(z.object({ n: z.number() }))`select count(*)::int as n from analytics.invalidation_log`), 0);
  t.same((await second.query('select analytics.consume_capture() as changes')).rows, [{ changes: 1 }], 'the batch is decoded again');
  t.same((await second.query('select analytics.consume_capture() as changes')).rows, [{ changes: 0 }], 'and only once');
  await refresh(pool);
  const { stored, raw } = await storedAndRaw(pool);
  t.equal(stored, raw);
  t.equal(stored, 2);
});

t.test('a refresh waits for a consumer that holds the capture, then reads what committed before it started', async (t) => {
  const { url, pool } = await logicalDatabase(t);
  const consumer = await connect(t, url);
  const refresher = await connect(t, url);
  // a consumer in the middle of a batch
  await consumer.query('begin');
  await consumer.query(`select pg_advisory_xact_lock(hashtext('analytics.capture'))`);
  await writeLateSession(pool, 2); // committed; its decoding is held back
  const refresherPid = await backendPid(refresher);
  const refreshing = refresher.query('select analytics.refresh_pending()');
  // the refresh is queued behind the consumer, not done without the change
  await waitUntil(() => pool.oneFirst(sql.type(z.object({ waiting: z.boolean() }))`
    select exists (select from pg_stat_activity where pid = ${refresherPid} and wait_event_type = 'Lock') as waiting`));
  await consumer.query('commit');
  await refreshing;
  const { stored, raw } = await storedAndRaw(pool);
  t.equal(stored, 2, 'the late session is in the refreshed day');
  t.equal(raw, 2);
  t.equal(await differences(pool, '2026-03-01', '2026-03-19'), 0);
});

t.test('a slot dropped by a DBA: the package says so, makes a new one and recomputes the history', async (t) => {
  const { pool } = await logicalDatabase(t);
  await writeLateSession(pool, 2);
  const slot = await slotOf(pool);
  await pool.query(sql.unsafe`select pg_drop_replication_slot(${slot})`); // with the late change undecoded
  t.match(await findCaptureProblems(pool), [/^replication slot praxis_analytics_\d+ is missing, so changes since are lost: .* run SELECT analytics\.consume_capture\(\)/]);
  await pool.query(sql.unsafe`select analytics.consume_capture()`);
  t.match(await pendingCauses(pool), [/^the replication slot praxis_analytics_\d+ of the logical capture is missing .*; the whole history is recomputed$/],
    'refresh_status says why the history is stale');
  t.match(await pool.one(sql.unsafe`select lost_reason, lost_at is not null as lost from analytics.capture_state`), { lost: true, lost_reason: /is missing/ });
  t.same(await findCaptureProblems(pool), [], 'a new slot');
  await refresh(pool);
  t.same(await storedAndRaw(pool), { stored: 2, raw: 2 }, 'the late session is caught');
  await writeLateSession(pool, 3);
  await refresh(pool);
  t.same(await storedAndRaw(pool), { stored: 3, raw: 3 }, 'and the new slot captures what follows');
});

/** The transaction id that `client` holds, in a transaction it begins. */
async function beginWithXid(client: pg.Client): Promise<string> {
  await client.query('begin');
  await client.query('select pg_current_xact_id()');
  return (await client.query<{ xid: string }>(`
    select transactionid::text as xid from pg_locks
    where locktype = 'transactionid' and pid = pg_backend_pid() and granted`)).rows[0]!.xid;
}

t.test('a slot made anew while the platform changes its catalog: the new slot is made, the history recomputed', async (t) => {
  // A new logical slot waits for the transactions running when it begins,
  // then for those running when its snapshot is full; a catalog change that
  // commits in between (here an ANALYZE, as autovacuum runs them) is one
  // PostgreSQL applies while making the slot
  const { url, pool } = await logicalDatabase(t);
  await writeLateSession(pool, 2);
  await pool.query(sql.unsafe`select pg_drop_replication_slot(${await slotOf(pool)})`);
  const [first, second, consumer] = await Promise.all([connect(t, url), connect(t, url), connect(t, url)]);
  const consumerPid = await backendPid(consumer);
  const consumerWaitsFor = (xid: string) => waitUntil(() => pool.oneFirst(sql.type(z.object({ waiting: z.boolean() }))`
    select exists (select from pg_locks where pid = ${consumerPid} and locktype = 'transactionid'
                   and transactionid::text = ${xid} and not granted) as waiting`));
  const firstXid = await beginWithXid(first);
  const consuming = consumer.query<{ changes: number }>('select analytics.consume_capture() as changes');
  consuming.catch(() => {}); // awaited below
  await consumerWaitsFor(firstXid);
  const secondXid = await beginWithXid(second);
  await first.query('commit');
  await consumerWaitsFor(secondXid);
  await pool.query(sql.unsafe`analyze public.sessions`);
  await second.query('commit');
  t.same((await consuming).rows, [{ changes: 0 }], 'the new slot starts after the late session');
  t.match(await pendingCauses(pool), [/^the replication slot praxis_analytics_\d+ of the logical capture is missing .*; the whole history is recomputed$/]);
  t.same(await findCaptureProblems(pool), [], 'a new slot');
  await refresh(pool);
  t.same(await storedAndRaw(pool), { stored: 2, raw: 2 }, 'the late session is caught');
});

t.test('a slot advanced past what was consumed (by another reader) is replaced, the history recomputed', async (t) => {
  const { pool } = await logicalDatabase(t);
  await writeLateSession(pool, 2);
  const slot = await slotOf(pool);
  await pool.query(sql.unsafe`select pg_replication_slot_advance(${slot}, pg_current_wal_lsn())`);
  await refresh(pool);
  t.match(await pool.oneFirst(sql.type(z.object({ lost_reason: z.string().nullable() }))`select lost_reason from analytics.capture_state`),
    /was advanced past what the capture consumed/);
  t.same(await storedAndRaw(pool), { stored: 2, raw: 2 });
});

t.test('a consumer stopped for long: the slot keeps the WAL, doctor says how much, and nothing is lost', async (t) => {
  const { pool } = await logicalDatabase(t);
  const retained = async () => (await describeCapture(pool)).find((line) => line.startsWith('replication slot'));
  const megabytes = async () => Number(/retains ([\d.]+) MB/.exec((await retained()) ?? '')?.[1]);
  await writeLateSession(pool, 2);
  // WAL the slot must keep while nobody consumes: 10,000 sessions in progress, and their heartbeats
  await pool.query(sql.unsafe`
    insert into public.sessions (id, user_id, scenario_id, started_at, completion_status, updated_at)
    select gen_random_uuid(), ${id('user', 1)}, ${id('scenario', 1)}, '2026-03-21T10:00:00Z', 'in_progress', now()
    from generate_series(1, 10000)`);
  await pool.query(sql.unsafe`update public.sessions set updated_at = now() where completion_status = 'in_progress'`);
  await pool.query(sql.unsafe`update public.sessions set updated_at = now() where completion_status = 'in_progress'`);
  t.match(await retained(), /^replication slot praxis_analytics_\d+: inactive between reads, WAL reserved; it retains [1-9]\d*\.\d MB of WAL/);
  const before = await megabytes();
  t.match(await describeCapture(pool), [
    'change capture: logical decoding (wal_level = logical)',
    /^replication slot /,
    'publication praxis_analytics: public.feedback_reports, public.sessions, public.subscriptions, public.users',
    'replica identity: public.feedback_reports full, public.sessions full, public.subscriptions full, public.users full',
  ]);
  await refresh(pool);
  t.same(await storedAndRaw(pool), { stored: 2, raw: 2 });
  // the worker's next calls, as the platform goes on writing, advance the
  // slot; its restart point follows the server's next snapshot of running
  // transactions (a checkpoint writes one), and stays before any
  // transaction still running on the server, another database's too (the
  // suite's other files share it): so until the WAL goes, at most 40 calls
  let after = before;
  for (let call = 0; call < 40 && !(after < before / 2); call += 1) {
    await pool.query(sql.unsafe`checkpoint`);
    await pool.query(sql.unsafe`update public.sessions set updated_at = now() where id = ${id('session', 1)}`);
    await pool.query(sql.unsafe`select analytics.consume_capture()`);
    after = await megabytes();
  }
  t.ok(after < before / 2, `consumed: the slot lets the WAL go (${before} MB, then ${after} MB)`);
});

t.test('doctor names what logical capture needs that is missing, each with what to run', async (t) => {
  const { pool } = await logicalDatabase(t);
  t.same(await findCaptureProblems(pool), []);
  await pool.query(sql.unsafe`alter table public.users replica identity default`);
  await pool.query(sql.unsafe`alter publication praxis_analytics drop table public.subscriptions`);
  t.same(await findCaptureProblems(pool), [
    'publication praxis_analytics lacks public.subscriptions, so its changes are lost: run ALTER PUBLICATION praxis_analytics ADD TABLE public.subscriptions',
    'public.users has replica identity default, so an update or delete marks its whole history stale: run ALTER TABLE public.users REPLICA IDENTITY FULL',
  ]);
  await pool.query(sql.unsafe`alter publication praxis_analytics add table public.subscriptions`);
  await pool.query(sql.unsafe`alter table public.users replica identity full`);
  t.same(await findCaptureProblems(pool), [], 'what doctor said to run puts it right');
});

t.test('an update without its old row marks the history of its source stale rather than missing a day', async (t) => {
  const { pool } = await logicalDatabase(t);
  await pool.query(sql.unsafe`alter table public.sessions replica identity default`);
  // a move of the stored session to the 8th: without the old row, the 5th is unknown
  await pool.query(sql.unsafe`update public.sessions set started_at = '2026-03-08T10:00:00Z' where id = ${id('session', 1)}`);
  await pool.query(sql.unsafe`select analytics.consume_capture()`);
  t.match(await pendingCauses(pool), [/^an update or delete of public\.sessions came without its old row/]);
  await refresh(pool);
  t.same(await storedAndRaw(pool), { stored: 0, raw: 0 }, 'the 5th lost its session');
  t.same(await storedAndRaw(pool, '2026-03-08'), { stored: 1, raw: 1 });
});

t.test('switching triggers → logical → triggers while the platform writes loses nothing', async (t) => {
  const { url, pool } = await createTestDatabase(t, 'migrated', { clock: TODAY });
  await prepare(pool);
  const writer = await connect(t, url);
  let written = 0;
  let writing = true;
  const writes = (async () => {
    // one session at a time on days 1 .. 19 March, each in its own transaction
    for (; writing || written < 60; written += 1) {
      await writer.query(`insert into public.sessions (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at)
        values (gen_random_uuid(), $1, $2, $3::timestamptz, $3::timestamptz + interval '10 minutes', 600, 'completed', now())`,
      [id('user', 1), id('scenario', 1), `2026-03-${String(1 + (written % 19)).padStart(2, '0')}T09:00:00Z`]);
    }
  })();
  await withPgClient(url, (client) => applyCaptureMode(client, 'logical', () => {}));
  await refresh(pool);
  await withPgClient(url, (client) => applyCaptureMode(client, 'triggers', () => {}));
  writing = false;
  await writes;
  await refresh(pool);
  t.ok(written >= 60);
  const days = await pool.any(sql.type(z.object({ day: z.string(), stored: z.number(), raw: z.number() }))`
    select d::date::text as day,
           (select coalesce(sum(sessions_completed), 0)::int from analytics.daily_scenario_activity a where a.day = d::date) as stored,
           (select count(*)::int from public.sessions s where s.completion_status = 'completed' and (s.started_at at time zone 'UTC')::date = d::date) as raw
    from generate_series(date '2026-03-01', date '2026-03-19', interval '1 day') d`);
  t.same(days.filter((row) => row.stored !== row.raw), [], 'every day as the raw table has it');
  t.equal(days.reduce((sum, row) => sum + row.raw, 0), written + 1);
  t.match(await pool.one(sql.unsafe`select mode, slot, (select count(*)::int from pg_replication_slots where database = current_database()) as slots,
      (select count(*)::int from pg_publication) as publications from analytics.capture_state`),
  { mode: 'triggers', slot: null, slots: 0, publications: 0 }, 'trigger mode keeps no slot and no publication');
});

/** A server of its own (restart, settings), with a platform database migrated in logical mode. */
async function ownServer(t: Test) {
  const root = await mkdtemp(path.join(tmpdir(), 'praxis-logical-'));
  await chmod(root, 0o755);
  const port = await freePort();
  const dataDir = path.join(root, 'data');
  let server = await startEmbeddedPostgres({ dataDir, port, persistent: true });
  t.teardown(async () => {
    await server.stop();
    await rm(root, { recursive: true, force: true });
  });
  await buildTemplate(server.url, 'platform');
  const url = server.url.replace(/\/postgres$/, '/platform');
  await withPgClient(url, async (client) => {
    await client.query(`alter database platform set analytics.clock = '${TODAY}'`);
    await applyCaptureMode(client, 'logical', () => {});
  });
  const open = async () => {
    const pool = await createDatabasePool(url, { maximumPoolSize: 2 });
    t.teardown(() => pool.end().catch(() => undefined));
    return pool;
  };
  const pool = await open();
  await prepare(pool);
  return {
    url,
    pool,
    open,
    async restart(pools: DatabasePool[]) {
      for (const each of pools) await each.end();
      await server.stop();
      server = await startEmbeddedPostgres({ dataDir, port, persistent: true });
    },
  };
}

t.test('a server restart: the slot and the consumed position survive, the late change is caught', async (t) => {
  const server = await ownServer(t);
  await writeLateSession(server.pool, 2);
  await server.restart([server.pool]);
  const pool = await server.open();
  t.same(await findCaptureProblems(pool), []);
  await refresh(pool);
  t.same(await storedAndRaw(pool), { stored: 2, raw: 2 });
  t.match(await pool.one(sql.unsafe`select lost_at from analytics.capture_state`), { lost_at: null }, 'no history was recomputed');
});

t.test('a slot invalidated by max_slot_wal_keep_size: said, replaced, the history recomputed', async (t) => {
  const { pool } = await ownServer(t);
  await pool.query(sql.unsafe`alter system set max_slot_wal_keep_size = '1MB'`);
  await pool.query(sql.unsafe`select pg_reload_conf()`);
  await writeLateSession(pool, 2);
  // more WAL than the slot may keep, in segments the checkpoint can remove
  for (let segment = 0; segment < 4; segment += 1) {
    await pool.query(sql.unsafe`insert into public.scenarios (id, title, profession, difficulty_level, created_at)
      select gen_random_uuid(), repeat('x', 1000), 'nurse', 'easy', now() from generate_series(1, 3000)`);
    await pool.query(sql.unsafe`select pg_switch_wal()`);
  }
  await pool.query(sql.unsafe`checkpoint`);
  t.match(await findCaptureProblems(pool), [/is invalidated \(max_slot_wal_keep_size\), so changes since are lost/]);
  await refresh(pool);
  t.match(await pool.oneFirst(sql.type(z.object({ lost_reason: z.string() }))`select lost_reason from analytics.capture_state`),
    /was invalidated \(it retained more WAL than max_slot_wal_keep_size allows\)/);
  t.same(await storedAndRaw(pool), { stored: 2, raw: 2 }, 'the late session is caught');
});

t.test('after a failover the slot is not on the new primary: said, a new one, the history recomputed', async (t) => {
  const pair = await startStandbyPair({ standbySettings: ['wal_level=logical'] });
  t.teardown(() => pair.close());
  await buildTemplate(pair.primaryUrl, 'platform');
  const primaryUrl = pair.primaryUrl.replace(/\/postgres$/, '/platform');
  await withPgClient(primaryUrl, async (client) => {
    await client.query(`alter database platform set analytics.clock = '${TODAY}'`);
    await applyCaptureMode(client, 'logical', () => {});
  });
  const primary = await createDatabasePool(primaryUrl, { maximumPoolSize: 2 });
  await prepare(primary);
  await writeLateSession(primary, 2); // replicated, never decoded on the primary
  await pair.waitForReplay();
  await primary.end();
  await pair.promoteStandby();
  const promoted = await createDatabasePool(pair.standbyUrl.replace(/\/postgres$/, '/platform'), { maximumPoolSize: 2 });
  t.teardown(() => promoted.end());
  t.match(await findCaptureProblems(promoted), [/is missing, so changes since are lost/]);
  await refresh(promoted);
  t.match(await promoted.oneFirst(sql.type(z.object({ lost_reason: z.string() }))`select lost_reason from analytics.capture_state`),
    /is missing \(dropped, or not on this server after a failover\)/);
  t.same(await storedAndRaw(promoted), { stored: 2, raw: 2 }, 'the late session is caught');
});
