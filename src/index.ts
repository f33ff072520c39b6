// The package's public surface for the main backend. Re-exports only.
export { readConfig, type Config } from './config.ts';
export { AnalyticsError, ConfigError, ContractError, DatabaseUnavailableError, StateError } from './errors.ts';
export { createDatabasePool, type DatabasePool, type PoolOptions } from './db/pool.ts';
export { findContractProblems, SOURCE_CONTRACT, OPTIONAL_CONTRACT, SOURCE_SCHEMA } from './contract.ts';
export { migrate, type MigrateOptions, type MigrateResult } from './migrate.ts';
export { seed, type SeedOptions, type SeedResult } from './seed.ts';
export { refresh, applyTimezone, type RefreshOptions, type RefreshSummary } from './refresh.ts';
export { verify, storedSpan, type Difference } from './verify.ts';
export { summarizeDatabase, countPlatformRows, type DatabaseSummary, type PlatformCounts } from './summary.ts';
