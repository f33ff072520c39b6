// Installs the package, or upgrades it. A database without it gets the
// current definitions (sql/install.sql); one installed by an earlier release
// gets the released migrations it lacks (migrations/, node-pg-migrate), as
// does any explicit count. The SQL is in the files; this module orders and
// applies them so that a busy primary survives it:
// - the server version and the source contract are checked before anything
//   changes;
// - the indexes the package adds to platform tables are built CONCURRENTLY
//   beforehand, outside any transaction (writers go on meanwhile), so the
//   migrations themselves find them and build nothing;
// - every migration statement runs under lock_timeout: DDL on a platform
//   table (CREATE/DROP TRIGGER) that waits for a long transaction would make
//   every later writer queue behind it. After the timeout the whole
//   migration rolls back and is retried a few times, then fails on one line
//   naming the table it waited for and who held it.
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { runner } from 'node-pg-migrate';
import { findContractProblems } from './contract.ts';
import { installSteps } from './install-script.ts';
import { createDatabasePool } from './db/pool.ts';
import { PgErrorCode, toConnectionError } from './db/connection-errors.ts';
import { describeLockWait, watchLockWaits } from './db/lock-wait.ts';
import { assertSupportedServer } from './db/server-version.ts';
import { ContractError, StateError } from './errors.ts';
import { pendingDays, type PendingDays } from './pending-days.ts';
import { adoptReportingTimezone } from './timezone.ts';
import { applyCaptureMode, type CaptureMode, settleLogicalCapture } from './capture-mode.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
export const MIGRATIONS_SCHEMA = 'analytics';
export const MIGRATIONS_TABLE = 'schema_migrations';

/** How long one statement may wait for a lock, and how often a migration that timed out is tried again. */
export const DEFAULT_LOCK_TIMEOUT_MS = 5_000;
export const DEFAULT_LOCK_RETRIES = 3;

// The indexes the package adds to the platform, each also created, IF NOT
// EXISTS, by a frozen migration (sessions: 0002, users: 0013), which then
// finds it.
const PLATFORM_INDEXES = [
  { name: 'analytics_sessions_started_at_idx', table: 'sessions', column: 'started_at' },
  { name: 'analytics_users_created_at_idx', table: 'users', column: 'created_at' },
] as const;

export type MigrateOptions = {
  readonly databaseUrl: string;
  readonly direction?: 'up' | 'down';
  /** How many migrations to apply or revert; default: all pending (up) or one (down). */
  readonly count?: number;
  /** The configured reporting zone (ANALYTICS_TIMEZONE): chosen at the first migrate, else it must match the stored one. */
  readonly timezone?: string | undefined;
  /** How changes are captured (ANALYTICS_CAPTURE): the database is switched to it; default: keep the database's mode (triggers on a first install). */
  readonly capture?: CaptureMode | undefined;
  /** Milliseconds any statement waits for a lock before the attempt is abandoned; default 5 s. */
  readonly lockTimeoutMs?: number;
  /** Attempts after the first one that timed out on a lock; default 3. */
  readonly lockRetries?: number;
  readonly log?: (line: string) => void;
};

