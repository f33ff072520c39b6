// The refresh worker: pg-boss queues and cron schedules around the SQL in
// sql/scheduler/. How a bucket is refreshed exactly once:
// - a tick (cron, start, or tick()) asks analytics.due_buckets() what is due
//   and sends one job per bucket, keyed `daily:2026-11-27`, to a `stately`
//   queue: one queued and one active job per key at most, however many
//   workers tick at once;
// - a job runs analytics.refresh_buckets(), which takes the refresh lock,
//   re-reads freshness under it and recomputes only what is still stale, in
//   one transaction: a duplicate, retried or overtaken job finds its bucket
//   fresh and does nothing; a crash rolls back and the job is retried.
// Our own record (what is stored, what is invalidated) decides what is due,
// not pg-boss's schedule history, so missed ticks are caught up on the next.
import { hostname } from 'node:os';
import type pg from 'pg';
import { PgBoss, type Job } from 'pg-boss';
import { z } from 'zod';
import { createPgPool } from '../db/pg-pool.ts';
import { describeTarget } from '../db/connection-errors.ts';
import { AnalyticsError, ConfigError } from '../errors.ts';
import { describeBatch, describeRun } from '../refresh.ts';
import { adoptReportingTimezone, reportingZone } from '../timezone.ts';
import { startCaptureConsumer } from './capture-consumer.ts';
import {
  bucketKey,
  dueBuckets,
  GRANULARITIES,
  recordRefreshFailure,
  refreshBuckets,
  type DueBucket,
  type Granularity,
} from './buckets.ts';

export const TICK_QUEUE = 'analytics-tick';
export const DEAD_LETTER_QUEUE = 'analytics-refresh-failed';
export const refreshQueue = (granularity: Granularity): string => `analytics-refresh-${granularity}`;

/** Cron expressions (in the reporting zone) that trigger a tick. */
export const DEFAULT_SCHEDULES = {
  // shortly after local midnight: yesterday is over
  daily: '10 0 * * *',
  // Monday: last week is over
  weekly: '20 0 * * 1',
  // the 1st: last month is over
  monthly: '30 0 1 * *',
  // late feedback and other changes to past days, within the hour
  hourly: '40 * * * *',
} as const;
export type ScheduleName = keyof typeof DEFAULT_SCHEDULES;

const isTimeZone = (name: string): boolean => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
};

const SchedulerOptionsSchema = z.object({
  // the database's zone is used; a configured one must match it (or, on a
  // database that has none chosen yet, becomes it)
  timezone: z.string().refine(isTimeZone, 'must be an IANA time zone name such as UTC or Australia/Sydney').optional(),
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a lower-case SQL identifier (letters, digits, _)')
    .default('analytics_jobs'),
  name: z.string().min(1).default(`${hostname()}:${process.pid}`),
  schedules: z
    .object({
      daily: z.string().nullable(),
      weekly: z.string().nullable(),
      monthly: z.string().nullable(),
      hourly: z.string().nullable(),
    })
    .partial()
    .strict()
    .default({}),
  retryLimit: z.number().int().min(0).max(100).default(5),
  retryDelaySeconds: z.number().int().min(1).default(30),
  heartbeatSeconds: z.number().int().min(10).default(30),
  expireInSeconds: z.number().int().min(1).default(4 * 60 * 60),
  pollingIntervalSeconds: z.number().min(0.5).default(2),
  superviseIntervalSeconds: z.number().int().min(1).default(60),
  poolSize: z.number().int().min(2).max(100).default(5),
  // logical capture: how often the slot is drained into the invalidation log
  captureIntervalSeconds: z.number().min(0.05).max(60).default(0.5),
});

export type SchedulerOptions = z.input<typeof SchedulerOptionsSchema> & {
  /** The database, as a URL (the scheduler opens and closes its own pool) … */
  readonly databaseUrl?: string;
  /** … or a node-postgres pool the caller owns (kept open by stop()). Give exactly one. */
  readonly pool?: pg.Pool;
  /** One line per event; default: console.log with an ISO timestamp. */
  readonly log?: (line: string) => void;
  /** Gives up waiting for the database at start. */
  readonly signal?: AbortSignal;
};

export type Scheduler = {
  /** The worker's name, as logged in analytics.refresh_runs.worker. */
  readonly name: string;
  /** Enqueues every due bucket now (what cron does) and returns them. */
  tick(): Promise<DueBucket[]>;
  /** Stops taking jobs, lets the running one finish (or releases it after 30 s), closes what it opened. */
  stop(): Promise<void>;
};

