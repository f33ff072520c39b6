// The CLI as a user meets it: every mistake is one line on stderr naming the
// bad value, with a non-zero exit and no stack trace.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t, { type Test } from 'tap';
import { createTestDatabase } from './helpers/database.ts';
import { fixtures } from './helpers/fixtures.ts';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const TRACE = fileURLToPath(new URL('./helpers/module-trace.ts', import.meta.url));

type Outcome = { code: number; stdout: string; stderr: string };

function cli(args: string[], env: Record<string, string | undefined> = {}): Promise<Outcome> {
  const environment = { ...process.env, DATABASE_URL: undefined, ANALYTICS_TIMEZONE: undefined, ...env };
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { env: environment }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
  });
}

function assertOneLineError(t: Test, outcome: Outcome, code: number, pattern: RegExp) {
  t.equal(outcome.code, code, 'exit code');
  const lines = outcome.stderr.trimEnd().split('\n');
  t.equal(lines.length, 1, `one line: ${outcome.stderr}`);
  t.match(lines[0], pattern);
  t.notMatch(outcome.stderr, /\n\s+at /, 'no stack trace');
}

t.test('usage mistakes exit 2 with one line naming the bad value', async (t) => {
  assertOneLineError(t, await cli(['frobnicate']), 2, /^praxis-analytics: unknown command "frobnicate"; expected one of: migrate, doctor/);
  assertOneLineError(t, await cli(['seed', '--userz', '3']), 2, /unknown option --userz; allowed: --users, --days/);
  assertOneLineError(t, await cli(['seed', '--users', 'many']), 2, /--users "many": must be a whole number from 1 to 10000000/);
  assertOneLineError(t, await cli(['seed', '--days', '0']), 2, /--days "0": must be a whole number from 1 to 3650/);
  assertOneLineError(t, await cli(['seed', '--end', 'yesterday']), 2, /--end "yesterday": must be an ISO-8601 timestamp/);
  assertOneLineError(t, await cli(['migrate', 'sideways']), 2, /migrate "sideways": expected up or down/);
  assertOneLineError(t, await cli(['migrate', '--count=-1']), 2, /--count "-1": must be a whole number/);
  assertOneLineError(t, await cli(['migrate', '--count', '-1']), 2, /--count needs a value; for one that starts with "-" write --count=VALUE/);
  assertOneLineError(t, await cli(['doctor', 'now']), 2, /unexpected argument "now"/);
  assertOneLineError(t, await cli(['refresh', '--from', '2026-01-01']), 2, /--from and --to go together/);
  assertOneLineError(t, await cli(['verify', '--from', '2026-02-30', '--to', '2026-03-01']), 2, /--from "2026-02-30": must be a calendar date YYYY-MM-DD/);
  assertOneLineError(t, await cli(['refresh', '--from', '2026-03-02', '--to', '2026-03-01']), 2, /--from 2026-03-02 is after --to 2026-03-01/);
  assertOneLineError(t, await cli(['refresh', '--force']), 2, /--force and --months-per-chunk go with --from and --to/);
  assertOneLineError(t, await cli(['refresh', '--from', '2026-01-01', '--to', '2026-02-01', '--months-per-chunk', '0']), 2,
    /--months-per-chunk "0": must be a whole number from 1 to 120/);
  assertOneLineError(t, await cli(['worker', '--poll-seconds', '0']), 2, /--poll-seconds "0": must be a whole number from 1 to 86400/);
  assertOneLineError(t, await cli(['worker', '--heartbeat-seconds', '5']), 2, /--heartbeat-seconds "5": must be a whole number from 10 to 86400/);
  assertOneLineError(t, await cli(['worker', '--schema', 'Bad-Name'], { DATABASE_URL: 'postgres://x/y' }), 1,
    /scheduler option schema: must be a lower-case SQL identifier/);
});

