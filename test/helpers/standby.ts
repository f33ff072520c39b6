// A real streaming replica on loopback, for the tests (and the bench) of
// read routing: a primary from the embedded PostgreSQL 18, and a hot standby
// made from a copy of its stopped data directory, started with
// standby.signal and streaming from a physical replication slot. The
// embedded package ships initdb, pg_ctl and postgres only (no
// pg_basebackup), which a clean copy of a stopped cluster does not need.
// The pair is its own: whatever server TEST_DATABASE_URL names (PostgreSQL
// 15 under `make test-pg15`), replication is tested on 18.
import { execFile } from 'node:child_process';
import { appendFile, chmod, cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { embeddedBinaries, startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/embedded-postgres.ts';
import { freePort } from './ports.ts';

const run = promisify(execFile);

export type StandbyPair = {
  readonly primaryUrl: string;
  readonly standbyUrl: string;
  /** Stops the standby (fast shutdown), as an outage would. */
  stopStandby(): Promise<void>;
  startStandby(): Promise<void>;
  /** Stops the primary and promotes the standby, as a failover does. */
  promoteStandby(): Promise<void>;
  /** Waits until the standby has replayed everything the primary has written so far. */
  waitForReplay(): Promise<void>;
  close(): Promise<void>;
};

export type StandbyOptions = {
  /** Standby settings (`name=value`), e.g. max_standby_streaming_delay=0 to provoke recovery conflicts at once. */
  readonly standbySettings?: readonly string[];
  /**
   * CPUs each server may use (taskset lists, e.g. { primary: '0', standby: '1' }):
   * on one machine, the stand-in for two. Backends inherit it from the postmaster.
   */
  readonly cpus?: { readonly primary: string; readonly standby: string };
};

/** Pins a running cluster (its postmaster and every process it has started) to `cpus`. */
async function pin(dataDir: string, cpus: string): Promise<void> {
  const postmaster = (await readFile(path.join(dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0]!;
  await run('taskset', ['-a', '-cp', cpus, postmaster]);
  const { stdout } = await run('pgrep', ['-P', postmaster]);
  for (const child of stdout.split('\n').filter(Boolean)) await run('taskset', ['-a', '-cp', cpus, child]);
}

/** pg_ctl of the embedded binaries, run as the OS user that owns the cluster ("postgres" when we are root). */
async function pgCtl(args: readonly string[]): Promise<void> {
  const { bin, owner } = await embeddedBinaries();
  await run(path.join(bin, 'pg_ctl'), [...args], { ...owner });
}

export async function startStandbyPair(options: StandbyOptions = {}): Promise<StandbyPair> {
  const root = await mkdtemp(path.join(tmpdir(), 'praxis-standby-'));
  // the server runs as "postgres": it must reach its data directory
  await chmod(root, 0o755);
  const primaryDir = path.join(root, 'primary');
  const standbyDir = path.join(root, 'standby');
  const [primaryPort, standbyPort] = [await freePort(), await freePort()];

  let primary: EmbeddedPostgres = await startEmbeddedPostgres({ dataDir: primaryDir, port: primaryPort, persistent: true });
  const admin = new pg.Client({ connectionString: primary.url });
  await admin.connect();
  // the slot keeps every WAL segment the standby has not received yet
  await admin.query(`select pg_create_physical_replication_slot('praxis_standby')`);
  await admin.end();
  // a cleanly stopped cluster copies whole: the standby starts from its
  // last checkpoint and streams the rest
  await primary.stop();
  await cp(primaryDir, standbyDir, { recursive: true, preserveTimestamps: true });
  const { owner } = await embeddedBinaries();
  if (owner) await run('chown', ['-R', `${owner.uid}:${owner.gid}`, standbyDir]);
  primary = await startEmbeddedPostgres({ dataDir: primaryDir, port: primaryPort, persistent: true });

  await writeFile(path.join(standbyDir, 'standby.signal'), '');
  const { username, password } = new URL(primary.url);
  await appendFile(path.join(standbyDir, 'postgresql.auto.conf'), [
    `primary_conninfo = 'host=127.0.0.1 port=${primaryPort} user=${username} password=${password} application_name=praxis_standby'`,
    `primary_slot_name = 'praxis_standby'`,
    ...(options.standbySettings ?? []).map((setting) => setting.replace('=', ' = ')),
    '',
  ].join('\n'));
  const startStandby = () => pgCtl(['start', '--wait', '-D', standbyDir, '-l', path.join(standbyDir, 'server.log'),
    // max_connections may not be lower than the primary's (src/embedded-postgres.ts)
    '-o', `-p ${standbyPort} -c listen_addresses=127.0.0.1 -c max_connections=200`]);
  const stopStandby = () => pgCtl(['stop', '--wait', '-m', 'fast', '-D', standbyDir]);
  await startStandby();
  if (options.cpus) {
    await pin(primaryDir, options.cpus.primary);
    await pin(standbyDir, options.cpus.standby);
  }

  const primaryUrl = primary.url;
  const standbyUrl = primary.url.replace(`:${primaryPort}/`, `:${standbyPort}/`);
  const withDatabase = (url: string, database: string) => url.replace(/\/[^/]*$/, `/${database}`);

  return {
    primaryUrl,
    standbyUrl,
    stopStandby,
    startStandby,
    async promoteStandby() {
      await primary.stop();
      await pgCtl(['promote', '--wait', '-D', standbyDir]);
    },
    async waitForReplay() {
      const onPrimary = new pg.Client({ connectionString: withDatabase(primaryUrl, 'postgres') });
      const onStandby = new pg.Client({ connectionString: withDatabase(standbyUrl, 'postgres') });
      await Promise.all([onPrimary.connect(), onStandby.connect()]);
      try {
        const { rows: [written] } = await onPrimary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
        for (let attempt = 0; attempt < 600; attempt += 1) {
          const { rows: [replayed] } = await onStandby.query<{ done: boolean }>(
            'select pg_last_wal_replay_lsn() >= $1::pg_lsn as done', [written!.lsn]);
          if (replayed!.done) return;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(`the standby did not replay up to ${written!.lsn} within 30 s`);
      } finally {
        await Promise.all([onPrimary.end(), onStandby.end()]);
      }
    },
    async close() {
      await stopStandby().catch(() => undefined);
      await primary.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}
