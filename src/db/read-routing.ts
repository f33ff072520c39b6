// Where reports, exports and freshness read: a hot standby when one is
// configured and healthy, else the primary. A check every few seconds
// samples the primary's WAL position and compares the standby's replayed
// position with those samples: the standby's data is as old as the newest
// sample it has replayed past. (Not "the age of the last replayed commit":
// during a long write transaction on the primary, a whole-history refresh,
// no commit is replayed for minutes while the standby is fully current.)
// Reads move to the primary when the standby is unreachable or lags more
// than the limit, and back once it is healthy again, with one log line per
// switch. Refreshes, migrations, the worker and the change log
// never come here: they write, and only the primary can.
import pg from 'pg';
import { ConnectionError } from 'slonik';
import { RecoveryConflictError } from '../errors.ts';
import { codesOf, PgErrorCode, toConnectionError } from './connection-errors.ts';
import type { DatabasePool } from './pool.ts';

export type ReadSource = 'primary' | 'standby';

/** The pools of one server: slonik for report queries, node-postgres for COPY. */
export type ReadPools = { readonly source: ReadSource; readonly pool: DatabasePool; readonly exportPool: pg.Pool };

export type ReadStatus = {
  readonly readsFrom: ReadSource;
  /** Seconds the standby's replay is behind the primary; null without a standby, or when it cannot be measured. */
  readonly replayLagSeconds: number | null;
};

export type ReadRouter = {
  status(): ReadStatus;
  /**
   * Runs one read where reads go now. On the standby: a lost connection
   * moves reads to the primary and runs it there; a recovery conflict is
   * retried once, then is a RecoveryConflictError.
   */
  read<T>(work: (pools: ReadPools) => Promise<T>): Promise<T>;
  close(): Promise<void>;
};

export type ReadRouterOptions = {
  readonly primary: ReadPools;
  readonly primaryUrl: string;
  readonly standby?: ReadPools;
  readonly standbyUrl?: string;
  /** Replay lag above which reads go to the primary (seconds). */
  readonly maxLagSeconds: number;
  /** Milliseconds between checks of the standby. */
  readonly checkIntervalMs: number;
  readonly log: (line: string) => void;
};

type Health = { readonly healthy: true; readonly lag: number } | { readonly healthy: false; readonly lag: number | null; readonly reason: string };

/** Reads from the primary only: what every read did before standbys. */
export function primaryOnly(primary: ReadPools): ReadRouter {
  return {
    status: () => ({ readsFrom: 'primary', replayLagSeconds: null }),
    read: (work) => work(primary),
    close: async () => {},
  };
}

/** The standby went away under a query: refused, reset, shut down or killed. */
function lostConnection(error: unknown): boolean {
  return error instanceof ConnectionError || toConnectionError(error, '') !== undefined
    || codesOf(error).includes(PgErrorCode.adminShutdown) || /Connection terminated/i.test(String((error as Error)?.message));
}

const recoveryConflict = (error: unknown) => codesOf(error).includes(PgErrorCode.serializationFailure);

/** A WAL position ('16/B374D848') as a number. */
function parseLsn(lsn: string): bigint {
  const [high, low] = lsn.split('/');
  return (BigInt(`0x${high}`) << 32n) + BigInt(`0x${low}`);
}

export async function createReadRouter(options: ReadRouterOptions): Promise<ReadRouter> {
  const { standby, standbyUrl } = options;
  if (!standby || !standbyUrl) return primaryOnly(options.primary);
  // one connection each, short timeouts: a check must never queue behind reports
  const probe = (url: string) => new pg.Pool({
    connectionString: url, max: 1, connectionTimeoutMillis: 2_000, statement_timeout: 2_000,
    application_name: 'praxis-analytics replica check',
  });
  const primaryProbe = probe(options.primaryUrl);
  const standbyProbe = probe(standbyUrl);
  // an idle connection dropped by a restart must not take the process down
  for (const pool of [primaryProbe, standbyProbe]) pool.on('error', () => {});

  let health: Health = { healthy: false, lag: null, reason: 'not checked yet' };
  let source: ReadSource = 'primary';
  // (when, primary WAL position) of recent checks, oldest first; kept for
  // twice the lag limit, so a lag over the limit is always measurable
  const samples: { readonly at: number; readonly lsn: bigint }[] = [];

  async function check(): Promise<Health> {
    try {
      const { rows } = await primaryProbe.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      const now = Date.now();
      samples.push({ at: now, lsn: parseLsn(rows[0]!.lsn) });
      while (samples.length > 1 && samples[1]!.at < now - 2_000 * options.maxLagSeconds) samples.shift();
    } catch {
      // the primary's own trouble is not the standby's: keep the last verdict
      return health;
    }
    try {
      const { rows: [row] } = await standbyProbe.query<{ recovering: boolean; replayed: string | null }>(
        'select pg_is_in_recovery() as recovering, pg_last_wal_replay_lsn()::text as replayed');
      // promoted: it is a primary now, as current as it gets
      if (!row?.recovering) return { healthy: true, lag: 0 };
      if (row.replayed === null) return { healthy: false, lag: null, reason: 'has not replayed anything yet' };
      const replayed = parseLsn(row.replayed);
      const newest = samples.at(-1)!;
      let lag = 0;
      if (replayed < newest.lsn) {
        const reached = samples.findLast((sample) => sample.lsn <= replayed);
        // behind every sample kept: at least as old as the oldest
        lag = (Date.now() - (reached ?? samples[0]!).at) / 1000;
      }
      return lag <= options.maxLagSeconds
        ? { healthy: true, lag }
        : { healthy: false, lag, reason: `replay lag ${Math.round(lag)} s is over the ${options.maxLagSeconds} s limit` };
    } catch (error) {
      return { healthy: false, lag: null, reason: `is unreachable (${(error as Error).message})` };
    }
  }

  function settle(next: Health): void {
    health = next;
    const wanted: ReadSource = next.healthy ? 'standby' : 'primary';
    if (wanted === source) return;
    source = wanted;
    options.log(next.healthy
      ? `reads: the standby is healthy (replay lag ${Math.round(next.lag)} s); reading from the standby`
      : `reads: the standby ${next.reason}; reading from the primary`);
  }

  settle(await check());
  let checking = false;
  const timer = setInterval(() => {
    if (checking) return;
    checking = true;
    check().then(settle, () => {}).finally(() => {
      checking = false;
    });
  }, options.checkIntervalMs);
  timer.unref();

  return {
    status: () => ({ readsFrom: source, replayLagSeconds: health.lag }),
    async read(work) {
      if (source === 'primary') return work(options.primary);
      try {
        return await work(standby);
      } catch (error) {
        if (lostConnection(error)) {
          settle({ healthy: false, lag: null, reason: `dropped a query (${(error as Error).message})` });
          return work(options.primary);
        }
        if (!recoveryConflict(error)) throw error;
      }
      // A recovery conflict: the standby cancelled the query to replay a
      // change that removed what it read (hot_standby_feedback off) or
      // that it waited for too long (max_standby_streaming_delay). Once more.
      try {
        return await work(standby);
      } catch (error) {
        if (!recoveryConflict(error)) throw error;
        throw new RecoveryConflictError(
          'the standby cancelled this query twice to replay changes from the primary (recovery conflict); retry, or raise max_standby_streaming_delay on the standby',
          { cause: error });
      }
    },
    close: async () => {
      clearInterval(timer);
      await Promise.all([primaryProbe.end(), standbyProbe.end()]);
    },
  };
}
