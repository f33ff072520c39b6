// createAnalytics(): the package as the main backend uses it, one object over
// one database (and, optionally, a hot standby of it for reads). Reads go
// through a bounded slonik pool with a statement timeout; CSV exports through
// a small node-postgres pool (COPY); both on the standby when one is
// configured and healthy (db/read-routing.ts). Refreshes, migrations and the
// worker always use the primary, through a pool with no statement timeout,
// opened on first use.
import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsync, onRequestHookHandler } from 'fastify';
import type pg from 'pg';
import { createDatabasePool } from './db/pool.ts';
import { createPgPool } from './db/pg-pool.ts';
import { createAdmission } from './db/admission.ts';
import { createReadRouter, type ReadPools } from './db/read-routing.ts';
import { queryFreshness, type FreshnessResponse } from './api/freshness.ts';
import { openMetricCsv, queryMetric, type MetricResponse } from './api/metric-query.ts';
import type { MetricName, MetricRowOf } from './api/metrics.ts';
import { analyticsRoutes, type MetricReader } from './api/plugin.ts';
import { DEFAULT_MAX_RANGE_DAYS, parseMetricRequest, type MetricGroup } from './api/request.ts';
import { migrate, type MigrateResult } from './migrate.ts';
import { backfill, refreshDue, type BackfillOptions, type BatchResult } from './refresh.ts';
import type { RefreshRun } from './scheduler/buckets.ts';
import { startScheduler, type Scheduler, type SchedulerOptions } from './scheduler/scheduler.ts';
import type { CaptureMode } from './capture-mode.ts';
import { adoptReportingTimezone } from './timezone.ts';

export type AnalyticsOptions = {
  readonly databaseUrl: string;
  /** A hot standby of databaseUrl for reports, CSV exports and freshness (DATABASE_READ_URL); without it they read databaseUrl. */
  readonly readDatabaseUrl?: string;
  /** Standby replay lag above which reads go to the primary, in seconds (default 30). */
  readonly maxReplicaLagSeconds?: number;
  /** How often the standby's health is checked, in milliseconds (default 5 s). */
  readonly replicaCheckIntervalMs?: number;
  /** Where a line goes when reads switch between standby and primary (default: standard error). */
  readonly log?: (line: string) => void;
  /** Concurrent report queries (default 10); more wait up to connectionTimeoutMs, then fail with BusyError (HTTP 503). */
  readonly poolSize?: number;
  /** Concurrent CSV exports (default 2). */
  readonly exportPoolSize?: number;
  /** Longest a report query or export may run, in milliseconds (default 15 s). */
  readonly statementTimeoutMs?: number;
  /** Longest a query waits for a free connection, in milliseconds (default 5 s). */
  readonly connectionTimeoutMs?: number;
  /** Longest allowed startDate..endDate, in days (default 1098). */
  readonly maxRangeDays?: number;
  /** The reporting zone the host expects (IANA): chosen by the first migrate or refresh, refused when the database's differs. Default: the database's. */
  readonly timezone?: string;
  /** How platform changes are captured (ANALYTICS_CAPTURE): migrate() switches the database to it. Default: the database's mode (triggers on a first install). */
  readonly capture?: CaptureMode;
};

/** The query parameters of a metric, as the HTTP endpoint takes them (format aside). */
export type MetricQuery<G extends MetricGroup, M extends MetricName<G>> = {
  readonly metric: M;
  readonly startDate: string;
  readonly endDate: string;
  readonly granularity?: 'day' | 'week' | 'month';
  readonly userId?: string;
  readonly scenarioId?: string;
  readonly difficultyLevel?: string;
  readonly limit?: number;
};

export type Analytics = {
  /** Applies pending migrations (idempotent). */
  migrate(): Promise<MigrateResult>;
  /** Refreshes every due bucket now, what one scheduler tick does. */
  refresh(): Promise<BatchResult[]>;
  /** Recomputes a range of days in chunks of months (resumable). */
  backfill(options: BackfillOptions): Promise<RefreshRun[]>;
  /** One metric's rows, validated and typed; throws InvalidParameter for a bad query. */
  query<G extends MetricGroup, M extends MetricName<G>>(group: G, query: MetricQuery<G, M>): Promise<MetricResponse<MetricRowOf<G, M>>>;
  /** The same rows as CSV (header row, formula-safe text) written into any writable. */
  exportCsv<G extends MetricGroup, M extends MetricName<G>>(group: G, query: MetricQuery<G, M>, destination: Writable): Promise<void>;
  /** How current every metric is. */
  freshness(): Promise<FreshnessResponse>;
  /** The admin routes for `app.register(analytics.routes, { prefix, authenticate })`. */
  readonly routes: FastifyPluginAsync<{ readonly authenticate?: onRequestHookHandler }>;
  /** Starts the pg-boss refresh worker on this database. */
  startScheduler(options: Omit<SchedulerOptions, 'databaseUrl' | 'pool'>): Promise<Scheduler>;
  /** Closes every pool (stop schedulers first). */
  close(): Promise<void>;
};

