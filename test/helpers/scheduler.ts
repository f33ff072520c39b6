// What the scheduler tests share: a small history relative to today (the
// scheduler stores only days that are over), and waiting for the workers to
// settle. Waits poll with a generous limit: they bound a hang, they do not
// measure speed.
import { setTimeout as sleep } from 'node:timers/promises';
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import { fixtures } from './fixtures.ts';

/** The local (UTC) date `days` before today, YYYY-MM-DD. */
export function daysAgo(days: number): string {
  const date = new Date();
  date.setUTCDate(date.getUTCDate() - days);
  return date.toISOString().slice(0, 10);
}

/** Two users and a session each on each of the last `days` days (yesterday included). */
export async function recentHistory(pool: DatabasePool, days: number): Promise<void> {
  const add = fixtures(pool);
  await add.users([
    { n: 1, createdAt: `${daysAgo(days + 5)}T08:00:00Z` },
    { n: 2, createdAt: `${daysAgo(days + 5)}T09:00:00Z` },
  ]);
  await add.scenarios([{ n: 1 }]);
  const sessions = [];
  for (let day = 1; day <= days; day += 1) {
    sessions.push({ n: day * 10 + 1, user: 1, scenario: 1, startedAt: `${daysAgo(day)}T10:00:00Z` });
    sessions.push({ n: day * 10 + 2, user: 2, scenario: 1, startedAt: `${daysAgo(day)}T11:00:00Z`, status: 'abandoned' as const });
  }
  await add.sessions(sessions);
  await add.reports(sessions.filter((_, index) => index % 2 === 0).map((session) => ({ session: session.n, scoreRaw: 300 })));
}

/**
 * Polls `check` every 200 ms until it holds; after `limitMs`, fails with
 * `what` and, when given, `evidence()` (say, the worker's last log lines),
 * so that a rare failure in CI says what the worker was doing.
 */
export async function waitFor(what: string, check: () => Promise<boolean>, limitMs = 90_000, evidence?: () => Promise<string>): Promise<void> {
  const giveUp = Date.now() + limitMs;
  while (!(await check())) {
    if (Date.now() > giveUp) {
      const seen = evidence ? `; ${await evidence().catch((error: unknown) => `(no evidence: ${String(error)})`)}` : '';
      throw new Error(`gave up waiting for ${what}${seen}`);
    }
    await sleep(200);
  }
}

/** True when nothing is due and every stored day up to yesterday is there. */
export async function allFresh(pool: DatabasePool): Promise<boolean> {
  // what the worker's tick asks (dueBuckets: in logical mode, the slot consumed first)
  await pool.query(sql.unsafe`select analytics.consume_capture(true)`);
  return pool.oneFirst(sql.type(z.object({ fresh: z.boolean() }))`
    select not exists (select from analytics.due_buckets())
       and coalesce((select materialized_through from analytics.settings) = current_date - 1, false) as fresh`);
}

export type RunRow = { granularity: string; outcome: string; days_recomputed: number; started_at: string; finished_at: string; worker: string | null };

export async function refreshRuns(pool: DatabasePool): Promise<readonly RunRow[]> {
  return pool.any(sql.type(z.object({
    granularity: z.string(), outcome: z.string(), days_recomputed: z.number(),
    started_at: z.string(), finished_at: z.string(), worker: z.string().nullable(),
  }))`
    select granularity, outcome, days_recomputed, started_at, finished_at, worker
    from analytics.refresh_runs order by started_at`);
}
