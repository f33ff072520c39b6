// What every SQL-core test does around its fixture: set the reporting zone,
// refresh, and ask the oracle (analytics.verify) how many stored aggregates
// differ from a from-scratch recomputation.
import { z } from 'zod';
import { sql, type DatabasePool } from 'slonik';

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
