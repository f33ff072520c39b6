// The scheduler's view of the SQL in sql/scheduler/: which
// buckets are due, refreshing a batch of them, logging a failure. The
// decisions (freshness, what to recompute) are made in SQL under the refresh
// lock; this module only calls it and checks the shape of what comes back.
// It runs on a plain `pg` pool because pg-boss shares that pool (see
// scheduler.ts), and the backfill and `refresh` use the same calls.
import type pg from 'pg';
import { z } from 'zod';
import { withPoolClient } from '../db/pg-pool.ts';

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

/** Anything that runs one parameterised statement: a pg.Pool or pg.Client. */
export type Queryable = Pick<pg.Pool, 'query'>;

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

const DueBucket = z.object({
  granularity: z.enum(GRANULARITIES),
  bucket_start: IsoDate,
  bucket_end: IsoDate,
});
export type DueBucket = z.infer<typeof DueBucket>;

const RefreshRun = z.object({
  id: z.coerce.number(),
  granularity: z.enum(GRANULARITIES),
  buckets: z.array(IsoDate),
  stale_buckets: z.array(IsoDate),
  outcome: z.enum(['refreshed', 'fresh']),
  through: IsoDate.nullable(),
  days_recomputed: z.number(),
});
export type RefreshRun = z.infer<typeof RefreshRun>;

/** The job and log name of a bucket, e.g. `daily:2026-11-27`. */
export function bucketKey(granularity: Granularity, start: string): string {
  const prefix = { day: 'daily', week: 'weekly', month: 'monthly' } as const;
  return `${prefix[granularity]}:${start}`;
}

// Dates and date arrays come back as text, so no time zone is ever applied
// to a calendar day on the way. In logical capture mode, what the slot holds
// reaches the log first (its own transaction, waiting for a running
// consumer): a change committed before the question is due in the answer,
// as with the triggers. In trigger mode the call returns at once.
export async function dueBuckets(db: Queryable): Promise<DueBucket[]> {
  await db.query('select analytics.consume_capture(true)');
  const { rows } = await db.query(
    `select granularity, bucket_start::text, bucket_end::text from analytics.due_buckets()`,
  );
  return z.array(DueBucket).parse(rows);
}

export type RefreshBucketsOptions = {
  /** Recorded in analytics.refresh_runs.worker. */
  readonly worker: string;
  /** Recompute every day of the buckets even when they are fresh. */
  readonly force?: boolean;
  /** Milliseconds the refresh waits for a lock on a table (default 5 s); it waits for another refresh however long. */
  readonly lockTimeoutMs?: number;
};

export const DEFAULT_REFRESH_LOCK_TIMEOUT_MS = 5_000;

/**
 * One refresh transaction on a connection of its own. Only the refresh
 * statement is unbounded (a batch can be a whole-history rebuild): every
 * other statement of the pool keeps the limits the DBA set on the role. It
 * waits for the refresh lock (another refresh) as long as that runs, then
 * for any table lock only lock_timeout, so a DBA's ALTER or VACUUM FULL on a
 * table it reads makes it fail and retry later rather than queue.
 */
export async function refreshBuckets(
  db: pg.Pool,
  granularity: Granularity,
  starts: readonly string[],
  options: RefreshBucketsOptions,
): Promise<RefreshRun> {
  return withPoolClient(db, async (client) => {
    try {
      await client.query('begin');
      await client.query(`set local statement_timeout = 0`);
      await client.query(`set local lock_timeout = 0`);
      await client.query(`select pg_catalog.pg_advisory_xact_lock(pg_catalog.hashtext('analytics.refresh'))`);
      await client.query(`select pg_catalog.set_config('lock_timeout', $1, true)`, [`${options.lockTimeoutMs ?? DEFAULT_REFRESH_LOCK_TIMEOUT_MS}ms`]);
      const { rows } = await client.query(
        `select id, granularity, buckets::text[], stale_buckets::text[], outcome, through::text, days_recomputed
         from analytics.refresh_buckets($1, $2::date[], $3, $4)`,
        [granularity, starts, options.worker, options.force ?? false],
      );
      await client.query('commit');
      return RefreshRun.parse(rows[0]);
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    }
  });
}

/** Logs a failed run; its own statement, since the failed one rolled back. */
export async function recordRefreshFailure(
  db: Queryable,
  granularity: Granularity,
  starts: readonly string[],
  startedAt: Date,
  message: string,
  worker: string,
): Promise<void> {
  await db.query(`select analytics.record_refresh_failure($1, $2::date[], $3, $4, $5)`, [
    granularity,
    starts,
    startedAt,
    message,
    worker,
  ]);
}

/** The last local calendar day that is over, in the reporting zone stored in the database. */
export async function localYesterday(db: Queryable): Promise<string> {
  const { rows } = await db.query(
    `select (analytics.local_today() - 1)::text as yesterday`,
  );
  return z.object({ yesterday: IsoDate }).parse(rows[0]).yesterday;
}
