// Refresh without the scheduler: `refresh` (one pass: what one worker tick
// does, run in-process) and `refresh --from --to` (the backfill). Both go
// through analytics.refresh_buckets, like the worker's jobs, so a backfill
// chunk and a scheduled bucket are the same unit of work, logged the same way
// in analytics.refresh_runs.
import type pg from 'pg';
import {
  bucketKey,
  dueBuckets,
  GRANULARITIES,
  localYesterday,
  refreshBuckets,
  type DueBucket,
  type Granularity,
  type RefreshRun,
} from './scheduler/buckets.ts';

export type Batch = { readonly granularity: Granularity; readonly starts: readonly string[] };

/**
 * Groups due buckets into batches, one refresh transaction each: the days of
 * one calendar month together, each week and month alone; oldest first, a
 * week or month after its days (it is then usually fresh already).
 */
export function batchDueBuckets(due: readonly DueBucket[]): Batch[] {
  // `key` orders the batches: a month's days by their first day, a week or
  // month by its last day, so the days come before the weeks they complete.
  const batches: { granularity: Granularity; starts: string[]; key: string }[] = [];
  const dayBatches = new Map<string, { granularity: Granularity; starts: string[]; key: string }>();
  for (const bucket of due) {
    const month = bucket.bucket_start.slice(0, 7);
    const days = bucket.granularity === 'day' ? dayBatches.get(month) : undefined;
    if (days) {
      days.starts.push(bucket.bucket_start);
      continue;
    }
    const batch = { granularity: bucket.granularity, starts: [bucket.bucket_start], key: bucket.bucket_end };
    if (bucket.granularity === 'day') dayBatches.set(month, batch);
    batches.push(batch);
  }
  return batches
    .sort((a, b) => a.key.localeCompare(b.key) || GRANULARITIES.indexOf(a.granularity) - GRANULARITIES.indexOf(b.granularity))
    .map(({ granularity, starts }) => ({ granularity, starts: starts.sort() }));
}

export type BatchResult = Batch & { readonly run: RefreshRun };

export type RefreshDueOptions = {
  /** Recorded in analytics.refresh_runs.worker. */
  readonly worker: string;
  /** Milliseconds each refresh waits for a table lock (default 5 s). */
  readonly lockTimeoutMs?: number;
  readonly onBatch?: (result: BatchResult) => void;
};

/** One pass now: every due bucket, oldest first, a batch per transaction. */
export async function refreshDue(db: pg.Pool, options: RefreshDueOptions): Promise<BatchResult[]> {
  const results: BatchResult[] = [];
  for (const batch of batchDueBuckets(await dueBuckets(db))) {
    const run = await refreshBuckets(db, batch.granularity, batch.starts, {
      worker: options.worker,
      ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
    });
    const result = { ...batch, run };
    options.onBatch?.(result);
    results.push(result);
  }
  return results;
}

// Six months per transaction: each pass has fixed costs (the 29 days before
// it re-read for rolling windows, each active user's last snapshot looked up,
// retention cells of every earlier cohort, statistics), so smaller chunks cost
// more in total. In six-month passes, the backfill of 5M sessions over two
// years costs no more than one pass over everything (BENCHMARKS.md, `core`).
// An interruption loses at most the chunk under way.
export const DEFAULT_MONTHS_PER_CHUNK = 6;

export type BackfillOptions = {
  readonly from: string;
  readonly to: string;
  /** Recompute chunks that are already fresh too. */
  readonly force?: boolean;
  readonly worker: string;
  /** Milliseconds each chunk waits for a table lock (default 5 s). */
  readonly lockTimeoutMs?: number;
  /** Calendar months per transaction (default 6): more is faster, and loses more on an interruption. */
  readonly monthsPerChunk?: number;
  readonly onChunk?: (progress: { done: number; total: number; chunk: Batch; run: RefreshRun }) => void;
  /** Stops between chunks (each chunk is committed or not at all). */
  readonly signal?: AbortSignal;
};

/**
 * Recomputes local days from .. to in chunks of whole calendar months, oldest
 * first, one transaction each. Resumable: a chunk whose days are all fresh is
 * not recomputed (unless `force`), so re-running after an interruption
 * continues where it stopped.
 */
export async function backfill(db: pg.Pool, options: BackfillOptions): Promise<RefreshRun[]> {
  // days that are not over are read live, never stored
  const yesterday = await localYesterday(db);
  const months = monthChunks(options.from, options.to < yesterday ? options.to : yesterday);
  const perChunk = options.monthsPerChunk ?? DEFAULT_MONTHS_PER_CHUNK;
  const chunks = Array.from({ length: Math.ceil(months.length / perChunk) }, (_, index) => ({
    granularity: 'day' as const,
    starts: months.slice(index * perChunk, (index + 1) * perChunk).flatMap((month) => month.starts),
  }));
  const runs: RefreshRun[] = [];
  for (const [index, chunk] of chunks.entries()) {
    if (options.signal?.aborted) break;
    const run = await refreshBuckets(db, 'day', chunk.starts, {
      worker: options.worker,
      force: options.force ?? false,
      ...(options.lockTimeoutMs === undefined ? {} : { lockTimeoutMs: options.lockTimeoutMs }),
    });
    runs.push(run);
    options.onChunk?.({ done: index + 1, total: chunks.length, chunk, run });
  }
  return runs;
}

/** The days from .. to (inclusive), as one batch of day buckets per calendar month. */
export function monthChunks(from: string, to: string): Batch[] {
  const chunks: { granularity: Granularity; starts: string[] }[] = [];
  for (let day = new Date(`${from}T00:00:00Z`); day.toISOString().slice(0, 10) <= to; day.setUTCDate(day.getUTCDate() + 1)) {
    const iso = day.toISOString().slice(0, 10);
    const last = chunks.at(-1);
    if (last?.starts[0]?.slice(0, 7) === iso.slice(0, 7)) last.starts.push(iso);
    else chunks.push({ granularity: 'day', starts: [iso] });
  }
  return chunks;
}

export function describeBatch(batch: Batch): string {
  const first = bucketKey(batch.granularity, batch.starts[0] ?? '');
  return batch.starts.length === 1 ? first : `${first}..${batch.starts.at(-1)} (${batch.starts.length} buckets)`;
}

export function describeRun(run: RefreshRun): string {
  return run.outcome === 'fresh'
    ? 'already fresh'
    : `recomputed ${run.days_recomputed} days through ${run.through}`;
}
