// What a statement waited for when it hit lock_timeout. The error itself
// says only "canceling statement due to lock timeout"; a second connection
// watches pg_locks while the statement runs, so the message can name the
// table and the session that held it.
import pg from 'pg';
import { z } from 'zod';

const LockWait = z.object({
  locktype: z.string(),
  mode: z.string(),
  relation: z.string().nullable(),
  holders: z.array(z.object({ pid: z.number(), application_name: z.string(), state: z.string().nullable(), xact_start: z.string().nullable() })),
});
export type LockWait = z.infer<typeof LockWait>;

export type LockWatcher = {
  /** The last lock the watched session was seen waiting for, if any. */
  lastWait(): LockWait | undefined;
  stop(): Promise<void>;
};

const POLL_MS = 100;

/** Polls pg_locks for `pid`'s ungranted lock every 100 ms on a connection of its own until stopped. */
export async function watchLockWaits(databaseUrl: string, pid: number): Promise<LockWatcher> {
  const watcher = new pg.Client({ connectionString: databaseUrl, application_name: 'praxis-analytics lock watcher' });
  await watcher.connect();
  let last: LockWait | undefined;
  let polling: Promise<void> = Promise.resolve();
  const poll = async () => {
    const { rows } = await watcher.query(
      `select l.locktype, l.mode,
              (select pg_catalog.format('%I.%I', n.nspname, c.relname) from pg_catalog.pg_class c
               join pg_catalog.pg_namespace n on n.oid = c.relnamespace where c.oid = l.relation) as relation,
              coalesce((select json_agg(json_build_object('pid', a.pid, 'application_name', a.application_name,
                                                          'state', a.state, 'xact_start', a.xact_start) order by a.pid)
                        from pg_catalog.pg_stat_activity a where a.pid = any(pg_catalog.pg_blocking_pids(l.pid))), '[]') as holders
       from pg_catalog.pg_locks l where l.pid = $1 and not l.granted limit 1`,
      [pid],
    );
    if (!rows[0]) return;
    const seen = LockWait.parse(rows[0]);
    // a poll at the very moment of the timeout can find the lock still
    // requested but nobody blocking it: that must not hide the holder a
    // poll before it named for the same lock
    const sameLock = last !== undefined && last.locktype === seen.locktype && last.mode === seen.mode && last.relation === seen.relation;
    if (seen.holders.length > 0 || !sameLock) last = seen;
  };
  const timer = setInterval(() => {
    polling = polling.then(poll).catch(() => {});
  }, POLL_MS);
  return {
    lastWait: () => last,
    stop: async () => {
      clearInterval(timer);
      await polling;
      await watcher.end().catch(() => {});
    },
  };
}

/** "a ShareRowExclusiveLock on public.sessions, held by pid 4242 (psql, idle in transaction since …)". */
export function describeLockWait(wait: LockWait | undefined): string {
  if (!wait) return 'a lock';
  const what =
    wait.relation !== null ? `a ${wait.mode} on ${wait.relation}`
    : wait.locktype === 'advisory' ? 'an advisory lock'
    : wait.locktype === 'virtualxid' ? 'older transactions to end (a concurrent index build waits for them)'
    : `a ${wait.mode} (${wait.locktype})`;
  const holders = wait.holders.map((holder) =>
    `pid ${holder.pid} (${holder.application_name || 'no application_name'}, ${holder.state ?? 'unknown state'}${holder.xact_start ? ` since ${holder.xact_start}` : ''})`);
  return holders.length > 0 ? `${what}, held by ${holders.join(', ')}` : what;
}
