// Compares stored aggregates with a from-scratch recomputation
// (analytics.verify, sql/refresh/verify.sql) and lists each difference.
import { z } from 'zod';
import { sql } from 'slonik';
import type { DatabasePool } from './db/pool.ts';

const Difference = z.object({
  object: z.string(),
  key: z.string(),
  stored: z.unknown(),
  recomputed: z.unknown(),
});
export type Difference = z.infer<typeof Difference>;

const StoredSpan = z.object({ first_day: z.string().nullable(), last_day: z.string().nullable() });

/** The stored history: first stored day .. materialized_through (nulls before the first refresh). */
export async function storedSpan(pool: DatabasePool): Promise<z.infer<typeof StoredSpan>> {
  return pool.one(sql.type(StoredSpan)`
    select (select min(day) from analytics.daily_scenario_activity)::text as first_day,
           (select materialized_through from analytics.settings)::text as last_day`);
}

export async function verify(pool: DatabasePool, from: string, to: string): Promise<readonly Difference[]> {
  return pool.any(sql.type(Difference)`
    select object, key, stored, recomputed from analytics.verify(${from}::date, ${to}::date)`);
}

export function formatDifference(difference: Difference): string {
  return `${difference.object} ${difference.key}: stored ${JSON.stringify(difference.stored)}, recomputed ${JSON.stringify(difference.recomputed)}`;
}
