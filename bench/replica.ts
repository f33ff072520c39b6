// The standby case of `make bench` (CASES=replica): a primary and a hot
// standby on this machine (test/helpers/standby.ts), the scale's data set
// seeded into the primary and replayed.
// - the API's p99 while a full refresh runs on the primary, against its idle
//   p99: reading the primary, then reading the standby (DATABASE_READ_URL);
// - the primary's write TPS (pgbench, single-row session updates that fire
//   the change capture) while 10 clients read reports from the primary,
//   against the same while they read from the standby.
// Two servers on one machine share its cores: with two or more, each server
// is pinned to its own half (taskset) to stand in for two machines, unless
// BENCH_REPLICA_PIN=0. The load generators (autocannon, pgbench, the
// readers' client) are not pinned and take CPU from both.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startServer } from '../src/api/server.ts';
import { seed } from '../src/seed.ts';
import { buildTemplate } from '../test/helpers/database.ts';
import { startStandbyPair } from '../test/helpers/standby.ts';
import { CONCURRENCY, describe, httpLoad, sqlLoad, TOKEN, type Load } from './api.ts';
import { type Measurement, run } from './measure.ts';

const DATABASE = 'praxis_replica';
const WRITE_SECONDS = 10;

type Scale = { readonly users: number; readonly days: number; readonly sessionsPerUser: number };

export async function replicaCases(scale: Scale, endAt: Date, pgbench: string): Promise<Measurement[]> {
  const measurements: Measurement[] = [];
  const halves = cpus().length >= 2 && process.env.BENCH_REPLICA_PIN !== '0';
  const half = Math.floor(cpus().length / 2);
  const pair = await startStandbyPair(halves
    ? { cpus: { primary: `0-${half - 1}`, standby: `${half}-${cpus().length - 1}` } }
    : {});
  measurements.push({ name: 'replica: servers', value: halves ? `primary on CPUs 0-${half - 1}, standby on ${half}-${cpus().length - 1}` : 'sharing every CPU' });
  try {
    await buildTemplate(pair.primaryUrl, DATABASE);
    const primaryUrl = pair.primaryUrl.replace(/\/[^/]*$/, `/${DATABASE}`);
    const standbyUrl = pair.standbyUrl.replace(/\/[^/]*$/, `/${DATABASE}`);
    console.log('bench: replica: seeding the primary…');
    await seed({ databaseUrl: primaryUrl, seed: 1, endAt, ...scale });
    const admin = new pg.Client({ connectionString: primaryUrl, options: '-c statement_timeout=0' });
    await admin.connect();
    try {
      await admin.query('select analytics.invalidate_all()');
      await admin.query('select analytics.refresh_pending()');
      await admin.query('vacuum analyze');
      const { rows: [span] } = await admin.query<{ first: string; last: string }>(
        `select (materialized_through - 364)::text as first, materialized_through::text as last from analytics.settings`);
      await pair.waitForReplay();
      const report = `business?metric=active_users&startDate=${span!.first}&endDate=${span!.last}`;

      /** Idle p99, then p99 during a whole-history rebuild on the primary, for an API reading `readDatabaseUrl`. */
      const underRefresh = async (readDatabaseUrl: string | undefined): Promise<{ idle: Load; during: Load; refreshSeconds: number }> => {
        const server = await startServer({ databaseUrl: primaryUrl, readDatabaseUrl, token: TOKEN, port: 0, logLevel: 'silent' });
        try {
          const endpoint = `${server.url}${report}`;
          await httpLoad(endpoint); // warm-up
          const idle = await httpLoad(endpoint);
          const started = performance.now();
          const refreshing = admin.query('select analytics.refresh_range($1::date, $2::date)', [span!.first, span!.last]);
          await new Promise((resolve) => setTimeout(resolve, 1000));
          const during = await httpLoad(endpoint);
          await refreshing;
          return { idle, during, refreshSeconds: (performance.now() - started) / 1000 };
        } finally {
          await server.close();
        }
      };
      const onPrimary = await underRefresh(undefined);
      await pair.waitForReplay();
      const onStandby = await underRefresh(standbyUrl);
      measurements.push(
        { name: 'replica: API reading the primary, idle / during a full refresh', value: `${describe(onPrimary.idle)} / ${describe(onPrimary.during)}`, note: `p99 ${(onPrimary.during.p99 / onPrimary.idle.p99).toFixed(2)}× idle; refresh ${onPrimary.refreshSeconds.toFixed(1)} s` },
        { name: 'replica: API reading the standby, idle / during a full refresh on the primary', value: `${describe(onStandby.idle)} / ${describe(onStandby.during)}`, note: `p99 ${(onStandby.during.p99 / onStandby.idle.p99).toFixed(2)}× idle (target ≤ 1.2×); refresh ${onStandby.refreshSeconds.toFixed(1)} s` },
      );

      // Writes: single-row updates of random recent sessions, which fire the change capture.
      await admin.query('drop schema if exists bench_replica cascade');
      await admin.query(`create schema bench_replica;
        create table bench_replica.ids as select row_number() over () as n, id from public.sessions order by started_at desc limit 100000;
        alter table bench_replica.ids add primary key (n)`);
      const directory = await mkdtemp(path.join(tmpdir(), 'praxis-replica-'));
      const script = path.join(directory, 'update.sql');
      await writeFile(script, [
        '\\set n random(1, 100000)',
        'update public.sessions set updated_at = updated_at where id = (select id from bench_replica.ids where n = :n);',
        '',
      ].join('\n'));
      const url = new URL(primaryUrl);
      const writes = async (): Promise<number> => {
        const output = await run(pgbench, ['-n', '-c', '4', '-j', '2', '-T', String(WRITE_SECONDS), '-f', script,
          '-h', url.hostname, '-p', url.port, '-U', url.username, url.pathname.slice(1)], { ...process.env, PGPASSWORD: url.password });
        const tps = Number(/^tps = ([\d.]+)/m.exec(output)?.[1]);
        if (!(tps > 0)) throw new Error(`bench replica: no tps in pgbench's output:\n${output}`);
        return tps;
      };
      const reportSql = 'select * from analytics.session_metrics($1::date, $2::date, \'day\')';
      const withReaders = async (readerUrl: string) => {
        const [tps, reads] = await Promise.all([writes(), sqlLoad(readerUrl, reportSql, [span!.first, span!.last], WRITE_SECONDS)]);
        return { tps, reads };
      };
      try {
        const alone = await writes();
        const readingPrimary = await withReaders(primaryUrl);
        const readingStandby = await withReaders(standbyUrl);
        measurements.push(
          { name: 'replica: primary write TPS alone (pgbench, 4 clients, session updates)', value: `${Math.round(alone)} tps` },
          { name: `replica: same, ${CONCURRENCY} clients reading a year of session_metrics from the primary`, value: `${Math.round(readingPrimary.tps)} tps`, note: `${(readingPrimary.tps / alone).toFixed(2)}× alone; reads ${describe(readingPrimary.reads)}` },
          { name: `replica: same, ${CONCURRENCY} clients reading from the standby`, value: `${Math.round(readingStandby.tps)} tps`, note: `${(readingStandby.tps / alone).toFixed(2)}× alone, ${(readingStandby.tps / readingPrimary.tps).toFixed(2)}× reading the primary; reads ${describe(readingStandby.reads)}` },
        );
      } finally {
        await rm(directory, { recursive: true, force: true });
        await admin.query('drop schema if exists bench_replica cascade');
      }
    } finally {
      await admin.end();
    }
  } finally {
    await pair.close();
  }
  return measurements;
}