type BucketJob = { bucket: string };

/**
 * Starts a refresh worker. Bad options throw a ConfigError at once; an
 * unreachable database is retried with backoff (logged) until it answers or
 * `signal` aborts.
 */
export async function startScheduler(options: SchedulerOptions): Promise<Scheduler> {
  const parsed = SchedulerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`scheduler option ${issue?.path.join('.') || '?'}: ${issue?.message ?? 'is invalid'}`);
  }
  const settings = parsed.data;
  if ((options.databaseUrl === undefined) === (options.pool === undefined)) {
    throw new ConfigError('scheduler: give either databaseUrl or pool, not both or neither');
  }
  const log = options.log ?? ((line: string) => console.log(`${new Date().toISOString()} ${line}`));
  const schedules = { ...DEFAULT_SCHEDULES, ...settings.schedules };
  const pool =
    options.pool ??
    createPgPool(options.databaseUrl ?? '', {
      max: settings.poolSize,
      applicationName: `praxis-analytics worker ${settings.name}`,
      // Once a stop was asked for, the database may be going down with us
      // (the demo's embedded server stops on the same Ctrl-C): not news.
      onIdleError: (error) => {
        if (!options.signal?.aborted) log(`worker: lost an idle database connection (${error.message}); reconnecting on next use`);
      },
    });
  const target = options.databaseUrl ? describeTarget(options.databaseUrl) : 'the given pool';

  const boss = new PgBoss({
    db: { executeSql: (text, values) => pool.query(text, values) },
    schema: settings.schema,
    superviseIntervalSeconds: settings.superviseIntervalSeconds,
    monitorIntervalSeconds: settings.superviseIntervalSeconds,
    instanceName: settings.name,
  });
  for (const [name, cron] of Object.entries(schedules)) {
    if (cron === null) continue;
    try {
      boss.previewSchedule(cron, { tz: settings.timezone ?? 'UTC', count: 1 });
    } catch (error) {
      throw new ConfigError(`schedule ${name} "${cron}": not a valid cron expression (${(error as Error).message})`);
    }
  }
  // pg-boss reports background failures (polling, maintenance) as events.
  boss.on('error', (error: Error) => log(`worker: pg-boss: ${oneLine(error)}`));

  await startWithBackoff(boss, target, log, options.signal);
  let zone: string;
  try {
    zone = await adoptReportingTimezone(pool, settings.timezone);
    await declareQueues(boss, settings);
    await reconcileSchedules(boss, schedules, zone, log);
  } catch (error) {
    await boss.stop({ graceful: false, close: false });
    if (!options.pool) await pool.end();
    throw error;
  }

  const tick = async (): Promise<DueBucket[]> => {
    // `praxis-analytics timezone set` may have changed the zone: the cron
    // schedules follow it (what is due is decided in SQL, in the new zone)
    const stored = await reportingZone(pool);
    if (stored !== zone) {
      log(`worker: the reporting time zone changed from ${zone} to ${stored}; schedules follow it`);
      await reconcileSchedules(boss, schedules, stored, log);
      zone = stored;
    }
    const due = await dueBuckets(pool);
    // oldest first; the queue policy drops a key that is already queued
    for (const bucket of due) {
      await boss.send(refreshQueue(bucket.granularity), { bucket: bucket.bucket_start } satisfies BucketJob, {
        singletonKey: bucketKey(bucket.granularity, bucket.bucket_start),
      });
    }
    if (due.length > 0) log(`worker: tick enqueued ${due.length} due bucket(s), oldest ${bucketKey(due[0]!.granularity, due[0]!.bucket_start)}`);
    return due;
  };

  const workOptions = { pollingIntervalSeconds: settings.pollingIntervalSeconds };
  await boss.work(TICK_QUEUE, workOptions, async () => {
    await tick();
  });
  for (const granularity of GRANULARITIES) {
    await boss.work<BucketJob>(
      refreshQueue(granularity),
      // a month of days in one transaction when catching up
      { ...workOptions, batchSize: granularity === 'day' ? 31 : 1 },
      (jobs) => runBucketJobs(jobs, granularity),
    );
  }

  async function runBucketJobs(jobs: Job<BucketJob>[], granularity: Granularity): Promise<void> {
    const starts = [...new Set(jobs.map((job) => job.data.bucket))].sort();
    const batch = describeBatch({ granularity, starts });
    const startedAt = new Date();
    try {
      const run = await refreshBuckets(pool, granularity, starts, { worker: settings.name });
      log(`worker: ${batch}: ${describeRun(run)}`);
    } catch (error) {
      const attempt = Math.max(...jobs.map((job) => job.retryCount)) + 1;
      const attempts = settings.retryLimit + 1;
      const next = attempt < attempts ? 'will retry' : `giving up, moved to ${DEAD_LETTER_QUEUE}`;
      // recorded first: once the line is logged, refresh_status shows it
      await recordRefreshFailure(pool, granularity, starts, startedAt, oneLine(error), settings.name).catch(() => {});
      log(`worker: ${batch} failed (attempt ${attempt} of ${attempts}, ${next}): ${oneLine(error)}`);
      throw error;
    }
  }

  await boss.send(TICK_QUEUE, { reason: 'start' });
  const capture = startCaptureConsumer(pool, {
    intervalMs: settings.captureIntervalSeconds * 1000,
    idleMs: 10_000,
    batchChanges: 20_000,
    log,
  });
  log(`worker: ${settings.name} started (schema ${settings.schema}, zone ${zone})`);

  let stopping: Promise<void> | undefined;
  return {
    name: settings.name,
    tick,
    stop: () => {
      stopping ??= (async () => {
        await capture.stop();
        await boss.stop({ graceful: true, timeout: 30_000, close: false });
        if (!options.pool) await pool.end();
        log(`worker: ${settings.name} stopped`);
      })();
      return stopping;
    },
  };
}

