// A plain node-postgres pool for the long-running worker (shared with
// pg-boss), the backfill and CSV exports (COPY). Two settings matter there:
// - the role's statement timeout unless one is given (the API's export pool
//   sets one): the refresh statement lifts it for itself alone (buckets.ts);
// - client_connection_check_interval: if the worker process dies mid-refresh,
//   the server notices the closed socket within seconds and rolls the refresh
//   back (releasing the refresh lock) instead of running it to the end.
import pg from 'pg';
import { toConnectionError } from './connection-errors.ts';

export type PgPoolOptions = {
  readonly max?: number;
  readonly applicationName?: string;
  /** Milliseconds; default: the role's (or server's) statement_timeout. */
  readonly statementTimeoutMs?: number;
  /** Milliseconds to wait for a free connection; default 10 s. */
  readonly connectionTimeoutMs?: number;
  /** Errors of idle connections (e.g. the server restarted); without a listener they would crash the process. */
  readonly onIdleError?: (error: Error) => void;
};

export function createPgPool(databaseUrl: string, options: PgPoolOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 4,
    application_name: options.applicationName ?? 'praxis-analytics',
    // PGOPTIONS first, as libpq would apply it (a DBA's -c lock_timeout=…,
    // or -c analytics.clock=… to see what a refresh does on another date);
    // the pool's own settings after it win.
    options: [
      process.env.PGOPTIONS,
      options.statementTimeoutMs === undefined ? undefined : `-c statement_timeout=${options.statementTimeoutMs}`,
      '-c client_connection_check_interval=2s',
    ]
      .filter(Boolean).join(' '),
    connectionTimeoutMillis: options.connectionTimeoutMs ?? 10_000,
  });
  pool.on('error', options.onIdleError ?? (() => {}));
  return pool;
}

/** A pool whose database has answered once: an unreachable one fails here, on one line. */
export async function connectPgPool(databaseUrl: string, options: PgPoolOptions = {}): Promise<pg.Pool> {
  const pool = createPgPool(databaseUrl, options);
  try {
    await pool.query('select 1');
    return pool;
  } catch (error) {
    await pool.end();
    throw toConnectionError(error, databaseUrl) ?? error;
  }
}

/**
 * Lets a checked-out client's connection fail without ending the process.
 * node-postgres emits 'error' on a checked-out client whose connection ends
 * (a server restart, pg_terminate_backend) besides failing the statement
 * under way, and an unheard 'error' is an uncaught exception. The failed
 * statement carries the error to the caller; the pool discards the broken
 * client on release. Returns the function that stops listening: call it
 * before the release, so listeners do not pile up on a reused client.
 */
export function hearClientErrors(client: pg.PoolClient): () => void {
  const heard = (): void => {};
  client.on('error', heard);
  return () => client.off('error', heard);
}

/** `work` on one client of `pool` of its own (a transaction, session settings), released after. */
export async function withPoolClient<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const stopHearing = hearClientErrors(client);
  try {
    return await work(client);
  } finally {
    stopHearing();
    client.release();
  }
}
