// The backfill (`refresh --from --to`), one refresh pass (`refresh`) and the
// scheduler catching up, on small deterministic generated data that ends now.
// The oracle is analytics.verify(): 0 differences means the stored aggregates
// equal a from-scratch recomputation. Waits poll with a generous limit: they
// bound a hang, they do not measure speed.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import t, { type Test } from 'tap';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { createPgPool } from '../src/db/pg-pool.ts';
import { backfill, batchDueBuckets, DEFAULT_MONTHS_PER_CHUNK, monthChunks, refreshDue } from '../src/refresh.ts';
import { dueBuckets, localYesterday, type DueBucket } from '../src/scheduler/buckets.ts';
import { startScheduler } from '../src/scheduler/scheduler.ts';
import { seed } from '../src/seed.ts';
import { differences } from './helpers/analytics.ts';
import { createTestDatabase, type TestDatabase } from './helpers/database.ts';
import { waitFor } from './helpers/scheduler.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));

// One "now" for the whole file, so databases seeded with it hold identical rows.
const END = new Date();
const ROLLUPS = [
  'daily_user_activity',
  'daily_scenario_activity',
  'daily_active_users',
  'user_progress_snapshots',
  'monthly_subscriptions',
  'monthly_customer_mrr',
  'weekly_retention',
] as const;

/** A migrated database with 40 users over 150 days of generated data (nothing stored yet), and a pg pool on it. */
async function seeded(t: Test): Promise<TestDatabase & { pg: pg.Pool }> {
  const database = await createTestDatabase(t, 'migrated');
  await seed({ databaseUrl: database.url, users: 40, days: 150, seed: 7, endAt: END, sessionsPerUser: 20, shards: 1 });
  const pgPool = createPgPool(database.url, { max: 2 });
  t.teardown(() => pgPool.end());
  return { ...database, pg: pgPool };
}

/** The first local day with a pending change (the start of the data) and yesterday. */
async function dataRange(db: pg.Pool): Promise<{ from: string; to: string }> {
  await db.query('select analytics.consume_capture(true)'); // logical mode: what the slot holds, in the log
  const { rows } = await db.query<{ from: string }>(`select (min(at) at time zone analytics.reporting_timezone())::date::text as from from analytics.invalidation_log`);
  return { from: z.string().parse(rows[0]?.from), to: await localYesterday(db) };
}

/** md5 over every row of each rollup table. */
async function rollupHashes(pool: DatabasePool): Promise<Record<string, string | null>> {
  const hashes: Record<string, string | null> = {};
  for (const table of ROLLUPS) {
    hashes[table] = await pool.oneFirst(sql.type(z.object({ hash: z.string().nullable() }))`
      select md5(string_agg(r::text, ',' order by r::text)) as hash from ${sql.identifier(['analytics', table])} r`);
  }
  return hashes;
}

t.test('backfill resumes after an interruption and ends equal to an uninterrupted run', async (t) => {
  const [a, b] = await Promise.all([seeded(t), seeded(t)]);
  const range = await dataRange(a.pg);
  t.same(await dataRange(b.pg), range, 'both databases hold the same data');
  const months = monthChunks(range.from, range.to).length;
  t.ok(months >= 3, `the data spans at least 3 months (${months})`);

  // a month per chunk, so a few months of data make several chunks
  const whole = await backfill(a.pg, { ...range, worker: 'test', monthsPerChunk: 1 });
  t.equal(whole.length, months, 'A: one run per month');
  t.ok(whole.every((run) => run.outcome === 'refreshed'), 'A: every month recomputed');

  const stop = new AbortController();
  const interrupted = await backfill(b.pg, {
    ...range,
    worker: 'test',
    monthsPerChunk: 1,
    signal: stop.signal,
    onChunk: ({ done }) => {
      if (done === 2) stop.abort();
    },
  });
  t.equal(interrupted.length, 2, 'B: stopped after the 2nd chunk');
  t.ok(interrupted.length < months, 'B: fewer runs than months');

  const chunks: string[][] = [];
  const resumed = await backfill(b.pg, { ...range, worker: 'test', monthsPerChunk: 1, onChunk: ({ chunk }) => chunks.push([...chunk.starts]) });
  t.equal(resumed.length, months, 'B resumed: one run per month');
  t.same(resumed.map((run) => run.outcome), [
    'fresh', 'fresh', ...Array<string>(months - 2).fill('refreshed'),
  ], 'B resumed: the 2 months stored before the interruption are skipped, the rest recomputed');
  t.same(resumed.slice(0, 2).map((run) => run.days_recomputed), [0, 0], 'skipped months recompute nothing');
  t.same(chunks, monthChunks(range.from, range.to).map((chunk) => chunk.starts), 'chunks are the calendar months, oldest first');

  t.equal(await differences(a.pool, range.from, range.to), 0, 'A: stored aggregates equal a recomputation');
  t.equal(await differences(b.pool, range.from, range.to), 0, 'B: stored aggregates equal a recomputation');
  const [hashesA, hashesB] = await Promise.all([rollupHashes(a.pool), rollupHashes(b.pool)]);
  for (const table of ROLLUPS) t.not(hashesA[table], null, `${table} is not empty`);
  t.same(hashesB, hashesA, 'the interrupted and resumed run stored exactly the rows of the uninterrupted one');
});

