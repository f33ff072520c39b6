// The package's public surface for the main backend. Re-exports only.
export { readConfig, type Config } from './config.ts';
export { AnalyticsError, BusyError, ConfigError, ContractError, DatabaseUnavailableError, StateError } from './errors.ts';
export { createDatabasePool, type DatabasePool, type PoolOptions } from './db/pool.ts';
export { findContractProblems, SOURCE_CONTRACT, OPTIONAL_CONTRACT, SOURCE_SCHEMA } from './contract.ts';
export { migrate, type MigrateOptions, type MigrateResult } from './migrate.ts';
export { CAPTURE_MODES, type CaptureMode } from './capture-mode.ts';
export type { PendingDays } from './pending-days.ts';
export { seed, type SeedOptions, type SeedResult } from './seed.ts';
export { backfill, refreshDue, type BackfillOptions, type BatchResult } from './refresh.ts';
export { createPgPool, connectPgPool } from './db/pg-pool.ts';
export { createAnalytics, type Analytics, type AnalyticsOptions, type MetricQuery } from './analytics.ts';
export { startServer, API_PREFIX, type AnalyticsServer, type ServerOptions } from './api/server.ts';
export { analyticsRoutes, type AnalyticsRoutesOptions, type ErrorBody, type MetricReader } from './api/plugin.ts';
export { bearerAuth } from './api/bearer-auth.ts';
export { queryMetric, openMetricCsv, type MetricResponse, type MetricRow } from './api/metric-query.ts';
export { METRIC_DEFINITIONS, type MetricName, type MetricRowOf } from './api/metrics.ts';
export { queryFreshness, type FreshnessResponse, type FreshnessRow } from './api/freshness.ts';
export { openApiDocument } from './api/openapi.ts';
export { adoptReportingTimezone, changeReportingTimezone, storedTimezone, type StoredTimezone } from './timezone.ts';
export {
  dueBuckets,
  refreshBuckets,
  type DueBucket,
  type Granularity,
  type RefreshRun,
} from './scheduler/buckets.ts';
export { startScheduler, DEFAULT_SCHEDULES, type Scheduler, type SchedulerOptions } from './scheduler/scheduler.ts';
export { verify, storedSpan, type Difference } from './verify.ts';
export { summarizeDatabase, countPlatformRows, type DatabaseSummary, type PlatformCounts } from './summary.ts';
export {
  parseMetricRequest,
  metricQuerySchema,
  InvalidParameter,
  UnknownUser,
  METRICS,
  DEFAULT_MAX_RANGE_DAYS,
  type MetricRequest,
  type MetricGroup,
} from './api/request.ts';
