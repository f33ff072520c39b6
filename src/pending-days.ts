// What a refresh has yet to store, from analytics.pending_days(), and the one
// line `migrate` and `doctor` print about it: after an install on a platform
// with history, the DBA learns that the history is not built yet and the
// command that builds it, instead of finding out from a report.
import { z } from 'zod';
import type { Queryable } from './scheduler/buckets.ts';

const PendingDays = z
  .object({ first_day: z.string().nullable(), last_day: z.string().nullable(), days: z.number(), zone: z.string() })
  .transform((row) => ({ firstDay: row.first_day, lastDay: row.last_day, days: row.days, zone: row.zone }));

export type PendingDays = {
  /** First local day that is over and not stored, or stored and stale; null when none is. */
  readonly firstDay: string | null;
  readonly lastDay: string | null;
  /** How many days of firstDay .. lastDay are pending (changed days may leave gaps); 0 when the history is complete through yesterday. */
  readonly days: number;
  readonly zone: string;
};

/** The pending days; null when the database has no analytics.pending_days() (not installed, or migrated only part way). */
export async function pendingDays(db: Queryable): Promise<PendingDays | null> {
  const { rows: installed } = await db.query(
    `select pg_catalog.to_regprocedure('analytics.pending_days()') is not null as present`,
  );
  if (!z.object({ present: z.boolean() }).parse(installed[0]).present) return null;
  const { rows } = await db.query(`select first_day::text, last_day::text, days, zone from analytics.pending_days()`);
  return PendingDays.parse(rows[0]);
}

export function describePendingDays(pending: PendingDays): string {
  const { firstDay, lastDay, days, zone } = pending;
  if (days === 0 || firstDay === null || lastDay === null) return `the stored history is complete through yesterday (${zone})`;
  const span = firstDay === lastDay ? firstDay : `${firstDay}..${lastDay}`;
  return `${days} day(s) of history are not stored yet or are stale (${span}, ${zone}): ` +
    `run \`praxis-analytics refresh --from ${firstDay} --to ${lastDay}\`, or start a worker, which stores them on its first tick`;
}
