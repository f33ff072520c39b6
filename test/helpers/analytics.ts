// What every SQL-core test does around its fixture: set the reporting zone,
// refresh, and ask the oracle (analytics.verify) how many stored aggregates
// differ from a from-scratch recomputation.
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';
import type { Test } from 'tap';

export async function setTimezone(pool: DatabasePool, zone: string): Promise<void> {
  await pool.query(sql.unsafe`select analytics.set_reporting_timezone(${zone})`);
}

/** Stores local days up to `through` (default and maximum: yesterday). */
export async function refresh(pool: DatabasePool, through: string | null = null): Promise<void> {
  await pool.query(sql.unsafe`select analytics.refresh_pending(${through}::date)`);
}

/** The oracle: how many stored aggregates of from .. to differ from a recomputation (0 = consistent). */
export function differences(pool: DatabasePool, from: string, to: string): Promise<number> {
  return pool.oneFirst(sql.type(z.object({ count: z.number() }))`
    select count(*) from analytics.verify(${from}::date, ${to}::date)`);
}

/**
 * The SQL core's promise for a report read: the same numbers computed live
 * (before), partly stored (after a refresh through `partlyThrough`), and
 * fully stored; then the oracle finds no difference in from .. to.
 */
export async function assertSameOnceStored<T>(
  t: Test,
  pool: DatabasePool,
  read: () => Promise<T>,
  expected: T,
  range: { readonly from: string; readonly to: string; readonly partlyThrough?: string },
): Promise<void> {
  if (range.partlyThrough) {
    await refresh(pool, range.partlyThrough);
    t.same(await read(), expected, `the same with days up to ${range.partlyThrough} stored and later days computed live`);
  }
  await refresh(pool);
  t.same(await read(), expected, 'the same from the rollups');
  t.equal(await differences(pool, range.from, range.to), 0, 'stored aggregates equal a recomputation');
}