export async function createAnalytics(options: AnalyticsOptions): Promise<Analytics> {
  const statementTimeoutMs = options.statementTimeoutMs ?? 15_000;
  const connectionTimeoutMs = options.connectionTimeoutMs ?? 5_000;
  const maxRangeDays = options.maxRangeDays ?? DEFAULT_MAX_RANGE_DAYS;
  const readPools = async (source: ReadPools['source'], url: string): Promise<ReadPools> => ({
    source,
    pool: await createDatabasePool(url, {
      maximumPoolSize: options.poolSize ?? 10,
      statementTimeout: statementTimeoutMs,
      connectionTimeout: connectionTimeoutMs,
      // a standby that is down at start is the router's business, not a failure to start
      verifyConnection: source === 'primary',
    }),
    exportPool: createPgPool(url, {
      max: options.exportPoolSize ?? 2,
      applicationName: 'praxis-analytics export',
      statementTimeoutMs,
      connectionTimeoutMs,
    }),
  });
  const primary = await readPools('primary', options.databaseUrl);
  const standby = options.readDatabaseUrl ? await readPools('standby', options.readDatabaseUrl) : undefined;
  const router = await createReadRouter({
    primary,
    primaryUrl: options.databaseUrl,
    standby,
    standbyUrl: options.readDatabaseUrl,
    maxLagSeconds: options.maxReplicaLagSeconds ?? 30,
    checkIntervalMs: options.replicaCheckIntervalMs ?? 5_000,
    log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
  });
  // slonik would queue a query for a free connection with no time limit
  const admit = createAdmission(options.poolSize ?? 10, connectionTimeoutMs);
  const reader: MetricReader = {
    query: (request) => admit(() => router.read(({ pool }) => queryMetric(pool, request))),
    freshness: () => admit(() => router.read(async ({ pool, source }) =>
      ({ ...(await queryFreshness(pool)), readsFrom: source, replayLagSeconds: router.status().replayLagSeconds }))),
    openCsv: (request) => router.read(({ exportPool }) => openMetricCsv(exportPool, request)),
  };
  let refreshPool: pg.Pool | undefined;
  const refreshing = () => (refreshPool ??= createPgPool(options.databaseUrl, { max: 1, applicationName: 'praxis-analytics refresh' }));
  const request = (group: MetricGroup, query: object) =>
    parseMetricRequest(group, { ...query, format: 'json' }, maxRangeDays);

  return {
    migrate: () => migrate({ databaseUrl: options.databaseUrl, timezone: options.timezone, capture: options.capture }),
    refresh: async () => {
      await adoptReportingTimezone(refreshing(), options.timezone);
      return refreshDue(refreshing(), { worker: 'library' });
    },
    backfill: async (backfillOptions) => {
      await adoptReportingTimezone(refreshing(), options.timezone);
      return backfill(refreshing(), backfillOptions);
    },
    query: async (group, query) => (await reader.query(request(group, query))) as never,
    exportCsv: async (group, query, destination) => pipeline(await reader.openCsv(request(group, query)), destination),
    freshness: () => reader.freshness(),
    // called by the host's app.register(), so it runs in the context (and
    // under the prefix) the host gave it
    routes: (app, routeOptions) => analyticsRoutes(app, { reader, maxRangeDays, ...routeOptions }),
    startScheduler: (schedulerOptions) =>
      startScheduler({ ...(options.timezone ? { timezone: options.timezone } : {}), ...schedulerOptions, databaseUrl: options.databaseUrl }),
    close: async () => {
      await router.close();
      await Promise.all([primary, standby].flatMap((pools) => (pools ? [pools.pool.end(), pools.exportPool.end()] : [])));
      await refreshPool?.end();
    },
  };
}
