// Runs the SQL core's refresh functions. The work is in SQL
// (sql/core/04-refresh.sql); this module applies the configured reporting
// time zone first and reports what the database did.
import { z } from 'zod';
import { sql, type CommonQueryMethods } from 'slonik';
import type { DatabasePool } from './db/pool.ts';

const RefreshSummary = z.object({
  through: z.string().nullable(),
  days: z.number(),
  signup_days: z.number(),
  weeks: z.number(),
  months: z.number(),
});
export type RefreshSummary = z.infer<typeof RefreshSummary>;

export type RefreshOptions = {
  /** IANA zone buckets are cut in; a change invalidates (and so recomputes) every bucket. */
  readonly timezone: string;
  /** Recompute local days from .. to (inclusive) as well as everything pending. */
  readonly range?: { readonly from: string; readonly to: string };
};

/** Applies the reporting zone; true when it changed (everything is then stale). */
export async function applyTimezone(pool: CommonQueryMethods, timezone: string): Promise<boolean> {
  return pool.oneFirst(sql.type(z.object({ changed: z.boolean() }))`
    select analytics.set_reporting_timezone(${timezone}) as changed`);
}

/**
 * One refresh pass: every bucket that is due or invalidated (oldest first,
 * in one transaction), or the given range plus everything pending.
 */
export async function refresh(pool: DatabasePool, options: RefreshOptions): Promise<RefreshSummary> {
  return pool.transaction(async (transaction) => {
    await applyTimezone(transaction, options.timezone);
    const summary = options.range
      ? sql.fragment`analytics.refresh_range(${options.range.from}::date, ${options.range.to}::date)`
      : sql.fragment`analytics.refresh_pending()`;
    const json = await transaction.oneFirst(sql.type(z.object({ summary: z.unknown() }))`select ${summary} as summary`);
    return RefreshSummary.parse(json);
  });
}

export function formatRefreshSummary(summary: RefreshSummary): string {
  if (summary.days === 0 && summary.signup_days === 0 && summary.months === 0) {
    return `refresh: nothing to do (stored through ${summary.through ?? 'nothing yet'})`;
  }
  return (
    `refresh: recomputed ${summary.days} days, ${summary.signup_days} signup days, ` +
    `${summary.weeks} weeks and ${summary.months} months; stored through ${summary.through}`
  );
}
