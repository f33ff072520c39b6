// Helpers shared by the cases of `make bench`.
import { spawn } from 'node:child_process';
import { sql, type CommonQueryMethods } from 'slonik';

/** One row of the printed table. */
export type Measurement = { name: string; value: string; note?: string };

/** "12% over" / "3% under": a against b. */
export function relative(a: number, b: number): string {
  const percent = Math.round((a / b - 1) * 100);
  return percent >= 0 ? `${percent}% over` : `${-percent}% under`;
}

/** Seconds `work` takes. */
export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

/** Median and range of repeated runs (seconds). */
export type Spread = { median: number; min: number; max: number };

export function spreadOf(times: readonly number[]): Spread {
  const sorted = [...times].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! };
}

/** "1.23 s (1.10–1.40)": the median and, over several runs, the range. */
export function formatSpread({ median, min, max }: Spread, unit: 's' | 'ms' = 's'): string {
  const show = (value: number) => (unit === 's' ? value.toFixed(2) : (value * 1000).toFixed(1));
  return min === max ? `${show(median)} ${unit}` : `${show(median)} ${unit} (${show(min)}–${show(max)})`;
}

/**
 * Every rollup emptied and vacuumed, then the whole history invalidated: the
 * state a full rebuild by refresh_pending() starts from. Vacuumed, because a
 * DELETE leaves dead rows and index entries behind, which made whichever
 * rebuild came second look faster.
 */
export async function emptyRollups(db: CommonQueryMethods): Promise<void> {
  await db.query(sql.unsafe`select analytics.clear_rollups()`);
  await db.query(sql.unsafe`update analytics.settings set materialized_through = null`);
  await db.query(sql.unsafe`vacuum analyze analytics.daily_user_activity, analytics.daily_scenario_activity,
    analytics.daily_session_durations, analytics.hourly_sessions, analytics.daily_criteria_scores,
    analytics.daily_signups, analytics.daily_active_users, analytics.period_active_users,
    analytics.weekly_retention, analytics.monthly_subscriptions, analytics.monthly_customer_mrr, analytics.user_progress_snapshots,
    analytics.analytics_aggregates, analytics.invalidation_log`);
  await db.query(sql.unsafe`select analytics.invalidate_all()`);
}

/** Runs `command` and resolves to its stdout; stderr goes to ours. */
export function run(command: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(output) : reject(new Error(`${command} exited with ${code}`))));
  });
}
