// `make test-package`: the package as a backend receives it. `npm pack`,
// then a scratch project outside this checkout installs the tarball (no
// workspace link), TypeScript and @types/node from the registry, compiles
// test/package/consumer.ts strictly, and runs it on every Node version
// below, each against a fresh database: the lowest that `engines` claims,
// and the one the Makefile installs. Also runs the packed CLI.
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { ensureDatabase } from '../../src/db/create-database.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../src/embedded-postgres.ts';
import { freePort } from '../helpers/ports.ts';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const STEPS = [
  'seed', 'createAnalytics().migrate', 'createAnalytics().refresh', 'createAnalytics().backfill', 'createAnalytics().query',
  'createAnalytics().exportCsv', 'createAnalytics().freshness', 'errors', 'createAnalytics().routes',
  'createAnalytics().startScheduler', 'lower-level exports',
];

const manifest = JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { engines: { node: string } };
const lowest = /^>=(\d+)$/.exec(manifest.engines.node)?.[1];
if (!lowest) throw new Error(`package.json engines.node "${manifest.engines.node}": expected ">=N"`);
const current = process.versions.node.split('.')[0]!;

const scratch = await mkdtemp(path.join(tmpdir(), 'praxis-package-'));
let server: EmbeddedPostgres | undefined;
let failed = 0;
try {
  const { stdout: packed } = await run('npm', ['pack', '--silent', '--pack-destination', scratch], { cwd: root });
  const tarball = packed.trim().split('\n').at(-1)!;
  await writeFile(path.join(scratch, 'package.json'), JSON.stringify({
    name: 'praxis-consumer',
    private: true,
    type: 'module',
    dependencies: { '@oet-praxis/analytics': `file:./${tarball}`, fastify: '^5', pg: '^8' },
    devDependencies: { typescript: '^5.9', '@types/node': `^${lowest}`, node: `^${lowest}` },
  }, null, 2));
  await copyFile(path.join(here, 'consumer.ts'), path.join(scratch, 'consumer.ts'));
  await copyFile(path.join(here, 'tsconfig.json'), path.join(scratch, 'tsconfig.json'));
  console.log(`package: ${tarball} installed into ${scratch}`);
  await run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: scratch });
  const bin = path.join(scratch, 'node_modules', '.bin');
  // the compiler and every .d.ts it reaches, without skipLibCheck
  await run(path.join(bin, 'tsc'), ['-p', 'tsconfig.json'], { cwd: scratch }).catch((error: Error & { stdout?: string }) => {
    throw new Error(`package: the strict consumer does not typecheck:\n${error.stdout ?? error.message}`);
  });
  console.log('ok typecheck: strict, without skipLibCheck');

  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    server = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'postgres'), port: await freePort(), persistent: false });
    adminUrl = server.url;
  }
  const nodes = [{ version: lowest, node: path.join(bin, 'node') }, { version: current, node: process.execPath }];
  for (const { version, node } of nodes) {
    const { stdout: actual } = await run(node, ['--version']);
    const databaseUrl = await ensureDatabase(adminUrl, `praxis_package_node${version}_${process.pid}`);
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    // the database's "now" is the seeded data's, so nothing depends on today
    await admin.query(`alter database ${pg.escapeIdentifier(new URL(databaseUrl).pathname.slice(1))} set analytics.clock = '2026-03-01 12:00+00'`);
    await admin.end();
    try {
      const { stdout } = await run(node, ['dist/consumer.js'], { cwd: scratch, env: { ...process.env, DATABASE_URL: databaseUrl } });
      const missing = STEPS.filter((step) => !stdout.split('\n').includes(`ok ${step}`));
      if (missing.length) throw new Error(`missing steps: ${missing.join(', ')}`);
      const { stdout: version } = await run(node, [path.join(bin, 'praxis-analytics'), '--version']);
      console.log(`ok Node ${actual.trim()}: ${STEPS.length} steps of the consumer; ${version.trim()}`);
    } catch (error) {
      failed += 1;
      const { stdout, stderr } = error as { stdout?: string; stderr?: string };
      console.log(`not ok Node ${actual.trim()}: ${(error as Error).message.split('\n')[0]}\n${stdout ?? ''}${stderr ?? ''}`);
    }
  }
} finally {
  await server?.stop();
  await rm(scratch, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
