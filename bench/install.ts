// The first install on a platform that holds its history (`make bench
// CASES=install`): what `migrate` costs on a database without the package
// (the current definitions of sql/install.sql), against replaying the
// released migrations; what migration 0014 costs an upgrade, and whether its
// marks (one per 15-minute cell of every session and user, as the capture
// triggers log them) make the first backfill slower than the day marks that
// releases up to 0013 left. Each repetition installs the three ways on fresh
// copies of one platform-only database, in UTC, where all are right, in
// rotating order.
import { z } from 'zod';
import { sql } from 'slonik';
import { ensureDatabase } from '../src/db/create-database.ts';
import { createPgPool } from '../src/db/pg-pool.ts';
import { createDatabasePool } from '../src/db/pool.ts';
import { migrate } from '../src/migrate.ts';
import { backfill } from '../src/refresh.ts';
import { seed } from '../src/seed.ts';
import { countPlatformRows } from '../src/summary.ts';
import { formatSpread, type Measurement, spreadOf, timed } from './measure.ts';

const REPETITIONS = Number(process.env.BENCH_REPS ?? 3);
const BEFORE = 13; // migrations up to 0013: the release before the fix

type Scale = { readonly users: number; readonly days: number; readonly sessionsPerUser: number };
type Way = 'before' | 'fixed' | 'fresh';
type Install = { migrate: number; fix: number; logRows: number; backfill: number };
const WAYS: readonly Way[] = ['before', 'fixed', 'fresh'];

export async function installCases(serverUrl: string, scaleName: string, scale: Scale, end: Date): Promise<Measurement[]> {
  const platform = `praxis_bench_${scaleName}_platform`;
  const platformUrl = await ensureDatabase(serverUrl, platform);
  const pool = await createDatabasePool(platformUrl, { maximumPoolSize: 1 });
  const empty = (await pool.oneFirst(sql.type(z.object({ present: z.boolean() }))`
    select to_regclass('public.users') is not null as present`)) ? (await countPlatformRows(pool)).users === 0 : true;
  await pool.end();
  if (empty) {
    console.log(`bench: generating the platform-only ${scaleName} data set for the install case…`);
    await seed({ databaseUrl: platformUrl, seed: 1, endAt: end, ...scale });
  }

  const runs: Record<Way, Install[]> = { before: [], fixed: [], fresh: [] };
  for (let repetition = 0; repetition < REPETITIONS; repetition++) {
    const order = [...WAYS.slice(repetition % WAYS.length), ...WAYS.slice(0, repetition % WAYS.length)];
    for (const way of order) runs[way].push(await install(serverUrl, platform, end, way));
  }
  const seconds = (pick: (run: Install) => number, of: Install[]) => formatSpread(spreadOf(of.map(pick)));
  const ratios = runs.fixed.map((run, index) => run.backfill / runs.before[index]!.backfill);
  const ratioSpread = spreadOf(ratios);
  const installRatios = spreadOf(runs.fresh.map((run, index) => run.migrate / (runs.fixed[index]!.migrate + runs.fixed[index]!.fix)));
  return [
    { name: 'install: migrate on a database without the package (sql/install.sql)', value: seconds((run) => run.migrate, runs.fresh), note: `${REPETITIONS} runs, median (range)` },
    { name: 'install: migrate replaying every released migration', value: seconds((run) => run.migrate + run.fix, runs.fixed), note: 'what `migrate --count 14` does' },
    {
      name: 'install: from sql/install.sql / replaying the migrations',
      value: `${installRatios.median.toFixed(3)}×`,
      note: `runs ${installRatios.min.toFixed(3)}–${installRatios.max.toFixed(3)}`,
    },
    { name: 'install: first backfill after the install from sql/install.sql', value: seconds((run) => run.backfill, runs.fresh) },
    { name: 'install: migrate, every migration up to 0013', value: seconds((run) => run.migrate, runs.before), note: `${REPETITIONS} runs, median (range)` },
    { name: 'install: migration 0014 alone', value: seconds((run) => run.fix, runs.fixed), note: "reads the platform's rows, writes only analytics tables" },
    { name: 'install: change-log rows before the first backfill', value: `${runs.fixed[0]!.logRows} (0014) vs ${runs.before[0]!.logRows} (0013)` },
    { name: 'install: first backfill after 0013', value: seconds((run) => run.backfill, runs.before) },
    { name: 'install: first backfill after 0014', value: seconds((run) => run.backfill, runs.fixed) },
    {
      name: 'install: first backfill, 0014 / 0013',
      value: `${ratioSpread.median.toFixed(3)}×`,
      note: `pairs ${ratioSpread.min.toFixed(3)}–${ratioSpread.max.toFixed(3)}, each pair run back to back`,
    },
  ];
}

async function install(serverUrl: string, platform: string, end: Date, way: Way): Promise<Install> {
  const name = `praxis_bench_install_${process.pid}`;
  const admin = await createDatabasePool(serverUrl, { maximumPoolSize: 1 });
  await admin.query(sql.unsafe`drop database if exists ${sql.identifier([name])}`);
  await admin.end();
  const url = await ensureDatabase(serverUrl, name, platform);
  const pg = createPgPool(url, { max: 2 });
  try {
    const migrateSeconds = await timed(() => migrate({ databaseUrl: url, count: way === 'fresh' ? undefined : BEFORE, timezone: 'UTC' }));
    const fix = way === 'fixed' ? await timed(() => migrate({ databaseUrl: url, timezone: 'UTC' })) : 0;
    const { rows } = await pg.query<{ rows: string }>('select count(*) as rows from analytics.invalidation_log');
    // what a DBA asks for: the platform's first day through yesterday
    const { rows: span } = await pg.query<{ first: string }>(
      'select least(min(u.created_at), (select min(s.started_at) from public.sessions s))::date::text as first from public.users u');
    const last = new Date(end.getTime() - 86_400_000).toISOString().slice(0, 10);
    const backfillSeconds = await timed(() => backfill(pg, { from: span[0]!.first, to: last, worker: 'bench' }));
    return { migrate: migrateSeconds, fix, logRows: Number(rows[0]!.rows), backfill: backfillSeconds };
  } finally {
    await pg.end();
    const cleanup = await createDatabasePool(serverUrl, { maximumPoolSize: 1 });
    await cleanup.query(sql.unsafe`drop database if exists ${sql.identifier([name])} with (force)`);
    await cleanup.end();
  }
}
