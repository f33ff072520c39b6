// `make bench [SCALE=small|full]`: builds (or reuses) a benchmark database on
// an embedded PostgreSQL (or BENCH_DATABASE_URL's server) and prints a table
// of named measurements. Not a test: nothing here passes or fails on time.
// Ratios are what BENCHMARKS.md records, measured in one run on one machine.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { sql, type QuerySqlToken } from 'slonik';
import { ensureDatabase } from '../src/db/create-database.ts';
import { createDatabasePool, type DatabasePool } from '../src/db/pool.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded-postgres.ts';
import { migrate } from '../src/migrate.ts';
import { createPgPool } from '../src/db/pg-pool.ts';
import { backfill } from '../src/refresh.ts';
import { seed, type SeedResult } from '../src/seed.ts';
import { countPlatformRows } from '../src/summary.ts';
import { apiCases, csvCases } from './api.ts';
import { bloatCases } from './bloat.ts';
import { cliCases } from './cli.ts';
import { installCases } from './install.ts';
import { replicaCases } from './replica.ts';
import { reportCases } from './reports.ts';
import { restatementCases } from './restatements.ts';
import { emptyRollups, type Measurement, relative, timed } from './measure.ts';
import { peerCases } from './peer.ts';
import { findPgbench, writeCases } from './writes.ts';

const SCALES = {
  small: { users: 10_000, days: 365, sessionsPerUser: 50 },
  // half and full have the same activity per day (≈ 6,900 sessions) over
  // one and two years: "history doubles" for the one-day refresh case
  half: { users: 50_000, days: 365, sessionsPerUser: 50 },
  full: { users: 100_000, days: 730, sessionsPerUser: 50 },
} as const;
const END = new Date('2026-11-28T00:00:00Z'); // fixed, so a reused database is the same data

// The floor of the core case: one GROUP BY per day over sessions ⋈ feedback_reports.
const RAW_DAILY_GROUP_BY = sql.unsafe`
    select date_trunc('day', s.started_at) as day,
           count(*) as sessions_started,
           count(*) filter (where s.completion_status = 'completed') as sessions_completed,
           sum(s.duration_seconds) as practice_seconds,
           sum(f.score_raw) as score_sum,
           count(f.score_raw) as scored
    from public.sessions s
    left join public.feedback_reports f on f.session_id = s.id
    group by 1`;

const { values } = parseArgs({
  options: { scale: { type: 'string', default: 'small' }, cases: { type: 'string', default: 'core,api' } },
  strict: true,
});
const CASES = ['core', 'api', 'writes', 'bloat', 'reports', 'replica', 'peer', 'install', 'cli', 'restatements'];
const cases = new Set(values.cases.split(','));
if (![...cases].every((name) => CASES.includes(name))) {
  console.error(`bench: --cases "${values.cases}": expected a comma-separated list of ${CASES.join(', ')}`);
  process.exit(2);
}
// before minutes of data generation, not after
const pgbench = cases.has('writes') || cases.has('replica') ? findPgbench() : undefined;
if ((cases.has('writes') || cases.has('replica')) && !pgbench) {
  console.error('bench: the writes and replica cases need pgbench, which is not on PATH (Debian: apt-get install postgresql-client)');
  process.exit(2);
}
const scaleName = values.scale as keyof typeof SCALES;
if (!(scaleName in SCALES)) {
  console.error(`bench: --scale "${values.scale}": expected ${Object.keys(SCALES).join(' or ')}`);
  process.exit(2);
}
const scale = SCALES[scaleName];

