// The slonik pool every TypeScript query goes through: type parsers chosen
// on purpose (type-parsers.ts), every `sql.type(schema)` result validated,
// and connection failures reported as one actionable line.
import { createPool, type DatabasePool, type Interceptor, SchemaValidationError } from 'slonik';
import { createPgDriverFactory } from '@slonik/pg-driver';
import { sql } from 'slonik';
import { toConnectionError } from './connection-errors.ts';
import { typeParsers } from './type-parsers.ts';

export type { DatabasePool };

export type PoolOptions = {
  readonly maximumPoolSize?: number;
  /** Milliseconds, or 'DISABLE_TIMEOUT' for backfills; default 60 s. */
  readonly statementTimeout?: number | 'DISABLE_TIMEOUT';
  /** Milliseconds a query waits for a free connection; default 10 s. */
  readonly connectionTimeout?: number;
  /** Connect once before returning, so a wrong URL fails here (default true). */
  readonly verifyConnection?: boolean;
};

// slonik attaches the query's schema as `resultParser` but does not apply it:
// this interceptor does, so a row that does not match its declared shape is
// an error at the query, not a surprise further down.
const resultParser: Interceptor = {
  name: 'praxis-result-parser',
  transformRowAsync: async (context, query, row) => {
    const parser = context.resultParser;
    if (!parser) return row;
    const result = await parser['~standard'].validate(row);
    if (result.issues) throw new SchemaValidationError(query, row, result.issues);
    return result.value as typeof row;
  },
};

export async function createDatabasePool(url: string, options: PoolOptions = {}): Promise<DatabasePool> {
  try {
    const pool = await createPool(url, {
      driverFactory: createPgDriverFactory(),
      interceptors: [resultParser],
      typeParsers,
      maximumPoolSize: options.maximumPoolSize ?? 10,
      statementTimeout: options.statementTimeout ?? 60_000,
      connectionTimeout: options.connectionTimeout ?? 10_000,
      connectionRetryLimit: 0,
      // slonik silently re-runs a query that fails with a class 40 error
      // (serialization failure, deadlock) up to 5 times by default; retries
      // are explicit here, where they are wanted (db/read-routing.ts: a
      // standby's recovery conflict, once)
      queryRetryLimit: 0,
    });
    // Connect now, so a wrong URL fails here with a clear message rather
    // than at the first real query.
    if (options.verifyConnection ?? true) await pool.query(sql.unsafe`select 1`);
    return pool;
  } catch (error) {
    throw toConnectionError(error, url) ?? error;
  }
}
