// `make test`: starts a throw-away embedded PostgreSQL (or uses
// TEST_DATABASE_URL), builds one migrated template database, runs the tap
// suite with each test file cloning that template, then cleans up.
import { spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded-postgres.ts';
import { buildTemplate, dropDatabase } from './helpers/database.ts';
import { freePort } from './helpers/ports.ts';

const template = `praxis_test_template_${process.pid}`;
let server: EmbeddedPostgres | undefined;
let scratch: string | undefined;
let exitCode = 1;

try {
  let adminUrl = process.env.TEST_DATABASE_URL;
  if (!adminUrl) {
    scratch = await mkdtemp(path.join(tmpdir(), 'praxis-test-'));
    await chmod(scratch, 0o755); // the server runs as its own OS user and must reach its data dir
    const port = await freePort();
    console.log(`test: starting embedded PostgreSQL on port ${port}`);
    server = await startEmbeddedPostgres({ dataDir: path.join(scratch, 'data'), port, persistent: false });
    adminUrl = server.url;
  }
  await buildTemplate(adminUrl, template);
  exitCode = await runTap(process.argv.slice(2), {
    ...process.env,
    TEST_DATABASE_URL: adminUrl,
    PRAXIS_TEST_TEMPLATE: template,
  });
  await dropDatabase(adminUrl, template);
} finally {
  await server?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
}
// Exit explicitly with tap's code: a handle left open must not keep the
// runner alive.
process.exit(exitCode);

// Runs tap, passing its output through, and ends with one plain line
// "N passed, N failed" (assertions) that any CI log reader understands.
function runTap(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    // tap and the Node 24 of this checkout, whatever PATH says, so
    // `node_modules/.bin/node test/run.ts FILE…` works as well as `make test`
    const bin = fileURLToPath(new URL('../node_modules/.bin', import.meta.url));
    const tap = spawn(path.join(bin, 'tap'), args, {
      stdio: ['inherit', 'pipe', 'inherit'],
      env: { ...env, PATH: `${bin}${path.delimiter}${env.PATH ?? ''}` },
    });
    let tail = '';
    tap.stdout.on('data', (chunk: Buffer) => {
      process.stdout.write(chunk);
      tail = (tail + chunk.toString()).slice(-4096);
    });
    tap.on('error', reject);
    tap.on('exit', (code, signal) => {
      const totals = /# \{ total: (\d+), pass: (\d+)(?:, fail: (\d+))?/.exec(tail);
      if (totals) console.log(`${totals[2]} passed, ${totals[3] ?? 0} failed`);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
