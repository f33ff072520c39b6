// Applies the SQL migrations in migrations/ with node-pg-migrate. The SQL is
// in the files; this module only orders and applies them, after checking the
// source contract so a wrong database is refused before anything changes.
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import { findContractProblems } from './contract.ts';
import { createDatabasePool } from './db/pool.ts';
import { toConnectionError } from './db/connection-errors.ts';
import { ContractError } from './errors.ts';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations', import.meta.url));
export const MIGRATIONS_SCHEMA = 'analytics';
export const MIGRATIONS_TABLE = 'schema_migrations';

export type MigrateOptions = {
  readonly databaseUrl: string;
  readonly direction?: 'up' | 'down';
  /** How many migrations to apply or revert; default: all pending (up) or one (down). */
  readonly count?: number;
  readonly log?: (line: string) => void;
};

export type MigrateResult = { readonly direction: 'up' | 'down'; readonly applied: readonly string[] };

export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const direction = options.direction ?? 'up';
  if (direction === 'up') await assertContract(options.databaseUrl);
  const log = options.log ?? (() => {});
  try {
    const ran = await runner({
      databaseUrl: options.databaseUrl,
      dir: MIGRATIONS_DIR,
      direction,
      count: options.count ?? (direction === 'up' ? Number.POSITIVE_INFINITY : 1),
      migrationsSchema: MIGRATIONS_SCHEMA,
      createMigrationsSchema: true,
      migrationsTable: MIGRATIONS_TABLE,
      // Two instances starting together: the second waits for the first's
      // advisory lock, then finds nothing left to do.
      advisoryLockMode: 'wait',
      checkOrder: true,
      singleTransaction: true,
      logger: { debug: () => {}, info: () => {}, warn: log, error: () => {} },
    });
    return { direction, applied: ran.map((migration) => migration.name) };
  } catch (error) {
    throw toConnectionError(error, options.databaseUrl) ?? error;
  }
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