export type MigrateResult = {
  readonly direction: 'up' | 'down';
  readonly applied: readonly string[];
  /** After `up`: the days a refresh has yet to store (null after `down`, or before migration 0014). */
  readonly pending: PendingDays | null;
};

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const direction = options.direction ?? 'up';
  const log = options.log ?? (() => {});
  const lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  const attempts = (options.lockRetries ?? DEFAULT_LOCK_RETRIES) + 1;
  if (direction === 'up') await assertContract(options.databaseUrl);

  const client = new pg.Client({ connectionString: options.databaseUrl, application_name: 'praxis-analytics migrate' });
  try {
    await client.connect();
    await assertSupportedServer(client);
    await takeMigrateLock(client, log);
    await client.query(`select pg_catalog.set_config('lock_timeout', $1, false)`, [`${lockTimeoutMs}ms`]);
    const retrying = <T>(attempt: () => Promise<T>) => withLockRetries(client, options.databaseUrl, lockTimeoutMs, attempts, log, attempt);
    if (direction === 'up') {
      for (const index of PLATFORM_INDEXES) await retrying(() => buildPlatformIndex(client, index, log));
      // an upgrade refuses a mismatched zone before it changes anything
      if (options.timezone !== undefined && (await hasTimezoneState(client))) await adoptReportingTimezone(client, options.timezone);
    }
    const history = (fake: boolean) =>
      runner({
        dbClient: client,
        dir: MIGRATIONS_DIR,
        direction,
        count: options.count ?? (direction === 'up' ? Number.POSITIVE_INFINITY : 1),
        migrationsSchema: MIGRATIONS_SCHEMA,
        createMigrationsSchema: true,
        migrationsTable: MIGRATIONS_TABLE,
        noLock: true,
        checkOrder: true,
        singleTransaction: true,
        fake,
        // its own note on a rollback is ours to explain (withLockRetries)
        logger: { debug: () => {}, info: () => {}, warn: (line) => line.startsWith('> Rolling back') || log(line), error: () => {} },
      });
    const fresh = direction === 'up' && options.count === undefined && (await isUninstalled(client));
    const ran = await retrying(async () => {
      if (fresh) return installCurrent(client, () => history(true), log);
      if (direction === 'down') await settleLogicalCapture(client);
      return history(false);
    });
    // only a configured zone is chosen here: the first refresh confirms the default
    if (direction === 'up' && options.timezone !== undefined) await adoptReportingTimezone(client, options.timezone);
    if (direction === 'up') await retrying(() => applyCaptureMode(client, options.capture, log));
    const pending = direction === 'up' ? await pendingDays(client) : null;
    return { direction, applied: ran.map((migration) => migration.name), pending };
  } catch (error) {
    throw toConnectionError(error, options.databaseUrl) ?? dependentObjectsError(error) ?? error;
  } finally {
    await client.end().catch(() => {});
  }
}

/**
 * Our own session lock: a second migrate started at the same time waits for
 * the first, then finds nothing to do. Polled rather than waited for in one
 * statement: a waiting statement is an open transaction, and the first
 * migrate's CREATE INDEX CONCURRENTLY waits for every open transaction to
 * end, which would deadlock the two.
 */
