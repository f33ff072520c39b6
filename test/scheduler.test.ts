import t, { type Test } from 'tap';
import { z } from 'zod';
import { sql } from 'slonik';
import { PgBoss } from 'pg-boss';
import { ConfigError } from '../src/errors.ts';
import { startScheduler, TICK_QUEUE, type Scheduler, type SchedulerOptions } from '../src/scheduler/scheduler.ts';
import { differences } from './helpers/analytics.ts';
import { createTestDatabase } from './helpers/database.ts';
import { allFresh, daysAgo, recentHistory, refreshRuns, waitFor } from './helpers/scheduler.ts';

const FAST = { pollingIntervalSeconds: 0.5, retryDelaySeconds: 1, superviseIntervalSeconds: 1 } as const;

async function start(t: Test, options: SchedulerOptions): Promise<Scheduler> {
  const scheduler = await startScheduler(options);
  t.teardown(() => scheduler.stop());
  return scheduler;
}

t.test('three workers on one database refresh every bucket once, one at a time, round after round', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  await recentHistory(pool, 12);
  const lines: string[] = [];
  const workers = await Promise.all(
    ['a', 'b', 'c'].map((name) => start(t, { databaseUrl: url, timezone: 'UTC', name, ...FAST, log: (line) => lines.push(line) })),
  );
  await waitFor('the first catch-up', () => allFresh(pool));

  for (const [round, day] of [[1, 3], [2, 9], [3, 1]] as const) {
    const before = (await refreshRuns(pool)).length;
    // a late change to one past day, then every worker ticks at once
    await pool.query(sql.unsafe`update sessions set completion_status = 'failed' where id = (
      select id from sessions where started_at::date = ${daysAgo(day)}::date and completion_status = 'completed')`);
    await Promise.all(workers.map((worker) => worker.tick()));
    await waitFor(`round ${round}`, () => allFresh(pool));
    const runs = (await refreshRuns(pool)).slice(before);
    const refreshed = runs.filter((run) => run.outcome === 'refreshed');
    t.equal(refreshed.length, 1, `round ${round}: one run recomputed the changed day`);
    t.equal(refreshed[0]?.days_recomputed, 1, `round ${round}: and only that day`);
    t.ok(runs.every((run) => run.outcome !== 'failed'), `round ${round}: no failures`);
  }

  const runs = await refreshRuns(pool);
  for (let index = 1; index < runs.length; index += 1) {
    const [previous, next] = [runs[index - 1]!, runs[index]!];
    if (previous.finished_at > next.started_at) t.fail(`runs overlap: ${JSON.stringify(previous)} and ${JSON.stringify(next)}`);
  }
  t.ok(new Set(runs.map((run) => run.worker)).size >= 2, 'more than one worker took jobs');
  const totalDays = runs.reduce((sum, run) => sum + run.days_recomputed, 0);
  // first catch-up: every day from the users' signup (17 days ago) to yesterday
  t.equal(totalDays, 17 + 3, 'each day recomputed once at first, then one day per round');
  t.equal(await differences(pool, daysAgo(12), daysAgo(1)), 0, 'stored aggregates equal a recomputation');
});

t.test('schedules are declared in code: ours are (re)created in the reporting zone, others removed', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  // a schedule left behind by an older version
  const old = new PgBoss({ connectionString: url, schema: 'analytics_jobs', supervise: false, schedule: false });
  await old.start();
  await old.createQueue(TICK_QUEUE, { policy: 'stately' });
  await old.schedule(TICK_QUEUE, '*/5 * * * *', {}, { key: 'every-five-minutes' });
  await old.stop({ graceful: false });

  await start(t, { databaseUrl: url, timezone: 'Australia/Sydney', schedules: { hourly: null }, ...FAST, log: () => {} });
  const schedules = await pool.any(sql.type(z.object({ key: z.string(), cron: z.string(), timezone: z.string() }))`
    select key, cron, timezone from analytics_jobs.schedule order by key`);
  t.same(schedules, [
    { key: 'daily', cron: '10 0 * * *', timezone: 'Australia/Sydney' },
    { key: 'monthly', cron: '30 0 1 * *', timezone: 'Australia/Sydney' },
    { key: 'weekly', cron: '20 0 * * 1', timezone: 'Australia/Sydney' },
  ]);
});

