// Faults the worker must survive by itself: being killed (kill -9) in the
// middle of a refresh or of a tick, and the database restarting under it.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import t from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { ensureDatabase } from '../src/db/create-database.ts';
import { createDatabasePool } from '../src/db/pool.ts';
import { runSqlFile, withPgClient } from '../src/db/sql-file.ts';
import { startEmbeddedPostgres } from '../src/embedded-postgres.ts';
import { migrate } from '../src/migrate.ts';
import { startScheduler } from '../src/scheduler/scheduler.ts';
import { differences } from './helpers/analytics.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { allFresh, daysAgo, recentHistory, refreshRuns, waitFor } from './helpers/scheduler.ts';
import { freePort } from './helpers/ports.ts';

const CLI = path.resolve(import.meta.dirname, '../src/cli.ts');

function spawnWorker(url: string, lines: string[]) {
  const child = spawn(process.execPath, [CLI, 'worker', '--heartbeat-seconds', '10', '--supervise-seconds', '1', '--poll-seconds', '1', '--retry-delay-seconds', '1'], {
    env: { ...process.env, DATABASE_URL: url, ANALYTICS_TIMEZONE: 'UTC' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // whole lines only: a pipe may deliver one line in two chunks
  for (const stream of [child.stdout, child.stderr]) {
    let partial = '';
    stream.on('data', (chunk: Buffer) => {
      const parts = (partial + chunk.toString()).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter(Boolean));
    });
  }
  return child;
}

/** What a failed wait reports: the latest pg-boss jobs and the workers' last log lines. */
async function jobsAndLog(pool: TestDatabase['pool'], lines: readonly string[]): Promise<string> {
  const jobs = await pool.anyFirst(sql.type(z.object({ job: z.string() }))`
    select format('%s %s (retry %s)', name, state, retry_count) as job from analytics_jobs.job order by created_on desc limit 10`);
  return `jobs: ${jobs.join(' | ')}; workers: ${lines.slice(-15).join(' | ')}`;
}

/** Resolves once a worker connection waits for a lock on `table`, the one the test holds. */
function workerWaitsFor(pool: TestDatabase['pool'], table: string) {
  return waitFor(`a worker to wait for its lock on ${table}`, () => pool.oneFirst(sql.type(z.object({ waiting: z.boolean() }))`
    select exists (select from pg_locks l join pg_stat_activity a on a.pid = l.pid
                   where a.application_name like 'praxis-analytics worker%' and a.datname = current_database() and not l.granted
                     and l.relation = ${table}::regclass) as waiting`));
}

/**
 * Resolves once no worker connection to this test's database waits for a
 * lock: the killed one's statement was rolled back. (Workers of other test
 * files wait for locks of their own, the capture lock in logical mode.)
 */
function killedWorkerGone(pool: TestDatabase['pool']) {
  // The server rolls the orphaned statement back once it notices the closed
  // socket (client_connection_check_interval, 2 s).
  return waitFor('the killed worker\'s statement to be rolled back', () => pool.oneFirst(sql.type(z.object({ gone: z.boolean() }))`
    select not exists (select from pg_stat_activity
                       where application_name like 'praxis-analytics worker%' and datname = current_database()
                         and wait_event_type = 'Lock') as gone`));
}

t.test('kill -9 in the middle of a refresh: the stored results stay as they were, then the retry stores the right ones', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  await recentHistory(pool, 5);
  await pool.query(sql.unsafe`select analytics.refresh_pending()`);
  const storedBefore = await pool.any(sql.unsafe`select * from analytics.daily_user_activity order by day, user_id`);

  // a late change; then hold a lock the refresh will need, so it stops midway
  await pool.query(sql.unsafe`update sessions set completion_status = 'failed' where started_at::date = ${daysAgo(3)}::date`);
  const blocker = await createDatabasePool(url, { maximumPoolSize: 1 });
  t.teardown(() => blocker.end());
  const lines: string[] = [];
  let releaseLock!: () => void;
  const holding = blocker.transaction(async (tx) => {
    await tx.query(sql.unsafe`lock table analytics.daily_scenario_activity in access exclusive mode`);
    await new Promise<void>((resolve) => { releaseLock = resolve; });
  });
  const first = spawnWorker(url, lines);
  // the refresh itself, not any wait of the worker (pg-boss's own queries
  // take advisory locks): killing it elsewhere would test something else
  await workerWaitsFor(pool, 'analytics.daily_scenario_activity');
  const exited = new Promise((resolve) => first.once('exit', resolve));
  first.kill('SIGKILL');
  await exited;
  // Released before the rollback, the lock would let the orphan finish and
  // commit on its own.
  await killedWorkerGone(pool);

  t.same(await pool.any(sql.unsafe`select * from analytics.daily_user_activity order by day, user_id`), storedBefore,
    'the killed refresh changed nothing (it had already rewritten this table inside its transaction)');
  releaseLock();
  await holding;

  // the first worker may have been killed before it logged its start
  const startedBefore = lines.filter((line) => / started /.test(line)).length;
  const second = spawnWorker(url, lines);
  t.teardown(() => { second.kill('SIGTERM'); });
  await waitFor('the retry', () => allFresh(pool), 90_000, () => jobsAndLog(pool, lines));
  // a signal that arrives while Node is still loading would end it before its handler exists
  await waitFor('the second worker to have started', () => Promise.resolve(lines.filter((line) => / started /.test(line)).length > startedBefore));
  const stopped = new Promise((resolve) => second.once('exit', resolve));
  second.kill('SIGTERM');
  t.equal(await stopped, 0, 'SIGTERM stops the worker with exit code 0');
  t.equal(await differences(pool, daysAgo(10), daysAgo(1)), 0, 'then the stored aggregates equal a recomputation');
  const runs = await refreshRuns(pool);
  t.equal(runs.filter((run) => run.outcome === 'refreshed').length, 1, 'one run committed the change');
  t.match(lines.join('\n'), /stopped/);
});

t.test('kill -9 in the middle of a tick: the next worker ticks and catches up without waiting for the orphaned tick to expire', async (t) => {
  // the tick is held on the log by a lock: where the triggers' tick reads it
  const { url, pool } = await createTestDatabase(t, 'migrated', { capture: 'triggers' });
  await recentHistory(pool, 5);
  // The tick reads the change log (due_buckets()); the refresh is never reached.
  const blocker = await createDatabasePool(url, { maximumPoolSize: 1 });
  t.teardown(() => blocker.end());
  const lines: string[] = [];
  let releaseLock!: () => void;
  const holding = blocker.transaction(async (tx) => {
    await tx.query(sql.unsafe`lock table analytics.invalidation_log in access exclusive mode`);
    await new Promise<void>((resolve) => { releaseLock = resolve; });
  });
  const first = spawnWorker(url, lines);
  await workerWaitsFor(pool, 'analytics.invalidation_log');
  const exited = new Promise((resolve) => first.once('exit', resolve));
  first.kill('SIGKILL');
  await exited;
  await killedWorkerGone(pool);
  releaseLock();
  await holding;

  // The tick queue lets one tick run at a time: the killed worker's stays
  // active until its heartbeat is missed, then the next one runs.
  const second = spawnWorker(url, lines);
  t.teardown(() => { second.kill('SIGTERM'); });
  await waitFor('the next tick to store every day', () => allFresh(pool), 60_000, () => jobsAndLog(pool, lines));
  t.equal(await differences(pool, daysAgo(10), daysAgo(1)), 0, 'the stored aggregates equal a recomputation');
});

t.test('PostgreSQL restarts under a running worker: it recovers by itself and catches up', async (t) => {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'praxis-restart-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const port = await freePort();
  let server = await startEmbeddedPostgres({ dataDir, port, persistent: true });
  t.teardown(() => server.stop());
  const url = await ensureDatabase(server.url, 'restart');
  await withPgClient(url, async (client) => {
    await runSqlFile(client, 'platform/reference-schema.sql');
    await runSqlFile(client, 'platform/reference-constraints.sql');
  });
  await migrate({ databaseUrl: url });
  const setup = await createDatabasePool(url, { maximumPoolSize: 1 });
  await recentHistory(setup, 4);
  await setup.end();

  const lines: string[] = [];
  const scheduler = await startScheduler({
    databaseUrl: url, timezone: 'UTC', pollingIntervalSeconds: 0.5, superviseIntervalSeconds: 1, retryDelaySeconds: 1,
    log: (line) => lines.push(line),
  });
  t.teardown(() => scheduler.stop());
  const check = async <T>(work: (pool: Awaited<ReturnType<typeof createDatabasePool>>) => Promise<T>): Promise<T> => {
    const pool = await createDatabasePool(url, { maximumPoolSize: 1 });
    try {
      return await work(pool);
    } finally {
      await pool.end();
    }
  };
  await waitFor('the first catch-up', () => check(allFresh));

  await server.stop();
  await waitFor('the worker to notice', async () => lines.some((line) => /pg-boss|lost an idle/.test(line)), 30_000);
  server = await startEmbeddedPostgres({ dataDir, port, persistent: true });
  await check((pool) => pool.query(sql.unsafe`update sessions set completion_status = 'failed' where started_at::date = ${daysAgo(2)}::date`));
  // the next tick (cron, or this one) finds the change; ticks may fail while the pool reconnects
  await waitFor('recovery', async () => {
    await scheduler.tick().catch(() => {});
    return check(allFresh);
  });
  t.equal(await check((pool) => differences(pool, daysAgo(10), daysAgo(1))), 0, 'stored aggregates equal a recomputation');
  const runs = await check(refreshRuns);
  t.equal(runs.filter((run) => run.outcome === 'refreshed').reduce((sum, run) => sum + run.days_recomputed, 0),
    9 + 1, 'no day lost or recomputed twice: 9 days at first (from the signups), then the changed one');
});
