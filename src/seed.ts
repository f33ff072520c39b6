// Loads deterministic demo/benchmark data into the reference platform schema
// by running the SQL generator in sql/seed/ (the logic lives there; this
// module sets its parameters, splits the session step across connections,
// and adds the keys and indexes once the data is in).
import { availableParallelism } from 'node:os';
import type pg from 'pg';
import { createDatabasePool } from './db/pool.ts';
import { runSqlFile, withPgClient } from './db/sql-file.ts';
import { StateError } from './errors.ts';
import { countPlatformRows, type PlatformCounts } from './summary.ts';

export type SeedOptions = {
  readonly databaseUrl: string;
  readonly users: number;
  readonly days: number;
  readonly seed: number;
  /** The data's "now": the last instant with activity. */
  readonly endAt: Date;
  readonly sessionsPerUser: number;
  /** Connections that generate sessions at once (default: one per core). */
  readonly shards?: number;
};

export type SeedResult = {
  readonly counts: PlatformCounts;
  readonly loadSeconds: number;
  readonly constraintSeconds: number;
};

export async function seed(options: SeedOptions): Promise<SeedResult> {
  const { databaseUrl } = options;
  const shards = options.shards ?? Math.max(1, availableParallelism());
  const started = performance.now();

  await withPgClient(databaseUrl, (client) => runSqlFile(client, 'platform/reference-schema.sql'));
  const pool = await createDatabasePool(databaseUrl, { maximumPoolSize: 1 });
  try {
    const before = await countPlatformRows(pool);
    const nonEmpty = Object.entries(before).find(([, rows]) => rows > 0);
    if (nonEmpty) {
      throw new StateError(
        `the database already has platform data (public.${nonEmpty[0]} has ${nonEmpty[1]} rows); seed only loads into empty reference tables`,
      );
    }
  } finally {
    await pool.end();
  }

  await withPgClient(databaseUrl, async (client) => {
    await setParameters(client, {
      users: options.users,
      days: options.days,
      seed: options.seed,
      end_at: options.endAt.toISOString(),
      sessions_per_user: options.sessionsPerUser,
    });
    await runSqlFile(client, 'seed/1-prepare.sql');
  });

  try {
    await Promise.all(
      Array.from({ length: shards }, (_, shard) =>
        withPgClient(databaseUrl, async (client) => {
          await setParameters(client, { shard_count: shards, shard });
          await runSqlFile(client, 'seed/2-sessions.sql');
        }),
      ),
    );
    await withPgClient(databaseUrl, (client) => runSqlFile(client, 'seed/3-subscriptions.sql'));
  } finally {
    await withPgClient(databaseUrl, (client) => client.query('drop schema if exists praxis_seed cascade'));
  }
  const loaded = performance.now();

  await withPgClient(databaseUrl, async (client) => {
    await client.query(`set maintenance_work_mem = '1GB'`);
    await runSqlFile(client, 'platform/reference-constraints.sql');
    await client.query('analyze public.users, public.scenarios, public.sessions, public.feedback_reports, public.subscriptions');
  });
  const constrained = performance.now();

  const after = await createDatabasePool(databaseUrl, { maximumPoolSize: 1 });
  try {
    return {
      counts: await countPlatformRows(after),
      loadSeconds: (loaded - started) / 1000,
      constraintSeconds: (constrained - loaded) / 1000,
    };
  } finally {
    await after.end();
  }
}

async function setParameters(client: pg.Client, parameters: Record<string, string | number>): Promise<void> {
  for (const [name, value] of Object.entries(parameters)) {
    await client.query('select set_config($1, $2, false)', [`praxis_seed.${name}`, String(value)]);
  }
}