t.test('a failing refresh is logged on one line, retried, dead-lettered, shown in refresh_status, and recovers', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  await recentHistory(pool, 3);
  // every write of the daily scenario rollup now fails
  await pool.query(sql.unsafe`alter table analytics.daily_scenario_activity
    add constraint test_breaks_refresh check (sessions_started < 0) not valid`);
  const lines: string[] = [];
  const worker = await start(t, { databaseUrl: url, timezone: 'UTC', retryLimit: 1, ...FAST, log: (line) => lines.push(line) });
  // the day queue's own dead letter: the week and month queues may give up
  // first, before the day's failure is recorded (seen on a loaded machine)
  await waitFor('the dead letter', async () => lines.some((line) => line.startsWith('worker: daily') && line.includes('giving up')));

  const failures = lines.filter((line) => line.includes(' failed (attempt'));
  // the day, week and month queues run at once: any of them may fail first
  t.match(failures[0], /^worker: (daily|weekly|monthly):\S+( \(\d+ buckets\))? failed \(attempt 1 of 2, will retry\): new row for relation "daily_scenario_activity" violates check constraint "test_breaks_refresh"/);
  t.match(failures.at(-1), /failed \(attempt 2 of 2, giving up, moved to analytics-refresh-failed\)/);
  t.notOk(lines.some((line) => line.includes('\n')), 'every log entry is one line');
  const status = await pool.one(sql.type(z.object({ last_error: z.string().nullable(), pending_buckets: z.number() }))`
    select last_error, pending_buckets from analytics.refresh_status where granularity = 'day'`);
  t.match(status.last_error, /violates check constraint/);
  // the three days with sessions cannot be stored (the week of the signups, with none, could)
  t.ok(status.pending_buckets >= 3, `${status.pending_buckets} day buckets pending`);
  const stored = await pool.oneFirst(sql.type(z.object({ rows: z.number() }))`
    select count(*) as rows from analytics.daily_user_activity`);
  t.equal(stored, 0, 'the failed transaction left nothing half-written');

  await pool.query(sql.unsafe`alter table analytics.daily_scenario_activity drop constraint test_breaks_refresh`);
  await waitFor('recovery on the next tick', async () => {
    await worker.tick();
    return allFresh(pool);
  });
  const after = await pool.one(sql.type(z.object({ last_error: z.string().nullable() }))`
    select last_error from analytics.refresh_status where granularity = 'day'`);
  t.equal(after.last_error, null, 'refresh_status clears the error after a success');
});

t.test('bad options are refused on one line before anything starts', async (t) => {
  const base = { databaseUrl: 'postgres://nobody@127.0.0.1:1/none', log: () => {} };
  await t.rejects(startScheduler({ ...base, timezone: 'Mars/Olympus' }), new ConfigError(
    'scheduler option timezone: must be an IANA time zone name such as UTC or Australia/Sydney'));
  await t.rejects(startScheduler({ ...base, timezone: 'UTC', schedules: { daily: '61 * * * *' } }), {
    name: 'ConfigError', message: /^schedule daily "61 \* \* \* \*": not a valid cron expression/ });
  await t.rejects(startScheduler({ ...base, timezone: 'UTC', schema: 'Robert"); drop' }), {
    name: 'ConfigError', message: 'scheduler option schema: must be a lower-case SQL identifier (letters, digits, _)' });
  await t.rejects(startScheduler({ timezone: 'UTC', log: () => {} }), {
    name: 'ConfigError', message: 'scheduler: give either databaseUrl or pool, not both or neither' });
});

t.test('an unreachable database at start is retried with backoff until stopped', async (t) => {
  const lines: string[] = [];
  const stop = new AbortController();
  const starting = startScheduler({ databaseUrl: 'postgres://nobody@127.0.0.1:1/none', timezone: 'UTC', signal: stop.signal, log: (line) => lines.push(line) });
  await waitFor('two attempts', async () => lines.length >= 2, 10_000);
  stop.abort();
  await t.rejects(starting, { message: 'worker: stopped while waiting for 127.0.0.1:1/none' });
  t.match(lines[0], /^worker: cannot start against 127\.0\.0\.1:1\/none \(.*\); retrying in 1 s$/);
  t.match(lines[1], /retrying in 2 s$/);
});