t.test('configuration mistakes exit 1 with one line naming the variable', async (t) => {
  assertOneLineError(t, await cli(['doctor']), 1, /DATABASE_URL is not set: set it to postgres:\/\//);
  assertOneLineError(t, await cli(['doctor'], { DATABASE_URL: 'mysql://x' }), 1, /DATABASE_URL="mysql:\/\/x" must be a postgres:\/\//);
  assertOneLineError(t, await cli(['doctor'], { DATABASE_URL: 'postgres://x/y', ANALYTICS_TIMEZONE: 'Mars/Olympus' }), 1,
    /ANALYTICS_TIMEZONE="Mars\/Olympus" must be an IANA time zone name/);
});

t.test('an unreachable database is one line with host, port and reason, never the password', async (t) => {
  const outcome = await cli(['migrate'], { DATABASE_URL: 'postgres://admin:s3cret@127.0.0.1:1/platform' });
  assertOneLineError(t, outcome, 1, /cannot connect to 127\.0\.0\.1:1\/platform: connection refused/);
  t.notMatch(outcome.stderr, /s3cret/);
});

t.test('doctor and migrate refuse a database that misses the contract, saying what is missing', async (t) => {
  const { url } = await createTestDatabase(t, 'empty');
  assertOneLineError(t, await cli(['doctor'], { DATABASE_URL: url }), 1, /does not meet the source contract: table public\.users is missing;/);
  assertOneLineError(t, await cli(['migrate'], { DATABASE_URL: url }), 1, /does not meet the source contract/);
});

t.test('doctor lists the currencies of the subscriptions, and says where MRR is per currency when there are several', async (t) => {
  const { url, pool } = await createTestDatabase(t);
  const doctor = async () => (await cli(['doctor'], { DATABASE_URL: url })).stdout;
  t.match(await doctor(), /\ndoctor: currencies in use: none \(no subscriptions\)\n/);
  await fixtures(pool).users([{ n: 1, createdAt: '2026-01-01T00:00:00Z' }, { n: 2, createdAt: '2026-01-01T00:00:00Z' }]);
  await fixtures(pool).subscriptions([
    { n: 1, user: 1, currency: 'AUD', startedAt: '2026-01-02T00:00:00Z' },
    { n: 2, user: 2, currency: 'USD', startedAt: '2026-01-02T00:00:00Z' },
    { n: 3, user: 2, currency: 'USD', startedAt: '2026-02-02T00:00:00Z' },
  ]);
  const stdout = await doctor();
  t.match(stdout, /\ndoctor: currencies in use: AUD \(1 subscription\), USD \(2 subscriptions\); money is reported per currency, never converted\n/);
});

t.test('on a good database: doctor, seed, migrate twice, summary, migrate down', async (t) => {
  const { url } = await createTestDatabase(t, 'platform');
  // the day the data ends is "today" for the refresh, whatever the date
  const env = { DATABASE_URL: url, PGOPTIONS: '-c analytics.clock=2026-11-28T12:00:00Z' };
  t.match(await cli(['doctor'], env), { code: 0, stdout: /meets the source contract/ });
  t.match(await cli(['seed', '--users', '30', '--days', '20', '--end', '2026-11-28T12:00:00Z'], env),
    { code: 0, stdout: /^seed: 30 users, 144 scenarios, \d+ sessions/ });
  t.match(await cli(['migrate'], env), { code: 0, stdout: 'migrate up: 0001_analytics-schema\nmigrate up: 0002_sql-core\nmigrate up: 0003_scheduler\nmigrate up: 0004_refresh-through-stored-history\nmigrate up: 0005_admin-api\nmigrate up: 0006_change-capture\nmigrate up: 0007_operations\nmigrate up: 0008_refresh-writes-only-changes\nmigrate up: 0009_report-relations\nmigrate up: 0010_refresh-at-the-floor\nmigrate up: 0011_reads-at-the-floor\nmigrate up: 0012_session-updates-keep-criteria\nmigrate up: 0013_reads-reaching-today\nmigrate up: 0014_first-install-marks\nmigrate up: 0015_refresh-in-steps\nmigrate up: 0016_mrr-movements\nmigrate up: 0017_mrr-movements-api\nmigrate up: 0018_revenue-per-currency\nmigrate up: 0019_restatements\nmigrate up: 0020_logical-capture\nmigrate up: 0021_logical-capture-parse\n' });
  // the seeded history is not stored yet: migrate says which days, and the command that stores them
  t.match(await cli(['migrate', 'up'], env), { code: 0, stdout: /^migrate: already up to date\nmigrate: \d+ day\(s\) of history are not stored yet or are stale \((2026-11-\d\d)\.\.2026-11-27, UTC\): run `praxis-analytics refresh --from \1 --to 2026-11-27`, or start a worker, which stores them on its first tick\n$/ });
  t.match(await cli(['summary'], env), { code: 0, stdout: /users +30\n.*\nsessions +\d+ \(2026-11-\d\d \.\. 2026-11-28\)/s });
  t.match(await cli(['refresh'], env), { code: 0, stdout: /^refresh: daily:2026-11-\d\d\.\.2026-11-27 \(\d+ buckets\): recomputed \d+ days through 2026-11-27\nrefresh: weekly:2026-11-\d\d: already fresh\n/ });
  t.match(await cli(['refresh'], env), { code: 0, stdout: 'refresh: nothing due\n' }, 'a second pass right after has nothing to do');
  t.match(await cli(['verify', '--from', '2026-11-01', '--to', '2026-11-27'], env),
    { code: 0, stdout: 'verify: every stored aggregate in 2026-11-01 .. 2026-11-27 matches a recomputation' });
  const doctor = await cli(['doctor'], env);
  t.match(doctor, { code: 0, stdout: /\ndoctor: the stored history is complete through yesterday \(UTC\)\n/ });
  t.match(doctor.stdout, /\ndoctor: currencies in use: (?:[A-Z]{3} \(\d+ subscriptions?\), )+[A-Z]{3} \(\d+ subscriptions?\); money/, 'the seed sells in several currencies');
  t.match(await cli(['migrate', 'down'], env), { code: 0, stdout: 'migrate down: 0021_logical-capture-parse' });
});

t.test('serve: refuses to run without a token, serves with one, and stops on SIGTERM with exit 0', async (t) => {
  const { url } = await createTestDatabase(t);
  assertOneLineError(t, await cli(['serve', '--port', 'http'], { DATABASE_URL: url }), 2, /--port "http": must be a whole number from 0 to 65535/);
  assertOneLineError(t, await cli(['serve'], { DATABASE_URL: url }), 1,
    /^praxis-analytics: ANALYTICS_ADMIN_TOKEN is not set: the server refuses to run without a bearer token/);
  assertOneLineError(t, await cli(['serve'], { DATABASE_URL: url, ANALYTICS_ADMIN_TOKEN: 'short' }), 1,
    /ANALYTICS_ADMIN_TOKEN must be at least 16 characters \(got 5\)/);

  const token = 'cli-test-token-0123456789';
  const child = spawn(process.execPath, [CLI, 'serve', '--port', '0'], {
    env: { ...process.env, DATABASE_URL: url, ANALYTICS_ADMIN_TOKEN: token },
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  let stdout = '';
  const address = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /admin analytics at (http:\/\/\S+\/admin\/analytics\/)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('close', () => reject(new Error(`serve ended early: ${stdout}`)));
  });
  const freshness = await fetch(`${address}freshness`, { headers: { authorization: `Bearer ${token}` } });
  t.equal(freshness.status, 200, 'answers with the token');
  t.equal((await fetch(`${address}freshness`)).status, 401, 'refuses without it');
  child.kill('SIGTERM');
  t.equal(await exited, 0, 'SIGTERM: graceful exit 0');
});

// What each call loads, traced (test/helpers/module-trace.ts): the answer to
// --version or help must not wait for pg, slonik, pg-boss, Fastify or zod.
async function modulesLoadedBy(args: string[]): Promise<{ outcome: Outcome; packages: string[]; commands: string[] }> {
  const directory = await mkdtemp(path.join(tmpdir(), 'praxis-trace-'));
  const file = path.join(directory, 'modules');
  try {
    const outcome = await new Promise<Outcome>((resolve) => {
      execFile(process.execPath, ['--import', TRACE, CLI, ...args], { env: { ...process.env, DATABASE_URL: undefined, MODULE_TRACE_FILE: file } },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
    });
    const urls = (await readFile(file, 'utf8')).split('\n');
    const packages = [...new Set(urls.map((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1]).filter((name) => name !== undefined))];
    const commands = urls.map((url) => /\/src\/cli\/commands\/(\w+)\.ts$/.exec(url)?.[1]).filter((name) => name !== undefined);
    return { outcome, packages, commands };
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

t.test('--version, help and a mistyped command load no dependency and no command', async (t) => {
  const version = await modulesLoadedBy(['--version']);
  t.equal(version.outcome.code, 0);
  t.match(version.outcome.stdout, /^praxis-analytics \d+\.\d+\.\d+\n$/, 'prints the version');
  for (const args of [['--version'], ['help'], ['migrate', '--help'], ['frobnicate']]) {
    const { packages, commands } = await modulesLoadedBy(args);
    t.same({ packages, commands }, { packages: [], commands: [] }, `${args.join(' ')}: nothing but the dispatcher`);
  }
  const migrate = await modulesLoadedBy(['migrate', '--count', 'x']);
  t.equal(migrate.outcome.code, 2, 'a bad flag is still a usage error');
  t.same(migrate.commands, ['migrate'], 'a command loads its own module only');
});

t.test('an embedded server that cannot start is one line saying why and what to do', async (t) => {
  const busy = createServer().listen(0, '127.0.0.1');
  await once(busy, 'listening');
  t.teardown(() => busy.close());
  const port = (busy.address() as AddressInfo).port;
  const dataDir = await mkdtemp(path.join(tmpdir(), 'praxis-busy-port-'));
  t.teardown(() => rm(dataDir, { recursive: true, force: true }));
  const outcome = await cli(['demo'], { ANALYTICS_DATA_DIR: path.join(dataDir, 'data'), ANALYTICS_EMBEDDED_PORT: String(port) });
  t.equal(outcome.code, 1);
  t.match(outcome.stderr, new RegExp(`^praxis-analytics: could not start the embedded PostgreSQL on port ${port} .*set ANALYTICS_EMBEDDED_PORT to another one\\n$`));
  t.notMatch(outcome.stderr, /\n\s+at /, 'no stack trace');
});

t.test('help lists every command', async (t) => {
  const outcome = await cli(['--help']);
  t.equal(outcome.code, 0);
  for (const command of ['migrate', 'refresh', 'verify', 'worker', 'serve', 'doctor', 'seed', 'summary', 'demo']) t.match(outcome.stdout, new RegExp(`\\n  ${command}`));
});
