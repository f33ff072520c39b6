// Runs the package's .sql files (reference schema, data generator). Those are
// multi-statement scripts a DBA can also run with psql, so they go through
// a plain `pg` client and the simple-query protocol; slonik (one
// parameterised statement at a time) serves every other query.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { toConnectionError } from './connection-errors.ts';

/** Absolute path of a file under the package's sql/ folder. */
export const sqlPath = (relative: string): string =>
  fileURLToPath(new URL(`../../sql/${relative}`, import.meta.url));

export async function withPgClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
  } catch (error) {
    throw toConnectionError(error, url) ?? error;
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export async function runSqlFile(client: pg.Client, relative: string): Promise<void> {
  await client.query(await readFile(sqlPath(relative), 'utf8'));
}