async function declareQueues(boss: PgBoss, settings: z.infer<typeof SchedulerOptionsSchema>): Promise<void> {
  await boss.createQueue(DEAD_LETTER_QUEUE, { retentionSeconds: 14 * 24 * 3600 });
  // One tick at a time (stately): a tick orphaned by a killed worker would
  // hold the next ones back until it expired. With a heartbeat it is failed
  // once the heartbeat is missed and the next tick runs (heartbeatSeconds,
  // 30 s by default). updateQueue: createQueue leaves an existing queue as it is.
  const tick = { policy: 'stately', retryLimit: 3, retryDelay: 10, retryBackoff: true, heartbeatSeconds: settings.heartbeatSeconds } as const;
  await boss.createQueue(TICK_QUEUE, tick);
  await boss.updateQueue(TICK_QUEUE, { heartbeatSeconds: tick.heartbeatSeconds });
  // what updateQueue can change on an existing queue (createQueue leaves one as it is)
  const updatable = {
    retryLimit: settings.retryLimit,
    retryDelay: settings.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: settings.expireInSeconds,
  };
  for (const granularity of GRANULARITIES) {
    const name = refreshQueue(granularity);
    await boss.createQueue(name, {
      ...updatable,
      policy: 'stately',
      retryDelayMax: 3600,
      heartbeatSeconds: settings.heartbeatSeconds,
      deadLetter: DEAD_LETTER_QUEUE,
    });
    await boss.updateQueue(name, updatable);
  }
}

/** Schedules are declared in code: add or change ours, remove any other in the schema. */
async function reconcileSchedules(
  boss: PgBoss,
  schedules: Record<string, string | null>,
  timezone: string,
  log: (line: string) => void,
): Promise<void> {
  const wanted = Object.entries(schedules).filter((entry): entry is [string, string] => entry[1] !== null);
  for (const [key, cron] of wanted) {
    await boss.schedule(TICK_QUEUE, cron, { reason: key }, { tz: timezone, key });
  }
  for (const existing of await boss.getSchedules()) {
    if (existing.name === TICK_QUEUE && wanted.some(([key]) => key === existing.key)) continue;
    await boss.unschedule(existing.name, existing.key);
    log(`worker: removed schedule ${existing.name}/${existing.key} (${existing.cron}): no longer declared`);
  }
}

/** pg-boss start, retried while the database is unreachable: 1 s, doubling to 30 s. */
async function startWithBackoff(
  boss: PgBoss,
  target: string,
  log: (line: string) => void,
  signal: AbortSignal | undefined,
): Promise<void> {
  for (let delay = 1_000; ; delay = Math.min(delay * 2, 30_000)) {
    try {
      await boss.start();
      return;
    } catch (error) {
      if (signal?.aborted) throw error;
      log(`worker: cannot start against ${target} (${oneLine(error)}); retrying in ${delay / 1000} s`);
      await sleep(delay, signal);
      if (signal?.aborted) throw new AnalyticsError(`worker: stopped while waiting for ${target}`);
    }
  }
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}
