// The reporting time zone is database state (analytics.settings, see
// sql/rollups/*_timezone.sql). Every process that refreshes adopts it
// first: the first one chooses it, later ones use it, and one configured
// with a different zone is refused instead of rebuilding the history behind
// the DBA's back. Only `praxis-analytics timezone set` changes it.
import type pg from 'pg';
import { z } from 'zod';
import { withPoolClient } from './db/pg-pool.ts';
import { StateError } from './errors.ts';
import type { Queryable } from './scheduler/buckets.ts';

const Stored = z.object({
  zone: z.string(),
  chosen_at: z.date().nullable(),
  first_day: z.string().nullable(),
  stored_through: z.string().nullable(),
});
export type StoredTimezone = z.infer<typeof Stored>;

/** The stored zone alone: reads only analytics.settings, never a rollup a refresh may be rewriting. */
export async function reportingZone(db: Queryable): Promise<string> {
  const { rows } = await db.query(`select reporting_timezone as zone from analytics.settings`);
  return z.object({ zone: z.string() }).parse(rows[0]).zone;
}

/** The stored zone, when it was chosen, and the span of local days stored in it. */
export async function storedTimezone(db: Queryable): Promise<StoredTimezone> {
  const { rows } = await db.query(
    `select s.reporting_timezone as zone, s.timezone_chosen_at as chosen_at,
            (select min(day) from analytics.daily_scenario_activity)::text as first_day,
            s.materialized_through::text as stored_through
     from analytics.settings s`,
  );
  return Stored.parse(rows[0]);
}

/**
 * Returns the zone to work in: the stored one. The first call on a database
 * chooses it (`configured`, else the default UTC). A configured zone that
 * differs from a chosen one is refused with one line naming both.
 */
export async function adoptReportingTimezone(db: Queryable, configured: string | undefined): Promise<string> {
  try {
    const { rows } = await db.query(`select analytics.adopt_reporting_timezone($1) as zone`, [configured ?? null]);
    return z.object({ zone: z.string() }).parse(rows[0]).zone;
  } catch (error) {
    if ((error as { code?: string }).code !== '55000' || configured === undefined) throw error;
    const stored = await storedTimezone(db);
    throw new StateError(
      `the configured time zone ${configured} (ANALYTICS_TIMEZONE) differs from the database's reporting time zone ` +
        `${stored.zone}: unset ANALYTICS_TIMEZONE to use ${stored.zone}, or change the database's zone with ` +
        `\`praxis-analytics timezone set ${configured}\` (rebuilds the stored history)`,
      { cause: error },
    );
  }
}

/**
 * Changes the zone and rebuilds the stored days in it, in one transaction on
 * one connection with no statement timeout (a rebuild of the whole history
 * takes minutes on a large platform; readers keep the old numbers meanwhile),
 * then vacuums the rollups so the old rows' space is reused, not grown.
 * Returns false when the zone already was `zone`.
 */
export async function changeReportingTimezone(pool: pg.Pool, zone: string): Promise<boolean> {
  return withPoolClient(pool, async (client) => {
    try {
      await client.query(`set statement_timeout = 0`);
      const { rows } = await client.query(`select analytics.set_reporting_timezone($1) as changed`, [zone]);
      const changed = z.object({ changed: z.boolean() }).parse(rows[0]).changed;
      if (changed) {
        const { rows: tables } = await client.query(
          `select c.oid::regclass::text as name from pg_catalog.pg_class c
           where c.relnamespace = 'analytics'::regnamespace and c.relkind = 'r' order by 1`,
        );
        // VACUUM cannot run in a transaction: one statement per table
        for (const { name } of z.array(z.object({ name: z.string() })).parse(tables)) {
          await client.query(`vacuum (analyze) ${name}`);
        }
      }
      return changed;
    } finally {
      await client.query(`reset statement_timeout`).catch(() => {});
    }
  });
}
