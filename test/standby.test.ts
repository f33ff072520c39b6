// Reads from a hot standby, against a real streaming replica on loopback
// (test/helpers/standby.ts): the standby answers as the primary does once it
// has replayed; freshness says what it has replayed; reads fall back to the
// primary when it lags or is down and come back by themselves; a recovery
// conflict is retried once, then is a 503; and everything that writes stays
// on the primary.
import Fastify from 'fastify';
import pg from 'pg';
import t, { type Test } from 'tap';
import { sql } from 'slonik';
import { createAnalytics, type Analytics } from '../src/analytics.ts';
import { analyticsRoutes } from '../src/api/plugin.ts';
import { createPgPool } from '../src/db/pg-pool.ts';
import { createDatabasePool } from '../src/db/pool.ts';
import { createReadRouter } from '../src/db/read-routing.ts';
import { RecoveryConflictError } from '../src/errors.ts';
import { seed } from '../src/seed.ts';
import { buildTemplate } from './helpers/database.ts';
import { startStandbyPair, type StandbyPair } from './helpers/standby.ts';

const DATABASE = 'standby_test';
const RANGE = { startDate: '2026-10-01', endDate: '2026-11-27' } as const;

/** Polls `condition` every 100 ms for up to 30 s: waiting for a state, not timing it. */
async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 300; attempt += 1) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting: ${what}`);
}

const inDatabase = (url: string) => url.replace(/\/[^/]*$/, `/${DATABASE}`);

let pair: StandbyPair;
let primaryUrl: string;
let standbyUrl: string;

t.before(async () => {
  // max_standby_streaming_delay=0: a replayed lock cancels a conflicting standby query at once
  pair = await startStandbyPair({ standbySettings: ['max_standby_streaming_delay=0'] });
  await buildTemplate(pair.primaryUrl, DATABASE);
  primaryUrl = inDatabase(pair.primaryUrl);
  standbyUrl = inDatabase(pair.standbyUrl);
  await seed({ databaseUrl: primaryUrl, users: 40, days: 90, seed: 21, endAt: new Date('2026-11-28T12:00:00Z'), sessionsPerUser: 10, shards: 1 });
  const primary = new pg.Client({ connectionString: primaryUrl });
  await primary.connect();
  await primary.query("select set_config('analytics.clock', '2026-11-28T12:00:00Z', false)");
  await primary.query('select analytics.refresh_pending()');
  await primary.end();
  await pair.waitForReplay();
});
t.teardown(() => pair?.close());

/** An Analytics over the pair, with its switch lines collected. */
async function overPair(t: Test, options: { maxReplicaLagSeconds?: number } = {}): Promise<{ analytics: Analytics; lines: string[] }> {
  const lines: string[] = [];
  const analytics = await createAnalytics({
    databaseUrl: primaryUrl,
    readDatabaseUrl: standbyUrl,
    replicaCheckIntervalMs: 100,
    maxReplicaLagSeconds: options.maxReplicaLagSeconds ?? 30,
    log: (line) => lines.push(line),
  });
  t.teardown(() => analytics.close());
  return { analytics, lines };
}

const METRICS = [
  ['users', 'sessions_started'],
  ['users', 'completion_rate'],
  ['users', 'strength_areas'],
  ['content', 'scenario_performance'],
  ['business', 'active_users'],
  ['business', 'subscriptions'],
  ['business', 'retention'],
] as const;

t.test('the standby answers every report as the primary does, and says so in freshness', async (t) => {
  const { analytics, lines } = await overPair(t);
  const onPrimary = await createAnalytics({ databaseUrl: primaryUrl });
  t.teardown(() => onPrimary.close());
  for (const [group, metric] of METRICS) {
    const fromStandby = await analytics.query(group, { metric, ...RANGE } as never);
    const fromPrimary = await onPrimary.query(group, { metric, ...RANGE } as never);
    t.ok(fromStandby.rows.length > 0, `${group}/${metric}: ${fromStandby.rows.length} rows`);
    t.same(fromStandby.rows, fromPrimary.rows, `${group}/${metric}: the same rows`);
  }
  // a check that meets WAL in flight (autovacuum's, say) sees a fraction of a second
  await until(async () => (await analytics.freshness()).replayLagSeconds === 0, 'the lag to read 0');
  const freshness = await analytics.freshness();
  t.match(freshness, { readsFrom: 'standby' });
  t.equal(freshness.dataAsOf, (await onPrimary.freshness()).dataAsOf);
  t.match(await onPrimary.freshness(), { readsFrom: 'primary', replayLagSeconds: null }, 'without a standby: the primary, no lag');
  t.same(lines, ['reads: the standby is healthy (replay lag 0 s); reading from the standby']);
});

t.test('a change on the primary reaches the standby after the next refresh and replay; until then freshness shows what was replayed', async (t) => {
  const { analytics } = await overPair(t);
  const before = await analytics.query('users', { metric: 'sessions_started', startDate: '2026-11-20', endDate: '2026-11-20' });
  const freshBefore = await analytics.freshness();

  const standby = new pg.Client({ connectionString: standbyUrl });
  await standby.connect();
  t.teardown(() => standby.end());
  await standby.query('select pg_wal_replay_pause()');
  const primary = new pg.Client({ connectionString: primaryUrl });
  await primary.connect();
  t.teardown(() => primary.end());
  await primary.query(`
    insert into public.sessions (id, user_id, scenario_id, started_at, ended_at, duration_seconds, completion_status, updated_at)
    select gen_random_uuid(), (select id from public.users order by id limit 1), (select id from public.scenarios order by id limit 1),
           '2026-11-20T10:00:00Z', '2026-11-20T10:10:00Z', 600, 'completed', '2026-11-20T10:10:00Z'`);
  await primary.query("select set_config('analytics.clock', '2026-11-28T13:00:00Z', false)");
  await primary.query('select analytics.refresh_pending()');
  const { rows: [stamp] } = await primary.query<{ refreshed: string }>(
    `select to_char(last_refresh_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as refreshed from analytics.settings`);
  const refreshed = stamp!.refreshed;

  const paused = await analytics.freshness();
  t.equal(paused.readsFrom, 'standby', 'still within the lag limit');
  t.equal(paused.dataAsOf, freshBefore.dataAsOf, 'dataAsOf is the refresh the standby has replayed, not the primary\'s');
  t.not(paused.dataAsOf, refreshed);

  await standby.query('select pg_wal_replay_resume()');
  await pair.waitForReplay();
  const after = await analytics.query('users', { metric: 'sessions_started', startDate: '2026-11-20', endDate: '2026-11-20' });
  t.equal(Number(after.rows[0]?.value), Number(before.rows[0]?.value) + 1, 'the new session is in the standby\'s report');
  t.equal((await analytics.freshness()).dataAsOf, refreshed, 'and freshness has caught up');
});

t.test('reads go to the primary while the standby lags past the limit, and come back when it catches up', async (t) => {
  const { analytics, lines } = await overPair(t, { maxReplicaLagSeconds: 1 });
  const standby = new pg.Client({ connectionString: standbyUrl });
  await standby.connect();
  t.teardown(() => standby.end());
  const primary = new pg.Client({ connectionString: primaryUrl });
  await primary.connect();
  t.teardown(() => primary.end());

  await standby.query('select pg_wal_replay_pause()');
  // a commit the standby does not replay: its lag grows from here
  await primary.query(`update public.scenarios set title = title where id = (select id from public.scenarios order by id limit 1)`);
  await until(() => lines.length === 2, 'a switch to the primary');
  t.match(lines[1], /^reads: the standby replay lag \d+ s is over the 1 s limit; reading from the primary$/);
  t.match(await analytics.freshness(), { readsFrom: 'primary' });
  t.ok((await analytics.query('users', { metric: 'sessions_started', ...RANGE })).rows.length > 0, 'reports still answer');

  await standby.query('select pg_wal_replay_resume()');
  await until(() => lines.length === 3, 'a switch back to the standby');
  // healthy means within the limit; the lag then falls to 0 once replay has caught up
  t.match(lines[2], /^reads: the standby is healthy \(replay lag \d+ s\); reading from the standby$/);
  await until(async () => (await analytics.freshness()).replayLagSeconds === 0, 'the lag to fall to 0');
  t.match(await analytics.freshness(), { readsFrom: 'standby' });
});

t.test('a long write transaction on the primary is not lag: reads stay on the standby while it replays as fast as the primary writes', async (t) => {
  const { analytics, lines } = await overPair(t, { maxReplicaLagSeconds: 3 });
  const primary = new pg.Client({ connectionString: primaryUrl });
  await primary.connect();
  t.teardown(async () => {
    await primary.query('drop table if exists public.wal_filler');
    await primary.end();
  });
  await primary.query('create table public.wal_filler (x text)');
  // about 6 s of WAL in one transaction, as a long refresh writes it: no
  // commit for the standby to replay until the end (twice the lag limit,
  // had lag been the age of the last replayed commit), but nothing to wait for
  await primary.query(`do $$
    begin
      for i in 1..60 loop
        insert into public.wal_filler select repeat('x', 500) from generate_series(1, 1000);
        perform pg_sleep(0.1);
      end loop;
    end $$`);
  await pair.waitForReplay();
  t.same(lines, ['reads: the standby is healthy (replay lag 0 s); reading from the standby'], 'no switch');
  // the check that ran during the last writes may have seen a fraction of a second; the next one sees none
  await until(async () => (await analytics.freshness()).replayLagSeconds === 0, 'the lag to read 0 once the writes are replayed');
  t.match(await analytics.freshness(), { readsFrom: 'standby' });
});

t.test('a stopped standby: reads go to the primary at once, with one line, and return when it is back', async (t) => {
  const { analytics, lines } = await overPair(t);
  t.equal(lines.length, 1, 'reading from the standby');
  await pair.stopStandby();
  try {
    // the first read after the stop may meet the dead connection: it is answered from the primary
    for (let read = 0; read < 5; read += 1) {
      t.ok((await analytics.query('users', { metric: 'sessions_started', ...RANGE })).rows.length > 0, `read ${read + 1} answered`);
    }
    t.match(await analytics.freshness(), { readsFrom: 'primary' });
    t.equal(lines.length, 2, 'one line for the switch, however many reads');
    t.match(lines[1], /^reads: the standby (is unreachable|dropped a query) \(.+\); reading from the primary$/);
  } finally {
    await pair.startStandby();
  }
  await until(() => lines.length === 3, 'a switch back to the standby');
  t.match(lines[2], /reading from the standby$/);
  t.match(await analytics.freshness(), { readsFrom: 'standby' });
});

t.test('everything that writes uses the primary: migrate and refresh work with a standby configured', async (t) => {
  const { analytics } = await overPair(t);
  t.match(await analytics.migrate(), { direction: 'up', applied: [], pending: { days: Number } });
  t.ok(Array.isArray(await analytics.refresh()));
  const standby = new pg.Client({ connectionString: standbyUrl });
  await standby.connect();
  t.teardown(() => standby.end());
  const { rows: [state] } = await standby.query<{ recovering: boolean }>('select pg_is_in_recovery() as recovering');
  t.equal(state?.recovering, true, 'the standby is still a standby: it could not have taken a write');
});

/** Holds a read on `table` on the standby while the primary takes (and logs) an ACCESS EXCLUSIVE lock on it. */
async function conflictingRead(standbyPool: Awaited<ReturnType<typeof createDatabasePool>>, table: string): Promise<void> {
  const primary = new pg.Client({ connectionString: primaryUrl });
  const watcher = new pg.Client({ connectionString: standbyUrl });
  await Promise.all([primary.connect(), watcher.connect()]);
  try {
    const reading = standbyPool.query(sql.unsafe`select pg_sleep(5), count(*) from ${sql.identifier(['public', table])}`);
    // the lock must be replayed while the read holds its own on the table
    await until(async () => (await watcher.query<{ held: boolean }>(`
      select exists (select from pg_locks l where l.relation = $1::regclass and l.mode = 'AccessShareLock'
                     and l.granted and l.pid <> pg_backend_pid()) as held`, [`public.${table}`])).rows[0]!.held,
    'the standby read to hold its lock');
    await primary.query(`begin; lock table public.${table} in access exclusive mode; commit`);
    await reading;
  } finally {
    await Promise.all([primary.end(), watcher.end()]);
  }
}

t.test('a recovery conflict on the standby is retried once, then is a RecoveryConflictError (HTTP 503)', async (t) => {
  const primary = { source: 'primary' as const, pool: await createDatabasePool(primaryUrl), exportPool: createPgPool(primaryUrl, { max: 1 }) };
  const standby = { source: 'standby' as const, pool: await createDatabasePool(standbyUrl), exportPool: createPgPool(standbyUrl, { max: 1 }) };
  const router = await createReadRouter({ primary, primaryUrl, standby, standbyUrl, maxLagSeconds: 30, checkIntervalMs: 100, log: () => {} });
  t.teardown(async () => {
    await router.close();
    await Promise.all([primary.pool.end(), primary.exportPool.end(), standby.pool.end(), standby.exportPool.end()]);
  });

  let attempts = 0;
  const once = await router.read(async (pools) => {
    attempts += 1;
    if (attempts === 1) await conflictingRead(pools.pool, 'scenarios');
    return pools.source;
  });
  t.same({ once, attempts }, { once: 'standby', attempts: 2 }, 'one conflict: retried on the standby, answered');

  attempts = 0;
  await t.rejects(router.read(async (pools) => {
    attempts += 1;
    await conflictingRead(pools.pool, 'scenarios');
  }), RecoveryConflictError);
  t.equal(attempts, 2, 'two conflicts: given up after the retry');

  // what the API answers for it
  const app = Fastify();
  t.teardown(() => app.close());
  await app.register(analyticsRoutes, {
    reader: {
      query: () => router.read(async (pools) => {
        await conflictingRead(pools.pool, 'scenarios');
        throw new Error('unreachable');
      }),
      freshness: () => Promise.reject(new Error('unused')),
      openCsv: () => Promise.reject(new Error('unused')),
    },
    maxRangeDays: 1098,
  });
  const response = await app.inject({ url: `/users?metric=sessions_started&startDate=${RANGE.startDate}&endDate=${RANGE.endDate}` });
  t.equal(response.statusCode, 503);
  t.match(response.json(), { error: 'unavailable', message: /^the standby cancelled this query twice .*recovery conflict/ });
});