async function takeMigrateLock(client: pg.Client, log: (line: string) => void): Promise<void> {
  for (let waited = 0; ; waited++) {
    const { rows } = await client.query<{ locked: boolean }>(
      `select pg_catalog.pg_try_advisory_lock(pg_catalog.hashtext('analytics.migrate')) as locked`,
    );
    if (rows[0]!.locked) return;
    if (waited === 0) log('migrate: another migrate is running; waiting for it to finish');
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs `attempt` until it does not time out on a lock, at most `attempts` times, watching what it waits for. */
async function withLockRetries<T>(
  client: pg.Client,
  databaseUrl: string,
  lockTimeoutMs: number,
  attempts: number,
  log: (line: string) => void,
  attempt: () => Promise<T>,
): Promise<T> {
  const pid = (await client.query<{ pid: number }>('select pg_catalog.pg_backend_pid() as pid')).rows[0]!.pid;
  for (let tried = 1; ; tried++) {
    const watcher = await watchLockWaits(databaseUrl, pid);
    try {
      return await attempt();
    } catch (error) {
      if ((error as { code?: string }).code !== PgErrorCode.lockNotAvailable) throw error;
      const waited = describeLockWait(watcher.lastWait());
      if (tried >= attempts) {
        throw new StateError(
          `migrate: gave up after ${attempts === 1 ? '1 attempt,' : `${attempts} attempts, each`} waiting ${lockTimeoutMs} ms (lock_timeout) for ${waited}; ` +
            'nothing was changed: retry when that transaction has ended, or allow a longer wait with ANALYTICS_LOCK_TIMEOUT',
          { cause: error },
        );
      }
      const pause = 1_000 * 2 ** (tried - 1);
      log(`migrate: attempt ${tried} of ${attempts} waited ${lockTimeoutMs} ms for ${waited}; rolled back, retrying in ${pause / 1000} s`);
      await new Promise((resolve) => setTimeout(resolve, pause));
    } finally {
      await watcher.stop();
    }
  }
}

/**
 * CREATE INDEX CONCURRENTLY, outside any transaction, when the platform has
 * the table but not the index. A build that failed before (timed out,
 * cancelled) leaves an INVALID index behind: dropped concurrently, rebuilt.
 */
async function buildPlatformIndex(
  client: pg.Client,
  { name, table, column }: (typeof PLATFORM_INDEXES)[number],
  log: (line: string) => void,
): Promise<void> {
  const { rows } = await client.query<{ present: boolean; valid: boolean | null }>(
    `select pg_catalog.to_regclass($1) is not null as present,
            (select i.indisvalid from pg_catalog.pg_index i
             where i.indexrelid = pg_catalog.to_regclass($2)) as valid`,
    [`public.${table}`, `public.${name}`],
  );
  const state = rows[0]!;
  if (!state.present || state.valid === true) return;
  if (state.valid === false) {
    log(`migrate: dropping the invalid index public.${name} left by an interrupted build`);
    await client.query(`drop index concurrently if exists public.${name}`);
  }
  log(`migrate: building index public.${name} concurrently (writers are not blocked)`);
  await client.query(`create index concurrently if not exists ${name} on public.${table} (${column})`);
}

/** No migration recorded yet (node-pg-migrate's table absent or empty): nothing of the package is there. */
async function isUninstalled(client: pg.Client): Promise<boolean> {
  const table = `${MIGRATIONS_SCHEMA}.${MIGRATIONS_TABLE}`;
  const { rows } = await client.query<{ absent: boolean }>(`select pg_catalog.to_regclass($1) is null as absent`, [table]);
  if (rows[0]!.absent) return true;
  const recorded = await client.query<{ empty: boolean }>(`select not exists (select from ${table}) as empty`);
  return recorded.rows[0]!.empty;
}

/**
 * A fresh install: the current definitions (sql/install.sql), not the
 * history that led to them, in one transaction with node-pg-migrate's record
 * of every released migration as applied, so that later releases upgrade it
 * like any other. The upgrade-path tests hold both roads to the same catalog.
 */
async function installCurrent<T>(client: pg.Client, recordHistory: () => Promise<T>, log: (line: string) => void): Promise<T> {
  await client.query('begin');
  try {
    const recorded = await recordHistory();
    for (const step of installSteps()) await client.query(step.text);
    await client.query('commit');
    log('migrate: installed the current definitions of sql/install.sql, and recorded every migration as applied');
    return recorded;
  } catch (error) {
    await client.query('rollback');
    throw error;
  }
}

/**
 * No migration drops with CASCADE (test/upgrade-dba-views.test.ts holds
 * them to it): where a DBA's own view reads a relation that a migration must
 * drop, PostgreSQL refuses, the migration rolls back, and this says what to
 * do rather than dropping the view.
 */
function dependentObjectsError(error: unknown): StateError | undefined {
  const { code, detail } = error as { code?: string; detail?: string };
  if (code !== PgErrorCode.dependentObjectsStillExist) return undefined;
  const dependents = (detail ?? '').split('\n').filter(Boolean).join('; ');
  return new StateError(
    `migrate: objects of yours read what this migration drops (${dependents}): the package never drops objects of yours; ` +
      'drop them, migrate, and create them again. Nothing was changed',
    { cause: error },
  );
}

async function hasTimezoneState(client: pg.Client): Promise<boolean> {
  const { rows } = await client.query<{ present: boolean }>(
    `select pg_catalog.to_regprocedure('analytics.adopt_reporting_timezone(text)') is not null as present`,
  );
  return rows[0]!.present;
}

async function assertContract(databaseUrl: string): Promise<void> {
  const pool = await createDatabasePool(databaseUrl, { maximumPoolSize: 1 });
  try {
    const problems = await findContractProblems(pool);
    if (problems.length > 0) throw new ContractError(problems);
  } finally {
    await pool.end();
  }
}
