import { z } from 'zod';
import { sql } from 'slonik';
import { createDatabasePool } from './pool.ts';

/**
 * Makes sure database `name` exists on the server of `serverUrl` (any
 * database there to connect to) and returns its URL. Never drops anything.
 */
export async function ensureDatabase(serverUrl: string, name: string, template?: string): Promise<string> {
  const pool = await createDatabasePool(serverUrl, { maximumPoolSize: 1 });
  try {
    const exists = await pool.oneFirst(sql.type(z.object({ exists: z.boolean() }))`
      select exists (select from pg_database where datname = ${name}) as exists
    `);
    if (!exists) {
      await pool.query(
        template
          ? sql.unsafe`create database ${sql.identifier([name])} template ${sql.identifier([template])}`
          : sql.unsafe`create database ${sql.identifier([name])}`,
      );
    }
  } finally {
    await pool.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}
