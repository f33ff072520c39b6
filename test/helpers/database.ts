// One database per test file, cloned from a template that test/run.ts built
// once (reference platform schema + keys + every migration), so files run in
// parallel and start in milliseconds.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { sql } from 'slonik';
import type { Test } from 'tap';
import { ensureDatabase } from '../../src/db/create-database.ts';
import { createDatabasePool, type DatabasePool } from '../../src/db/pool.ts';
import { runSqlFile, withPgClient } from '../../src/db/sql-file.ts';
import { migrate } from '../../src/migrate.ts';
import { applyCaptureMode, type CaptureMode } from '../../src/capture-mode.ts';

export type TestDatabase = { readonly url: string; readonly pool: DatabasePool };

/**
 * What the new database starts from:
 * - 'migrated': reference platform tables (empty) and all migrations (default);
 * - 'platform': reference platform tables only, not migrated;
 * - 'empty': nothing at all.
 */
export type Starting = 'migrated' | 'platform' | 'empty';

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the suite with `make test`');
  return url;
}

export async function buildTemplate(serverUrl: string, name: string): Promise<void> {
  await dropDatabase(serverUrl, name);
  const url = await ensureDatabase(serverUrl, name);
  await createPlatformTables(url);
  await migrate({ databaseUrl: url });
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const pool = await createDatabasePool(serverUrl, { maximumPoolSize: 1 });
  try {
    // a database with a replication slot cannot be dropped (logical capture)
    await pool.query(sql.unsafe`
      select pg_terminate_backend(active_pid) from pg_replication_slots where database = ${name} and active_pid is not null`);
    await pool.query(sql.unsafe`
      select pg_drop_replication_slot(slot_name) from pg_replication_slots where database = ${name}`);
    await pool.query(sql.unsafe`drop database if exists ${sql.identifier([name])} with (force)`);
  } finally {
    await pool.end();
  }
}

async function createPlatformTables(url: string): Promise<void> {
  await withPgClient(url, async (client) => {
    await runSqlFile(client, 'platform/reference-schema.sql');
    await runSqlFile(client, 'platform/reference-constraints.sql');
  });
}

export type TestDatabaseOptions = {
  /** "Now" for every connection to the database, the package's included (analytics.clock, an ISO timestamp). */
  readonly clock?: string;
  /** The capture mode of a 'migrated' database (default: PRAXIS_TEST_CAPTURE, else triggers, as installed). */
  readonly capture?: CaptureMode;
};

/**
 * A fresh database for this test (file), dropped at teardown. Set
 * KEEP_FAILED_TEST_DB=1 to keep the database of a failing test for inspection.
 */
export async function createTestDatabase(t: Test, starting: Starting = 'migrated', options: TestDatabaseOptions = {}): Promise<TestDatabase> {
  // tap runs each test file in its own process: name databases after the file
  const file = path.basename(process.argv[1] ?? 'test', '.test.ts').replace(/\W+/g, '_').slice(0, 30);
  const name = `t_${file}_${randomBytes(4).toString('hex')}`.toLowerCase();
  const template = starting === 'migrated' ? process.env.PRAXIS_TEST_TEMPLATE : undefined;
  const url = await ensureDatabase(adminUrl(), name, template);
  if (starting === 'platform') await createPlatformTables(url);
  if (options.clock !== undefined) await setDatabaseClock(name, options.clock);
  const capture = options.capture ?? (process.env.PRAXIS_TEST_CAPTURE === 'logical' ? 'logical' : 'triggers');
  if (starting === 'migrated' && capture === 'logical') await withPgClient(url, (client) => applyCaptureMode(client, 'logical', () => {}));
  const pool = await createDatabasePool(url, { maximumPoolSize: 4 });
  t.teardown(async () => {
    await pool.end();
    if (process.env.KEEP_FAILED_TEST_DB === '1' && !t.passing()) {
      console.error(`kept database ${name} of failing test "${t.name}"`);
      return;
    }
    await dropDatabase(adminUrl(), name);
  });
  return { url, pool };
}

// Set before the test's first connection: a database's settings reach only
// the sessions that start after them.
async function setDatabaseClock(name: string, clock: string): Promise<void> {
  const pool = await createDatabasePool(adminUrl(), { maximumPoolSize: 1 });
  try {
    await pool.query(sql.unsafe`alter database ${sql.identifier([name])} set analytics.clock = ${sql.literalValue(clock)}`);
  } finally {
    await pool.end();
  }
}
