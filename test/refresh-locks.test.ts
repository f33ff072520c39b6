// The refresh on a live database: it waits for another refresh as long as
// that runs, but for a table lock (a DBA's VACUUM FULL, a platform ALTER)
// only its lock_timeout; and only the refresh statement lifts the DBA's
// statement_timeout, not the whole connection.
import pg from 'pg';
import t, { type Test } from 'tap';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures } from './helpers/fixtures.ts';
import { createPgPool } from '../src/db/pg-pool.ts';
import { refreshBuckets } from '../src/scheduler/buckets.ts';
import { unsupportedServer, describeServer } from '../src/db/server-version.ts';

process.env.PGOPTIONS = '-c analytics.clock=2026-01-10T12:00:00Z';

async function setUp(t: Test) {
  const { url, pool } = await createTestDatabase(t);
  const add = fixtures(pool);
  await add.users([{ n: 1, createdAt: '2026-01-01T08:00:00Z' }]);
  await add.scenarios([{ n: 1 }]);
  await add.sessions([{ n: 1, user: 1, scenario: 1, startedAt: '2026-01-05T10:00:00Z' }]);
  const refreshPool = createPgPool(url, { max: 1, applicationName: 'refresh under test' });
  t.teardown(() => refreshPool.end());
  const [holder, observer] = [new pg.Client({ connectionString: url }), new pg.Client({ connectionString: url })];
  for (const client of [holder, observer]) {
    await client.connect();
    t.teardown(() => client.end());
  }
  return { url, refreshPool, holder, observer };
}

/** Resolves once the refresh under test waits for a lock. */
async function refreshWaits(observer: pg.Client): Promise<void> {
  for (;;) {
    const { rows } = await observer.query(`select 1 from pg_stat_activity where application_name = 'refresh under test' and wait_event_type = 'Lock'`);
    if (rows.length > 0) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

t.test('the refresh pool keeps the statement_timeout the DBA set; the refresh statement alone lifts it', async (t) => {
  const { url, refreshPool } = await setUp(t);
  const database = new URL(url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`alter database "${database}" set statement_timeout = '7s'`);
  await admin.end();
  const pool = createPgPool(url, { max: 1 });
  t.teardown(() => pool.end());
  t.same((await pool.query('show statement_timeout')).rows, [{ statement_timeout: '7s' }]);
  t.match(await refreshBuckets(refreshPool, 'day', ['2026-01-05'], { worker: 'test' }), { outcome: 'refreshed' });
});

t.test('a refresh waits for another refresh longer than its lock_timeout', async (t) => {
  const { refreshPool, holder, observer } = await setUp(t);
  await holder.query('begin');
  await holder.query(`select pg_advisory_xact_lock(hashtext('analytics.refresh'))`);
  const refreshing = refreshBuckets(refreshPool, 'day', ['2026-01-05'], { worker: 'test', lockTimeoutMs: 100 });
  await refreshWaits(observer);
  await new Promise((resolve) => setTimeout(resolve, 500)); // five lock timeouts
  await holder.query('commit');
  t.match(await refreshing, { outcome: 'refreshed' });
});

t.test('a refresh gives up on a table lock after its lock_timeout instead of queueing', async (t) => {
  const { refreshPool, holder } = await setUp(t);
  await holder.query('begin');
  await holder.query('lock table analytics.daily_scenario_activity in access exclusive mode');
  const refreshing = refreshBuckets(refreshPool, 'day', ['2026-01-05'], { worker: 'test', lockTimeoutMs: 100 });
  const outcome = refreshing.then(() => 'refreshed', (error: { code?: string }) => error.code);
  // without a lock_timeout the refresh would still be waiting, and finish after this commit
  const released = new Promise((resolve) => setTimeout(resolve, 2_000)).then(() => holder.query('commit'));
  t.equal(await outcome, '55P03', 'lock_not_available');
  await released;
});

t.test('a refresh whose connection is cut (a server restart, pg_terminate_backend) fails as a rejection, not a crash of the worker', async (t) => {
  // node-postgres emits 'error' on a checked-out client whose connection
  // ends, besides failing its query; unheard, that event is an uncaught
  // exception that ends the process
  const { refreshPool, holder, observer } = await setUp(t);
  await holder.query('begin');
  await holder.query(`select pg_advisory_xact_lock(hashtext('analytics.refresh'))`);
  const refreshing = refreshBuckets(refreshPool, 'day', ['2026-01-05'], { worker: 'test' });
  await refreshWaits(observer);
  // expected before the cut: the refresh's error can arrive before the
  // terminating query's own answer, and a rejection nobody awaits yet is
  // reported as unhandled
  const rejected = t.rejects(refreshing, /terminat/);
  await observer.query(`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'refresh under test'`);
  await rejected;
  await holder.query('commit');
  t.match(await refreshBuckets(refreshPool, 'day', ['2026-01-05'], { worker: 'test' }), { outcome: 'refreshed' }, 'the pool goes on with a new connection');
});

t.test('servers older than PostgreSQL 15 are refused on one line', async (t) => {
  t.equal(unsupportedServer(140011), 'PostgreSQL 14.11 is not supported: @oet-praxis/analytics needs PostgreSQL 15 or newer (tested on 15 to 18)');
  t.equal(unsupportedServer(150000), null);
  t.equal(unsupportedServer(180004), null);
  t.equal(describeServer(150013), 'PostgreSQL 15.13 (supported: 15 to 18)');
  t.equal(describeServer(190000), 'PostgreSQL 19.0: newer than the versions tested (15 to 18)');
});