t.test('--force recomputes chunks that are already fresh', async (t) => {
  const { pool, pg: db } = await seeded(t);
  const range = await dataRange(db);
  const chunks = Math.ceil(monthChunks(range.from, range.to).length / DEFAULT_MONTHS_PER_CHUNK);
  const first = await backfill(db, { ...range, worker: 'test' });
  t.ok(first.every((run) => run.outcome === 'refreshed'));

  const again = await backfill(db, { ...range, worker: 'test' });
  t.same(again.map((run) => run.outcome), Array<string>(chunks).fill('fresh'), 'without force: every chunk is fresh');

  const forced = await backfill(db, { ...range, worker: 'test', force: true });
  t.same(forced.map((run) => run.outcome), Array<string>(chunks).fill('refreshed'), 'with force: every chunk recomputed');
  t.ok(forced.every((run) => run.days_recomputed > 0 && run.through === range.to), 'forced runs recompute days');
  t.equal(await differences(pool, range.from, range.to), 0);
});

t.test('a database whose last stored day is 3 days old is caught up', async (t) => {
  const { url, pool, pg: db } = await seeded(t);
  const yesterday = await localYesterday(db);
  await db.query(`select analytics.refresh_pending($1::date - 3)`, [yesterday]);
  const missing = await db.query<{ day: string }>(
    `select (($1::date - 2) + k)::text as day from generate_series(0, 2) k order by 1`, [yesterday]);
  const dueDays = (await dueBuckets(db)).filter((bucket) => bucket.granularity === 'day').map((bucket) => bucket.bucket_start);
  t.same(dueDays, missing.rows.map((row) => row.day), 'the 3 days after the stored history are due');

  const lines: string[] = [];
  const scheduler = await startScheduler({
    databaseUrl: url, timezone: 'UTC', pollingIntervalSeconds: 0.5, log: (line) => lines.push(line),
  });
  t.teardown(() => scheduler.stop());
  await waitFor('the catch-up', async () => {
    const { rows } = await db.query<{ done: boolean }>(`
      select (select materialized_through from analytics.settings) = $1::date
         and not exists (select from analytics.due_buckets()) as done`, [yesterday]);
    return rows[0]?.done === true;
  }, 60_000);
  await scheduler.stop();

  t.equal(await differences(pool, missing.rows[0]?.day ?? yesterday, yesterday), 0);
  const { rows: runs } = await db.query<{ outcome: string; through: string | null }>(
    `select outcome, through::text from analytics.refresh_runs order by id`);
  t.ok(runs.length > 0, 'the scheduler logged its runs');
  t.notOk(runs.some((run) => run.outcome === 'failed'), 'no failed runs');
  const refreshed = runs.filter((run) => run.outcome === 'refreshed');
  t.ok(refreshed.length > 0, 'some run recomputed');
  t.equal(refreshed.map((run) => run.through).sort().at(-1), yesterday, 'refreshed runs reach yesterday');
  t.ok(lines.some((line) => /recomputed \d+ days through/.test(line)), 'the worker logged what it recomputed');
});

