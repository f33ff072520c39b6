// `make demo`: the whole product on one machine with no set-up. Without
// DATABASE_URL it starts an embedded PostgreSQL whose data persists under
// ANALYTICS_DATA_DIR (so a second run is fast and keeps its data); with
// DATABASE_URL it uses that database and loads demo data only when the
// platform tables are absent or empty. It never drops anything.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { sql } from 'slonik';
import type { Config } from '../../config.ts';
import { SOURCE_CONTRACT, SOURCE_SCHEMA } from '../../contract.ts';
import { ensureDatabase } from '../../db/create-database.ts';
import { createDatabasePool, type DatabasePool } from '../../db/pool.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../embedded-postgres.ts';
import { migrate } from '../../migrate.ts';
import { connectPgPool } from '../../db/pg-pool.ts';
import { describeBatch, describeRun, refreshDue } from '../../refresh.ts';
import { adoptReportingTimezone } from '../../timezone.ts';
import { startScheduler, type Scheduler } from '../../scheduler/scheduler.ts';
import { startServer, type AnalyticsServer } from '../../api/server.ts';
import { listenForStop } from '../signals.ts';
import { seed } from '../../seed.ts';
import { countPlatformRows, formatSummary, summarizeDatabase } from '../../summary.ts';
import { formatSeedResult, parseSeedFlags } from './seed.ts';

const DEMO_DATABASE = 'oet_praxis';

export async function demoCommand(argv: readonly string[], config: Config): Promise<void> {
  const seedFlags = parseSeedFlags(argv);
  let embedded: EmbeddedPostgres | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    console.log('demo: starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres({
      dataDir: config.embeddedDataDir,
      port: config.embeddedPort,
      persistent: true,
    });
    console.log(`demo: embedded PostgreSQL on port ${config.embeddedPort}, data in ${embedded.dataDir}`);
    databaseUrl = await ensureDatabase(embedded.url, DEMO_DATABASE);
  }
  try {
    if (await platformIsEmpty(databaseUrl)) {
      console.log(`demo: loading demo data (${seedFlags.users} users over ${seedFlags.days} days)…`);
      console.log(formatSeedResult(await seed({ ...seedFlags, databaseUrl })));
    } else {
      console.log('demo: the database already has platform data; no demo data loaded');
    }
    const migrated = await migrate({ databaseUrl, timezone: config.timezone, capture: config.capture, lockTimeoutMs: config.lockTimeoutMs });
    console.log(`demo: migrations ${migrated.applied.length ? migrated.applied.join(', ') : 'up to date'}`);
    const refreshPool = await connectPgPool(databaseUrl, { max: 1 });
    try {
      await adoptReportingTimezone(refreshPool, config.timezone);
      const batches = await refreshDue(refreshPool, { worker: 'demo', lockTimeoutMs: config.lockTimeoutMs });
      const days = batches.reduce((sum, batch) => sum + batch.run.days_recomputed, 0);
      const first = batches[0];
      console.log(first ? `demo: refreshed ${batches.length} batch(es) from ${describeBatch(first)}, ${days} days recomputed` : 'demo: refresh: nothing due');
      if (first && batches.length === 1) console.log(`demo: ${describeRun(first.run)}`);
    } finally {
      await refreshPool.end();
    }
    const pool = await createDatabasePool(databaseUrl, { maximumPoolSize: 1 });
    try {
      console.log(formatSummary(await summarizeDatabase(pool)));
    } finally {
      await pool.end();
    }
  } catch (error) {
    await embedded?.stop();
    throw error;
  }

  // The demo keeps auth on: it uses ANALYTICS_ADMIN_TOKEN, or makes a token
  // for this run and prints a sign-in link that carries it in the URL
  // fragment (never sent to the server).
  const token = config.adminToken ?? randomBytes(24).toString('base64url');
  const stop = listenForStop();
  let scheduler: Scheduler | undefined;
  let server: AnalyticsServer | undefined;
  try {
    scheduler = await startScheduler({ databaseUrl, ...(config.timezone ? { timezone: config.timezone } : {}), signal: stop.signal });
    server = await startServer({
      databaseUrl, readDatabaseUrl: config.readDatabaseUrl, maxReplicaLagSeconds: config.maxReplicaLagSeconds,
      token, host: config.host, port: config.port,
    });
    console.log(`\ndemo: dashboard: ${server.url}#token=${token}`);
    console.log(`demo: API: curl -H 'Authorization: Bearer ${token}' '${server.url}users?metric=sessions_started&startDate=${daysAgo(27)}&endDate=${daysAgo(0)}'`);
    console.log(`demo: the refresh worker is running; freshness: psql '${databaseUrl}' -c 'select * from analytics.refresh_status'`);
    console.log('Press Ctrl-C to stop.');
    await stop.stopped();
  } finally {
    stop.dispose();
    await server?.close();
    await scheduler?.stop();
    if (embedded) {
      console.log('demo: stopping PostgreSQL');
      await embedded.stop();
    }
  }
}

const daysAgo = (days: number) => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10);

/** True when every platform table is missing, or all of them exist and are empty. */
async function platformIsEmpty(databaseUrl: string): Promise<boolean> {
  const pool: DatabasePool = await createDatabasePool(databaseUrl, { maximumPoolSize: 1 });
  try {
    const tables = Object.keys(SOURCE_CONTRACT);
    const present = await pool.oneFirst(sql.type(z.object({ present: z.number() }))`
      select count(*) as present from information_schema.tables
      where table_schema = ${SOURCE_SCHEMA} and table_name = any(${sql.array(tables, 'text')})
    `);
    if (present === 0) return true;
    if (present < tables.length) return false;
    return Object.values(await countPlatformRows(pool)).every((rows) => rows === 0);
  } finally {
    await pool.end();
  }
}