let server: EmbeddedPostgres | undefined;
let serverUrl = process.env.BENCH_DATABASE_URL;
// wal_level = replica, the platform's usual setting: the writes case
// restarts the server at logical for the logical capture's arms
const BENCH_SERVER = { dataDir: '.data/bench', port: 54331, persistent: true, settings: ['wal_level=replica'] };
if (!serverUrl) {
  server = await startEmbeddedPostgres(BENCH_SERVER);
  serverUrl = server.url;
}
const serverControl = server && {
  async restart(settings: readonly string[]) {
    await server!.stop();
    server = await startEmbeddedPostgres({ ...BENCH_SERVER, settings });
  },
};
const measurements: Measurement[] = [];
try {
  const url = await ensureDatabase(serverUrl, `praxis_bench_${scaleName}`);
  const seeded = await seedIfEmpty(url);
  const pool = await createDatabasePool(url, { maximumPoolSize: 1, statementTimeout: 'DISABLE_TIMEOUT' });
  try {
    const counts = await countPlatformRows(pool);
    measurements.push({
      name: 'data set',
      value: `${counts.users} users, ${counts.sessions} sessions, ${counts.feedback_reports} reports`,
      note: `${scale.days} days`,
    });
    if (seeded) {
      const perSecond = Math.round(seeded.counts.sessions / seeded.loadSeconds);
      measurements.push(
        { name: 'seed: generate and insert', value: `${seeded.loadSeconds.toFixed(1)} s`, note: `${perSecond} sessions/s` },
        { name: 'seed: keys, foreign keys, indexes, analyze', value: `${seeded.constraintSeconds.toFixed(1)} s` },
        { name: 'seed: total', value: `${(seeded.loadSeconds + seeded.constraintSeconds).toFixed(1)} s` },
      );
    } else {
      measurements.push({ name: 'seed', value: 'reused', note: 'database existed; drop it to measure the seed' });
    }
    await migrate({ databaseUrl: url });
    if (cases.has('core')) measurements.push(...(await sqlCoreCases(pool, url)));
    if (cases.has('api')) {
      const { first_day: firstDay, last_day: lastDay } = await pool.one(sql.type(z.object({ first_day: z.string(), last_day: z.string() }))`
        select min(started_at)::date::text as first_day, (max(started_at)::date - 1)::text as last_day from public.sessions`);
      // store whatever is not stored yet (everything, on a fresh data set)
      await pool.query(sql.unsafe`select analytics.invalidate_all() from analytics.settings where materialized_through is null`);
      await pool.query(sql.unsafe`select analytics.refresh_pending()`);
      measurements.push(...(await apiCases(url, firstDay, lastDay)), ...(await csvCases(url, firstDay, lastDay)));
    }
    if (pgbench && cases.has('writes')) measurements.push(...(await writeCases(pool, url, pgbench, serverControl)));
    if (cases.has('bloat')) measurements.push(...(await bloatCases(pool, url)));
    if (cases.has('reports')) {
      await pool.query(sql.unsafe`select analytics.invalidate_all() from analytics.settings where materialized_through is null`);
      await pool.query(sql.unsafe`select analytics.refresh_pending()`);
      measurements.push(...(await reportCases(url)));
    }
    if (cases.has('peer')) {
      await pool.query(sql.unsafe`select analytics.invalidate_all() from analytics.settings where materialized_through is null`);
      await pool.query(sql.unsafe`select analytics.refresh_pending()`);
      measurements.push(...(await peerCases(pool, url)));
    }
    if (cases.has('restatements')) {
      await pool.query(sql.unsafe`select analytics.invalidate_all() from analytics.settings where materialized_through is null`);
      measurements.push(...(await restatementCases(pool)));
    }
    if (cases.has('cli')) measurements.push(...cliCases());
    // fresh copies of a platform-only database of this scale
    if (cases.has('install')) measurements.push(...(await installCases(serverUrl, scaleName, scale, END)));
    // its own primary and standby, seeded with this scale's data
    if (pgbench && cases.has('replica')) measurements.push(...(await replicaCases(scale, END, pgbench)));
  } finally {
    await pool.end();
  }
} finally {
  await server?.stop();
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
console.log(`\nmachine: ${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
console.log(`scale: ${scaleName}\n`);
console.log('| measurement | value | note |\n|---|---|---|');
for (const m of measurements) console.log(`| ${m.name} | ${m.value} | ${m.note ?? ''} |`);

async function seedIfEmpty(url: string): Promise<SeedResult | undefined> {
  const pool = await createDatabasePool(url, { maximumPoolSize: 1 });
  try {
    const exists = await pool.oneFirst(sql.type(z.object({ exists: z.boolean() }))`
      select to_regclass('public.users') is not null as exists`);
    if (exists && (await countPlatformRows(pool)).users > 0) return undefined;
  } finally {
    await pool.end();
  }
  console.log(`bench: generating the ${scaleName} data set (${scale.users} users, ${scale.days} days)…`);
  return seed({ databaseUrl: url, seed: 1, endAt: END, ...scale });
}

// The SQL core's cases: a full rebuild against the physical floor, the
// snapshots against a bare write of the same rows, one new day, and reads of
// a year from the aggregates against the same numbers from the raw tables.
async function sqlCoreCases(pool: DatabasePool, url: string): Promise<Measurement[]> {
  const seconds = (value: number) => `${value.toFixed(2)} s`;
  const floor = await bestOf(3, () => withWorkMem(pool, RAW_DAILY_GROUP_BY));
  // Two steps no exact rebuild can skip, computed bare (nothing written):
  // the distinct (day, user) pairs behind every exact distinct-user count and
  // the snapshots, and one row per (report, criterion) behind strength areas.
  const userDays = await bestOf(3, () => withWorkMem(pool, sql.unsafe`
    select count(*) from (select date_trunc('day', started_at), user_id from public.sessions group by 1, 2) pairs`));
  // Summed over the groups, so the sums are computed: under a bare count(*)
  // the planner drops the unused aggregates of the subquery.
  const criteria = await bestOf(1, () => withWorkMem(pool, sql.unsafe`
    select count(*), sum(per_criterion.reports), sum(per_criterion.score_sum) from (
      select date_trunc('day', s.started_at), e.key, count(*) as reports, sum(e.value::numeric) as score_sum
      from public.feedback_reports f join public.sessions s on s.id = f.session_id, jsonb_each(f.criteria_scores) e
      group by 1, 2) per_criterion`));

  // Both rebuilds start from the same state (emptyRollups).
  await emptyRollups(pool);
  const rebuild = await timed(() => pool.query(sql.unsafe`select analytics.refresh_pending()`));
  const { last_day: lastDay } = await pool.one(sql.type(z.object({ last_day: z.string() }))`
    select materialized_through::text as last_day from analytics.settings`);

  // The same rebuild as the backfill does it (`refresh --from --to`): six
  // calendar months per transaction through analytics.refresh_buckets.
  const { first_day: firstDay } = await pool.one(sql.type(z.object({ first_day: z.string() }))`
    select min(started_at)::date::text as first_day from public.sessions`);
  await emptyRollups(pool);
  const chunked = await timed(async () => {
    const pgPool = createPgPool(url, { max: 1 });
    try {
      await backfill(pgPool, { from: firstDay, to: lastDay, worker: 'bench' });
    } finally {
      await pgPool.end();
    }
  });

  const snapshots = await timed(() => pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`delete from analytics.user_progress_snapshots`);
    await tx.query(sql.unsafe`insert into analytics.user_progress_snapshots
      select * from analytics.compute_user_progress_snapshots(null, '-infinity', ${lastDay}::date)`);
  }));
  const bareWrite = await timed(() => pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`create temp table snapshot_copy (like analytics.user_progress_snapshots including indexes) on commit drop`);
    await tx.query(sql.unsafe`insert into snapshot_copy select * from analytics.user_progress_snapshots`);
  }));

  // A day whose rows really change: up to 1,000 sessions of the last day
  // with activity swap completed <-> abandoned, and the refresh stores it
  // (then the swap is undone and stored again, so the data set is unchanged).
  const swap = sql.unsafe`
    update public.sessions s set completion_status = case s.completion_status when 'completed' then 'abandoned' else 'completed' end
    where s.id in (select id from public.sessions
                   where started_at >= (select date_trunc('day', max(started_at)) - interval '1 day' from public.sessions)
                     and started_at < (select date_trunc('day', max(started_at)) from public.sessions)
                     and completion_status in ('completed', 'abandoned')
                   order by id limit 1000)`;
  await pool.query(swap);
  const changedDay = await timed(() => pool.query(sql.unsafe`select analytics.refresh_pending()`));
  await pool.query(swap);
  await pool.query(sql.unsafe`select analytics.refresh_pending()`);
  const rollupBytes = await pool.oneFirst(sql.type(z.object({ bytes: z.coerce.number() }))`
    select sum(pg_total_relation_size(c.oid)) as bytes from pg_class c join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'analytics' and c.relkind = 'r' and c.relname not in ('analytics_aggregates', 'invalidation_log', 'schema_migrations', 'refresh_runs', 'settings')`);
  const year = sql.fragment`${lastDay}::date - 364, ${lastDay}::date`;
  const readAggregates = await bestOf(3, () => pool.query(sql.unsafe`select * from analytics.session_metrics(${year}, 'day')`));
  const readRaw = await bestOf(3, () => pool.query(sql.unsafe`
    select * from analytics.session_metrics(${year}, 'day') where false
    union all
    select d.day, count(*), count(*) filter (where completion_status = 'completed'), null, null, null, count(distinct user_id), null, null
    from analytics.session_facts(array(select g::date from generate_series(${lastDay}::date - 364, ${lastDay}::date, interval '1 day') g)) d
    group by d.day`));
  const activeAggregates = await bestOf(3, () => pool.query(sql.unsafe`select * from analytics.active_users(${year})`));
  const activeRaw = await bestOf(3, () => pool.query(sql.unsafe`
    select * from analytics.compute_daily_active_users(array(select g::date from generate_series(${lastDay}::date - 364, ${lastDay}::date, interval '1 day') g))`));

  return [
    { name: 'floor: one GROUP BY pass over sessions ⋈ feedback_reports (per day)', value: seconds(floor), note: 'best of 3, work_mem 256MB like the refresh' },
    { name: 'lower bound: distinct (day, user) pairs, GROUP BY only', value: seconds(userDays), note: `${(userDays / floor).toFixed(1)}× the floor` },
    { name: 'lower bound: (day, criterion) sums over every report, GROUP BY only', value: seconds(criteria), note: `${(criteria / floor).toFixed(1)}× the floor` },
    { name: 'full rebuild of every rollup (refresh_pending after clear)', value: seconds(rebuild), note: `${(rebuild / floor).toFixed(1)}× the floor (target ≤ 2×), snapshots included` },
    { name: 'backfill of the whole history (refresh --from --to, 6 months per transaction)', value: seconds(chunked), note: `${relative(chunked, rebuild)} the one-transaction rebuild (target: at most 10% over)` },
    { name: 'user_progress_snapshots alone', value: seconds(snapshots), note: `${(snapshots / bareWrite).toFixed(1)}× a bare INSERT … SELECT of the same rows (${seconds(bareWrite)})` },
    { name: 'refresh one changed day (1,000 sessions of the last active day change status)', value: seconds(changedDay), note: `1/${Math.round(rebuild / changedDay)} of the full rebuild` },
    { name: 'rollup size (tables and indexes, after the rebuilds)', value: `${(rollupBytes / 2 ** 20).toFixed(0)} MiB` },
    { name: 'read session_metrics, one year by day: aggregates vs raw', value: `${(readRaw / readAggregates).toFixed(1)}×`, note: `${seconds(readAggregates)} vs ${seconds(readRaw)} (target ≥ 20×)` },
    { name: 'read active_users (dau/wau/mau), one year: aggregates vs raw', value: `${(activeRaw / activeAggregates).toFixed(1)}×`, note: `${seconds(activeAggregates)} vs ${seconds(activeRaw)} (target ≥ 20×)` },
  ];
}

// slonik resets the session after each pool.query (DISCARD ALL), so a
// session-level SET would not reach the next statement: the setting is
// local to a transaction that runs the statement, like the refresh's.
async function withWorkMem(pool: DatabasePool, statement: QuerySqlToken): Promise<void> {
  await pool.transaction(async (tx) => {
    await tx.query(sql.unsafe`set local work_mem = '256MB'`);
    await tx.query(statement);
  });
}

async function bestOf(runs: number, work: () => Promise<unknown>): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let run = 0; run < runs; run += 1) {
    const started = performance.now();
    await work();
    best = Math.min(best, (performance.now() - started) / 1000);
  }
  return best;
}