t.test('refresh with no range runs what is due and then nothing', async (t) => {
  const { pool, pg: db } = await seeded(t);
  const range = await dataRange(db);
  const first = await refreshDue(db, { worker: 'test' });
  t.ok(first.length > 0, 'the first pass has work');
  t.ok(first.some((batch) => batch.run.outcome === 'refreshed'), 'and recomputes');
  t.notOk(first.some((batch) => batch.run.outcome === 'fresh' && batch.granularity === 'day'),
    'every day batch was stale when it ran');
  t.same(await dueBuckets(db), [], 'nothing is due after it');
  t.same(await refreshDue(db, { worker: 'test' }), [], 'a second pass does nothing');
  t.equal(await differences(pool, range.from, range.to), 0);
});

t.test('refresh --from --to on the command line: recomputes, then finds every chunk fresh', async (t) => {
  const { url, pool, pg: db } = await seeded(t);
  const range = await dataRange(db);
  // the default chunk size
  const chunks = Math.ceil(monthChunks(range.from, range.to).length / DEFAULT_MONTHS_PER_CHUNK);
  const cli = (args: string[]) => new Promise<{ code: number; stdout: string }>((resolve) => {
    const env = { ...process.env, DATABASE_URL: url, ANALYTICS_TIMEZONE: 'UTC' };
    execFile(process.execPath, [CLI, ...args], { env }, (error, stdout) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout });
    });
  });
  const args = ['refresh', '--from', range.from, '--to', range.to];
  t.same(await cli(args), { code: 0, stdout: `refresh: ${chunks} of ${chunks} chunks recomputed, 0 already fresh\n` });
  t.same(await cli(args), { code: 0, stdout: `refresh: 0 of ${chunks} chunks recomputed, ${chunks} already fresh\n` });
  t.same(await cli([...args, '--force']), { code: 0, stdout: `refresh: ${chunks} of ${chunks} chunks recomputed, 0 already fresh\n` });
  t.equal(await differences(pool, range.from, range.to), 0);
});

t.test('monthChunks cuts a range at calendar months', async (t) => {
  const days = (month: string, first: number, last: number) =>
    Array.from({ length: last - first + 1 }, (_, i) => `${month}-${String(first + i).padStart(2, '0')}`);
  t.same(monthChunks('2026-01-30', '2026-03-02'), [
    { granularity: 'day', starts: ['2026-01-30', '2026-01-31'] },
    { granularity: 'day', starts: days('2026-02', 1, 28) },
    { granularity: 'day', starts: ['2026-03-01', '2026-03-02'] },
  ]);
  t.same(monthChunks('2026-03-02', '2026-03-02'), [{ granularity: 'day', starts: ['2026-03-02'] }], 'one day');
  t.same(monthChunks('2026-03-02', '2026-03-01'), [], 'an empty range');
  t.same(monthChunks('2024-12-31', '2025-01-01').map((chunk) => chunk.starts), [['2024-12-31'], ['2025-01-01']], 'across a year');
});

t.test('batchDueBuckets: a month of days per batch, each week and month alone, a week or month after its days', async (t) => {
  const day = (start: string): DueBucket => ({ granularity: 'day', bucket_start: start, bucket_end: start });
  // as analytics.due_buckets() orders them: by last day, a day before its week and month
  const due: DueBucket[] = [
    day('2026-01-29'),
    day('2026-01-30'),
    day('2026-01-31'),
    { granularity: 'month', bucket_start: '2026-01-01', bucket_end: '2026-01-31' },
    day('2026-02-01'),
    { granularity: 'week', bucket_start: '2026-01-26', bucket_end: '2026-02-01' },
    day('2026-02-02'),
    day('2026-02-03'),
  ];
  t.same(batchDueBuckets(due), [
    { granularity: 'day', starts: ['2026-01-29', '2026-01-30', '2026-01-31'] },
    { granularity: 'month', starts: ['2026-01-01'] },
    { granularity: 'day', starts: ['2026-02-01', '2026-02-02', '2026-02-03'] },
    { granularity: 'week', starts: ['2026-01-26'] },
  ]);
  t.same(batchDueBuckets([]), []);
});
